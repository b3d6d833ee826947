import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSimulator } from '../../server/app.ts';
import { SNAPSHOT_FORMAT } from '../../server/store/snapshot.ts';
import { caller, lineOf, orderableEntries, orderBody, register } from '../support/sandbox.ts';

/**
 * A state past V8's longest string: a snapshot of more than 600 MB (~110,000 orders with realistic
 * traveller data) restarts, its listings answer a page at a time, and `GET /__sim/state` streams the
 * whole of it while the other channel is still answered. The stalls the other channel sees are printed
 * (speed is for benchmarks; this test asserts that it works at all, which a one-document snapshot and a
 * one-string export could not).
 */

const SERVE_PROCESS = fileURLToPath(new URL('../support/serve-process.ts', import.meta.url));
const MANUAL_TOUR = '00000000-0000-4000-8000-000000000004';
const ORDERS = Number(process.env.AX_SIM_LARGE_ORDERS ?? 110_000);
/** A smaller AX_SIM_LARGE_ORDERS (to try the test quickly) drops the size requirement. */
const TARGET_BYTES = process.env.AX_SIM_LARGE_ORDERS ? 0 : 600 * 1024 * 1024;

const dir = mkdtempSync(path.join(tmpdir(), 'ax-sim-large-'));
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** One real order, created through the API, as the template of the generated ones. */
async function template() {
  const app = await buildSimulator({});
  const call = caller(app);
  const product = await register(call, 'tour', MANUAL_TOUR);
  const [entry] = await orderableEntries(call, product, { pageSize: 5, quantity: 0 });
  const created = await call(
    'POST',
    '/v1/channel/orders/tour',
    orderBody({
      ...lineOf(product, entry!),
      inventoryAt: `${entry!.date}T${entry!.start_time}:00`,
      channelOrderId: 'template',
    }),
  );
  expect(created.status).toBe(201);
  const { state } = await app.sim.exportState('demo-channel');
  await app.close();
  return state;
}

/** Writes a JSON Lines snapshot of the template state with ORDERS orders, a line at a time. */
async function writeLargeSnapshot(file: string): Promise<number> {
  const state = (await template()) as unknown as Record<string, Record<string, unknown>>;
  const [orderCode, order] = Object.entries(state.orders!)[0]! as [string, Record<string, unknown>];
  const [channelCode, channelOrder] = Object.entries(state.channelOrders!)[0]! as [
    string,
    Record<string, unknown>,
  ];
  // Realistic traveller data: names, notes, requests in Korean and English, a few KiB per order.
  const notes =
    '공항 픽업 요청: 인천국제공항 제1터미널 도착 후 호텔까지 이동 / Pickup at ICN T1, then hotel. '.repeat(
      40,
    );
  const tickets = (order.tickets as Array<Record<string, unknown>>).map((t) => ({
    ...t,
    traveler: { ...(t.traveler as object), notes, passport_name: 'HONG GILDONG' },
  }));
  const orderJson = JSON.stringify({ ...order, tickets })
    .replaceAll(orderCode, '@CODE@')
    .replaceAll(channelCode, '@CHANNEL@');
  const channelJson = JSON.stringify({ ...channelOrder, orderCodes: ['@CODE@'] }).replaceAll(
    channelCode,
    '@CHANNEL@',
  );
  const out = createWriteStream(file);
  let lines = 0;
  const write = async (line: string) => {
    lines++;
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  };
  await write(JSON.stringify({ format: SNAPSHOT_FORMAT, seq: 0 }));
  lines = 0;
  for (const [name, records] of Object.entries(state)) {
    await write(JSON.stringify([name]));
    if (name === 'orders' || name === 'channelOrders') {
      for (let i = 0; i < ORDERS; i++) {
        const code = `large-${String(i).padStart(7, '0')}-0000-4000-8000-000000000000`;
        const json = (name === 'orders' ? orderJson : channelJson)
          .replaceAll('@CODE@', code)
          .replaceAll('@CHANNEL@', `channel-${i}`);
        await write(
          `[${JSON.stringify(name)},${JSON.stringify(name === 'orders' ? code : `channel-${i}`)},${json}]`,
        );
      }
      continue;
    }
    for (const [key, value] of Object.entries(records)) await write(JSON.stringify([name, key, value]));
  }
  out.write(`${JSON.stringify({ end: lines })}\n`);
  out.end();
  await once(out, 'finish');
  return statSync(file).size;
}

async function serve(): Promise<string> {
  child = spawn(process.execPath, ['--max-old-space-size=8192', '--import', 'tsx', SERVE_PROCESS], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AX_SIM_DATA: dir },
  });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => {
    err += c.toString();
  });
  return new Promise<string>((resolve, reject) => {
    let out = '';
    child!.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child!.once('exit', (code) => reject(new Error(`server exited with ${code}: ${err}`)));
  });
}

describe('a state larger than 600 MB', () => {
  it('restarts from its snapshot, pages its listings, and streams its export while the other channel is answered', async () => {
    const t0 = performance.now();
    const bytes = await writeLargeSnapshot(path.join(dir, 'demo-channel.json'));
    expect(bytes).toBeGreaterThan(TARGET_BYTES);
    const t1 = performance.now();
    const baseUrl = await serve();
    const t2 = performance.now();
    const H = { authorization: 'Token demo-key' };

    const first = (await (await fetch(`${baseUrl}/__sim/orders?limit=2`, { headers: H })).json()) as {
      orders: Array<{ ax_order_code: string }>;
      count: number;
      next: number;
    };
    expect(first.count).toBe(ORDERS + 0);
    expect(first.orders.map((o) => o.ax_order_code)).toEqual([
      `large-${String(ORDERS - 1).padStart(7, '0')}-0000-4000-8000-000000000000`,
      `large-${String(ORDERS - 2).padStart(7, '0')}-0000-4000-8000-000000000000`,
    ]);
    const tList = performance.now();
    const deep = (await (
      await fetch(`${baseUrl}/__sim/orders?limit=1000&offset=${ORDERS - 1000}`, { headers: H })
    ).json()) as {
      orders: unknown[];
      next: number | null;
    };
    const listMs = performance.now() - tList;
    expect(deep.orders).toHaveLength(1000);
    expect(deep.next).toBe(null);

    // The other channel, asked one request at a time while the export streams.
    let exporting = true;
    const latencies: number[] = [];
    const other = (async () => {
      while (exporting) {
        const start = performance.now();
        const answer = await fetch(`${baseUrl}/__sim/clock`, {
          headers: { authorization: 'Token demo-key-2' },
        });
        await answer.arrayBuffer();
        latencies.push(performance.now() - start);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const tExport = performance.now();
    const exported = await fetch(`${baseUrl}/__sim/state`, { headers: H });
    expect(exported.status).toBe(200);
    let received = 0;
    let tail = '';
    for await (const chunk of exported.body as unknown as AsyncIterable<Uint8Array>) {
      received += chunk.length;
      tail = (tail + Buffer.from(chunk).toString('latin1')).slice(-64);
    }
    const exportMs = performance.now() - tExport;
    exporting = false;
    await other;
    expect(received).toBeGreaterThan(TARGET_BYTES);
    expect(tail.endsWith('}}}')).toBe(true);
    expect(latencies.length).toBeGreaterThan(10);
    const sorted = [...latencies].sort((a, b) => a - b);
    const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1);
    process.stdout.write(
      `large state: ${ORDERS} orders, snapshot ${(bytes / 1048576).toFixed(0)} MiB written in ${((t1 - t0) / 1000).toFixed(1)} s; ` +
        `restart ${((t2 - t1) / 1000).toFixed(1)} s; orders page at offset ${ORDERS - 1000}: ${listMs.toFixed(0)} ms; ` +
        `export ${(received / 1048576).toFixed(0)} MiB in ${(exportMs / 1000).toFixed(1)} s; other channel during export: ` +
        `${latencies.length} requests, p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${sorted.at(-1)!.toFixed(1)} ms\n`,
    );
    child!.kill('SIGTERM');
    await once(child!, 'exit');
  });
});
