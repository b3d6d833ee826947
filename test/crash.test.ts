import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type AxCloudClient, type AxCloudComponents, createAxCloudClient } from '../client/index.ts';
import { allSimOrders, clientCaller, orderableEntries, orderBody, register } from './support/sandbox.ts';

/**
 * The real `ax-sim serve` process: orders answered 201 must survive SIGKILL in the middle of a burst
 * of writes, and a restart must find exactly them.
 */

const BIN = fileURLToPath(new URL('../scripts/ax-sim.js', import.meta.url));
const PRODUCT = '00000000-0000-4000-8000-000000000004'; // manual supplier: statuses stay put
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

const SERVE_PROCESS = fileURLToPath(new URL('./support/serve-process.ts', import.meta.url));

/**
 * `ax-sim serve` on a free port; with `compactBytes`, the same server from test/support/serve-process.ts
 * instead, whose journal rotates (and snapshots are written) every few kilobytes.
 */
async function serve(data: string, compactBytes?: number): Promise<{ child: ChildProcess; baseUrl: string }> {
  const child =
    compactBytes === undefined
      ? spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data', data], {
          stdio: ['ignore', 'pipe', 'pipe'],
        })
      : spawn(process.execPath, ['--import', 'tsx', SERVE_PROCESS], {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, AX_SIM_DATA: data, AX_SIM_COMPACT_BYTES: String(compactBytes) },
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
  const product = await register(clientCaller(client), 'tour', PRODUCT);
  const entries = await orderableEntries(clientCaller(client), product);
  return { mappingCode: product.mappingCode, optionCode: product.optionCode, entries, rti: product.rti };
}

describe('crash safety', () => {
  it('keeps every order answered 201 across SIGKILL mid-burst', async () => {
    const data = mkdtempSync(path.join(tmpdir(), 'ax-sim-crash-'));
    const first = await serve(data);
    const client = createAxCloudClient({
      baseUrl: first.baseUrl,
      apiKey: 'demo-key',
      retries: 0,
      timeoutMs: 5_000,
    });
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
    const orders = (await allSimOrders(again)).map((o) => o.ax_order_code);
    for (const code of acknowledged) expect(orders).toContain(code);
    // Stock agrees with what survived: the invariant holds and every surviving order is counted.
    const inventory = await again.getTourInventory({
      path: { product_code: PRODUCT },
      query: { page: 1, page_size: 100 },
    });
    for (const entry of inventory.data.option_codes[optionCode]!) {
      expect(entry.max_quantity).toBe(entry.remain_quantity + entry.ordered_quantity);
    }
    await again.close();
    second.child.kill('SIGTERM');
  }, 60_000);

  it('keeps every acknowledged write across 4 SIGKILL/restart rounds of `ax-sim serve`', async () => {
    await crashRounds(4);
  }, 120_000);

  it('keeps every acknowledged write across 4 SIGKILL/restart rounds while the journal rotates', async () => {
    // A 4 KiB compaction threshold: kills land before, during and after rotations and snapshot writes.
    await crashRounds(4, 4 * 1024);
  }, 120_000);

  it('refuses to start on a corrupt data file, naming it and leaving it as it was', async () => {
    const data = mkdtempSync(path.join(tmpdir(), 'ax-sim-corrupt-'));
    const { writeFileSync, readFileSync } = await import('node:fs');
    const file = path.join(data, 'demo-channel.json');
    writeFileSync(file, '{"format":"ax-sim-channel/1","seq":1,"state":');
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data', data], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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

/**
 * Rounds of: start the server on the same folder, check everything acknowledged so far, then a burst
 * of order creates and ticket cancels from 8 writers, killed with SIGKILL mid-burst. Each check: every
 * order answered 201 exists, every ticket cancel answered 200 holds, `max = remain + ordered` for every
 * entry, and each entry's stock equals its seeded stock minus the live tickets of the orders that
 * survived (so an order and its stock are never half-applied).
 */
async function crashRounds(rounds: number, compactBytes?: number) {
  const data = mkdtempSync(path.join(tmpdir(), 'ax-sim-rounds-'));
  const acknowledgedOrders = new Map<string, string[]>();
  const acknowledgedCancels = new Set<string>();
  let baseline: Map<string, number> | undefined;
  let requestNumber = 0;

  const verify = async (client: AxCloudClient, optionCode: string, where: string) => {
    const orders = new Map((await allSimOrders(client)).map((o) => [o.ax_order_code, o]));
    for (const code of acknowledgedOrders.keys())
      expect(orders.has(code), `${where}: order ${code}`).toBe(true);
    for (const ticket of acknowledgedCancels) {
      const status = [...orders.values()]
        .flatMap((o) => o.tickets)
        .find((t) => t.ax_ticket_code === ticket)?.ax_ticket_status;
      expect(status, `${where}: ticket ${ticket}`).toBe('Traveler canceled');
    }
    const inventory = await client.getTourInventory({
      path: { product_code: PRODUCT },
      query: { page: 1, page_size: 100 },
    });
    for (const entry of inventory.data.option_codes[optionCode]!) {
      expect(entry.max_quantity, where).toBe(entry.remain_quantity + entry.ordered_quantity);
      expect(entry.remain_quantity, where).toBeGreaterThanOrEqual(0);
      const live = [...orders.values()]
        .filter((o) => o.inventory_code === entry.inventory_code)
        .flatMap((o) => o.tickets)
        .filter((t) => t.ax_ticket_status === 'New').length;
      expect(entry.remain_quantity, `${where}: stock of ${entry.inventory_code}`).toBe(
        baseline!.get(entry.inventory_code)! - live,
      );
    }
    return orders.size;
  };

  for (let round = 1; round <= rounds + 1; round++) {
    const server = await serve(data, compactBytes);
    const client = createAxCloudClient({
      baseUrl: server.baseUrl,
      apiKey: 'demo-key',
      retries: 0,
      timeoutMs: 5_000,
      connections: 16,
    });
    const { mappingCode, optionCode, entries, rti } = await registerAndPickInventory(client);
    if (!baseline) {
      const inventory = await client.getTourInventory({
        path: { product_code: PRODUCT },
        query: { page: 1, page_size: 100 },
      });
      baseline = new Map(
        inventory.data.option_codes[optionCode]!.map((e) => [e.inventory_code, e.remain_quantity]),
      );
    }
    const found = await verify(client, optionCode, `start of round ${round}`);
    expect(found).toBeGreaterThanOrEqual(acknowledgedOrders.size);
    if (round > rounds) {
      await client.close();
      server.child.kill('SIGTERM');
      break;
    }

    // Writers until the kill: the kill lands after a varying number of acknowledgements.
    const killAfter = 12 + 9 * round;
    let acknowledgedThisRound = 0;
    let killed = false;
    const writer = async (w: number) => {
      while (!killed) {
        const n = requestNumber++;
        try {
          const cancellable = [...acknowledgedOrders].filter(([, tickets]) => tickets.length > 0);
          if (n % 4 === 3 && cancellable.length > 0) {
            const [order, tickets] = cancellable[n % cancellable.length]!;
            const ticket = tickets[0]!;
            await client.cancelTourTicket({
              path: { ax_order_code: order, ticket_code: ticket },
              body: { status: 'Traveler canceled' },
            });
            acknowledgedCancels.add(ticket);
            tickets.shift();
          } else {
            const entry = entries[(n * 7 + w) % entries.length]!;
            const answer = await client.raw('POST', '/v1/channel/orders/tour', {
              body: orderBody({
                mappingCode,
                optionCode,
                inventoryAt: `${entry.date}T${entry.start_time}:00Z`,
                quantity: 1 + (n % 2),
                channelOrderId: `round-${round}-${n}`,
                rti,
              }),
            });
            // 400 = that entry is sold out by now; anything else is a failure.
            expect([201, 400], answer.rawBody).toContain(answer.status);
            if (answer.status !== 201) continue;
            const line = (answer.data as AxCloudComponents['schemas']['CreateOrderResponse']).data
              .depth_combinations[0]!;
            acknowledgedOrders.set(
              line.ax_order_code,
              line.tickets.map((t) => t.ax_ticket_code),
            );
          }
          if (++acknowledgedThisRound >= killAfter && !killed) {
            killed = true;
            server.child.kill('SIGKILL');
          }
        } catch (error) {
          // Cut off by the kill: never acknowledged, so nothing is promised.
          if (!killed) throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
    await client.close();
    const { child } = server;
    await new Promise((resolve) =>
      child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve),
    );
  }
  expect(acknowledgedOrders.size).toBeGreaterThan(40);
  expect(acknowledgedCancels.size).toBeGreaterThan(5);
}
