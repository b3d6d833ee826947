import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type AxCloudClient, createAxCloudClient } from '../client/index.ts';
import { orderBody } from './helpers.ts';

/**
 * The real `ax-sim serve` process: orders answered 201 must survive SIGKILL in the middle of a burst
 * of writes, and a restart must find exactly them.
 */

const BIN = fileURLToPath(new URL('../bin/ax-sim.js', import.meta.url));
const PRODUCT = '00000000-0000-4000-8000-000000000004'; // manual supplier: statuses stay put
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

async function serve(data: string): Promise<{ child: ChildProcess; baseUrl: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data', data], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`ax-sim exited with ${code}: ${err}`)));
  });
  return { child, baseUrl };
}

async function registerAndPickInventory(client: AxCloudClient) {
  const detail = await client.getTourProduct({ path: { product_code: PRODUCT } });
  const options = detail.data.options;
  const registered = await client.registerTourProduct({
    path: { product_code: PRODUCT },
    body: {
      mapping_data: Object.fromEntries(options.map((o) => [o.option_code, o.option_name])),
      channel_product_name: 'crash test',
      channel_product_link: 'https://channel.example.com/crash',
      channel_product_id: 'crash-1',
    },
  });
  const optionCode = options[0]!.option_code;
  const inventory = await client.getTourInventory({
    path: { product_code: PRODUCT },
    query: { page: 1, page_size: 100 },
  });
  const entries = inventory.data.option_codes[optionCode]!.filter((e) => e.is_order && e.remain_quantity > 0);
  return { mappingCode: registered.data.data.channel_product_mapping_code, optionCode, entries, rti: detail.data.required_traveler_information };
}

describe('crash safety', () => {
  it('keeps every order answered 201 across SIGKILL mid-burst', async () => {
    const data = mkdtempSync(path.join(tmpdir(), 'ax-sim-crash-'));
    const first = await serve(data);
    const client = createAxCloudClient({ baseUrl: first.baseUrl, apiKey: 'demo-key', retries: 0, timeoutMs: 5_000 });
    const { mappingCode, optionCode, entries, rti } = await registerAndPickInventory(client);

    // Eight writers keep requests in flight; the server is killed once 30 orders have been answered.
    const acknowledged: string[] = [];
    let next = 0;
    let killed = false;
    const writer = async () => {
      while (next < 400) {
        const i = next++;
        const entry = entries[i % entries.length]!;
        const body = orderBody({
          mappingCode,
          optionCode,
          inventoryAt: `${entry.date}T${entry.start_time}:00Z`,
          channelOrderId: `crash-${i}`,
          rti,
        });
        try {
          const answer = await client.createTourOrder({ body });
          acknowledged.push(answer.data.data.depth_combinations[0]!.ax_order_code);
          if (acknowledged.length >= 30 && !killed) {
            killed = true;
            first.child.kill('SIGKILL');
          }
        } catch {
          // Cut off by the kill: never acknowledged, so nothing is promised.
          if (killed) return;
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, writer));
    await client.close();
    expect(killed).toBe(true);
    expect(acknowledged.length).toBeGreaterThanOrEqual(30);

    const second = await serve(data);
    const again = createAxCloudClient({ baseUrl: second.baseUrl, apiKey: 'demo-key', retries: 0 });
    const orders = (await again.listSimOrders()).data.orders.map((o) => o.ax_order_code);
    for (const code of acknowledged) expect(orders).toContain(code);
    // Stock agrees with what survived: the invariant holds and every surviving order is counted.
    const inventory = await again.getTourInventory({ path: { product_code: PRODUCT }, query: { page: 1, page_size: 100 } });
    for (const entry of inventory.data.option_codes[optionCode]!) {
      expect(entry.max_quantity).toBe(entry.remain_quantity + entry.ordered_quantity);
    }
    await again.close();
    second.child.kill('SIGTERM');
  }, 60_000);

  it('refuses to start on a corrupt data file, naming it and leaving it as it was', async () => {
    const data = mkdtempSync(path.join(tmpdir(), 'ax-sim-corrupt-'));
    const { writeFileSync, readFileSync } = await import('node:fs');
    const file = path.join(data, 'demo-channel.json');
    writeFileSync(file, '{"format":"ax-sim-channel/1","seq":1,"state":');
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data', data], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let err = '';
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).not.toBe(0);
    expect(err).toContain(file);
    expect(readFileSync(file, 'utf8')).toBe('{"format":"ax-sim-channel/1","seq":1,"state":');
  }, 30_000);
});
