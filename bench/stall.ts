// biome-ignore-all lint/suspicious/noExplicitAny: a benchmark over loosely typed JSON answers
/**
 * Event-loop stalls of the big control calls, in one process (`npm run bench:stall`): a channel with
 * many orders (BENCH_STALL_ORDERS, default 135,000 with realistic traveller data), then
 * - `GET /__sim/state` streamed to the end, while the other channel is asked one request at a time;
 * - `GET /__sim/orders?limit=1000` at the last page;
 * - `GET /__sim/journal?limit=1000` with the journal at its limit (1000 entries with 16 KiB bodies).
 * For each: wall time, the event loop's longest delay (perf_hooks.monitorEventLoopDelay, 1 ms
 * resolution) and the other channel's latencies. Prints a table and writes bench/results/stall.json.
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { buildSimulator } from '../server/app.ts';

const ORDERS = Number(process.env.BENCH_STALL_ORDERS ?? 135_000);
const MANUAL_TOUR = '00000000-0000-4000-8000-000000000004';
const H = { authorization: 'Token demo-key' };

const app = await buildSimulator({});
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

async function json(path: string, init: RequestInit = {}) {
  const answer = await fetch(`${base}${path}`, {
    ...init,
    headers: { ...H, 'content-type': 'application/json', ...init.headers },
  });
  return answer.json() as Promise<Record<string, any>>;
}

// One real order as the template, then the state with ORDERS copies of it, imported in-process.
const detail = await json(`/v1/channel/products/tour/${MANUAL_TOUR}`);
const registered = await json(`/v1/channel/products/tour/registration/${MANUAL_TOUR}`, {
  method: 'POST',
  body: JSON.stringify({
    mapping_data: Object.fromEntries(detail.options.map((o: any) => [o.option_code, o.option_name])),
    channel_product_name: 'stall',
    channel_product_link: 'https://channel.example.com/stall',
    channel_product_id: 'stall-1',
  }),
});
const optionCode = detail.options[0].option_code;
const inventory = await json(`/v1/channel/inventory/tour/${MANUAL_TOUR}?page=1&page_size=5`);
const entry = inventory.option_codes[optionCode].find((e: any) => e.is_order);
const { orderBody } = await import('../test/support/sandbox.ts');
await json('/v1/channel/orders/tour', {
  method: 'POST',
  body: JSON.stringify(
    orderBody({
      mappingCode: registered.data.channel_product_mapping_code,
      optionCode,
      inventoryAt: `${entry.date}T${entry.start_time}:00`,
      rti: detail.required_traveler_information,
      channelOrderId: 'template',
    }),
  ),
});
const document = (await app.sim.exportState('demo-channel')) as any;
const [code, order] = Object.entries(document.state.orders)[0] as [string, any];
const notes =
  '공항 픽업 요청: 인천국제공항 제1터미널 도착 후 호텔까지 이동 / Pickup at ICN T1, then hotel. '.repeat(20);
for (let i = 0; i < ORDERS; i++) {
  const c = `${code.slice(0, -7)}${String(i).padStart(7, '0')}`;
  document.state.orders[c] = {
    ...order,
    code: c,
    tickets: order.tickets.map((t: any) => ({ ...t, traveler: { ...t.traveler, notes } })),
  };
}
await app.sim.importState('demo-channel', document);

const histogram = monitorEventLoopDelay({ resolution: 1 });

async function measure(name: string, run: () => Promise<number>) {
  let running = true;
  const latencies: number[] = [];
  const other = (async () => {
    while (running) {
      const start = performance.now();
      await (
        await fetch(`${base}/__sim/clock`, { headers: { authorization: 'Token demo-key-2' } })
      ).arrayBuffer();
      const answered = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 5));
      // The request's latency plus however late the 5 ms pause before the next one ended.
      latencies.push(answered - start + Math.max(0, performance.now() - answered - 5));
    }
  })();
  histogram.reset();
  histogram.enable();
  const start = performance.now();
  const bytes = await run();
  const wallMs = performance.now() - start;
  histogram.disable();
  running = false;
  await other;
  latencies.sort((a, b) => a - b);
  return {
    name,
    wallMs: Math.round(wallMs),
    bytes,
    loopDelayMaxMs: Math.round(histogram.max / 1e5) / 10,
    loopDelayP99Ms: Math.round(histogram.percentile(99) / 1e5) / 10,
    otherRequests: latencies.length,
    otherMaxMs: Math.round(latencies.at(-1) ?? 0),
    otherP99Ms: Math.round(latencies[Math.floor(latencies.length * 0.99)] ?? 0),
  };
}

async function consume(path: string): Promise<number> {
  const answer = await fetch(`${base}${path}`, { headers: H });
  let bytes = 0;
  for await (const chunk of answer.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
  return bytes;
}

const results = [];
// Steady state: the import's own work (validation, indexing) is done before anything is measured.
await consume('/__sim/orders?limit=1');
results.push(await measure(`GET /__sim/state (${ORDERS} orders)`, () => consume('/__sim/state')));
results.push(
  await measure('GET /__sim/orders?limit=1000 (last page)', () =>
    consume(`/__sim/orders?limit=1000&offset=${ORDERS + 1 - 1000}`),
  ),
);
// The journal at its limit: 1000 entries whose request bodies are cut at 16 KiB.
const big = JSON.stringify({ blob: 'x'.repeat(64 * 1024) });
for (let i = 0; i < 1000; i++) {
  await (
    await fetch(`${base}/v1/channel/orders/tour`, {
      method: 'POST',
      headers: { ...H, 'content-type': 'application/json' },
      body: big,
    })
  ).arrayBuffer();
}
for (let i = 0; i < 3; i++) {
  results.push(
    await measure(`GET /__sim/journal?limit=1000 (at its limit), run ${i + 1}`, () =>
      consume('/__sim/journal?limit=1000'),
    ),
  );
}
await app.close();

console.table(results);
writeFileSync(
  new URL('./results/stall.json', import.meta.url),
  `${JSON.stringify({ orders: ORDERS, results }, null, 2)}\n`,
);
