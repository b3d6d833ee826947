/**
 * `npm run bench:check`: is the load generator honest, and is it fast enough? About a minute.
 *
 * 1. Counts: for each read scenario, the lean generator and autocannon each load bare Fastify (serving
 *    the simulator's own answer bytes) for `BENCH_SECONDS` (default 5); each generator's answer count
 *    is compared with the count bare Fastify kept itself (they may differ by the answers in flight when
 *    the window closed: at most one per connection and pipelined request), and the bytes per answer of
 *    both generators with each other and with the bytes the simulator's answer has on the wire.
 * 2. Headroom: the generator's CPU in each of those runs — which of the two saturates first.
 * 3. The refusal: one more run with the generator slowed on purpose (a busy-wait per answer) must be
 *    refused by the saturation rule.
 *
 * Prints a table and exits non-zero when a count or a byte size disagrees or the refusal did not fire.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { GeneratorName } from './generator.ts';
import { type LoadResult, MAX_GENERATOR, runLoad, stopGenerator } from './load.ts';
import { authHeaders, expectOk, httpCaller, READ_CHANNEL, readScenarios } from './scenarios.ts';
import { pinSelf, startBare, startSimulator, type Target } from './targets.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const pipelining = Math.max(1, Number(process.env.BENCH_PIPELINING ?? 1));
const log = (line: string) => process.stderr.write(`${line}\n`);

async function served(bare: Target): Promise<number> {
  const response = await fetch(`${bare.url}/__bench/served`);
  return ((await response.json()) as { served: number }).served;
}

async function main(): Promise<void> {
  pinSelf();
  const work = mkdtempSync(path.join(tmpdir(), 'ax-sim-bench-check-'));
  const targets: Target[] = [];
  const problems: string[] = [];
  try {
    const sim = await startSimulator({ data: path.join(work, 'data') });
    targets.push(sim);
    const call = httpCaller(sim.url, READ_CHANNEL);
    const list = (await expectOk(call, 'GET', '/v1/channel/products/tour?page=1&page_size=25')) as {
      products: Array<{ product_code: string }>;
    };
    const scenarios = readScenarios(list.products[4]?.product_code ?? list.products[0]!.product_code);
    const payloads: Record<string, string> = {};
    const wireBytes: Record<string, number> = {};
    for (const s of scenarios) {
      const answer = await call('GET', s.path);
      payloads[s.path.split('?')[0]!] = answer.text;
    }
    await sim.stop();
    const payloadFile = path.join(work, 'payloads.json');
    writeFileSync(payloadFile, JSON.stringify(payloads));
    const bare = await startBare(payloadFile);
    targets.push(bare);
    for (const s of scenarios) wireBytes[s.id] = await onTheWire(`${bare.url}${s.path}`);

    const headers = authHeaders(READ_CHANNEL);
    const rows: string[] = [
      '| scenario | generator | req/s | p50 ms | p99 ms | generator CPU | generator loop busy | server CPU | answers counted | answers bare Fastify sent | bytes/answer (on the wire) | verdict |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ];
    const byGenerator: Partial<Record<GeneratorName, LoadResult[]>> = {};
    for (const s of scenarios) {
      for (const generator of ['autocannon', 'lean'] as const) {
        // A short warm-up, so that both generators meet a server that has compiled its hot path.
        await runLoad({ url: `${bare.url}${s.path}`, connections, seconds: 1, headers, generator });
        const before = await served(bare);
        const r = await runLoad({
          url: `${bare.url}${s.path}`,
          connections,
          seconds,
          headers,
          generator,
          serverPid: bare.pid,
        });
        // Answers in flight when the window closed are sent by the server but not counted.
        await new Promise((resolve) => setTimeout(resolve, 200));
        const sent = (await served(bare)) - before;
        const slack = connections * (generator === 'lean' ? pipelining : 1);
        const countOk = sent >= r.requests && sent - r.requests <= slack;
        const bytesOk = r.bytesPerResponse === wireBytes[s.id];
        const verdict = [
          countOk ? 'count ok' : `**count off by ${sent - r.requests}**`,
          bytesOk ? 'bytes ok' : `**bytes ${r.bytesPerResponse} ≠ ${wireBytes[s.id]}**`,
          r.refused ? `refused: ${r.refused}` : 'generator not saturated',
        ].join('; ');
        if (!countOk) problems.push(`${s.id} ${generator}: counted ${r.requests}, bare Fastify sent ${sent}`);
        if (!bytesOk)
          problems.push(
            `${s.id} ${generator}: ${r.bytesPerResponse} bytes per answer, ${wireBytes[s.id]} sent`,
          );
        byGenerator[generator] = [...(byGenerator[generator] ?? []), r];
        const row =
          `| ${s.title} | ${generator} | ${Math.round(r.rps)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ` +
          `${r.generatorCores.toFixed(2)} | ${(r.generatorElu * 100).toFixed(0)} % | ${(r.serverCores ?? 0).toFixed(2)} | ` +
          `${r.requests} | ${sent} | ${r.bytesPerResponse} (${wireBytes[s.id]}) | ${verdict} |`;
        rows.push(row);
        log(row);
      }
    }

    // The refusal must fire when the generator is made the bottleneck on purpose.
    const slow = await runLoad({
      url: `${bare.url}${scenarios[1]!.path}`,
      connections,
      seconds: Math.min(seconds, 3),
      headers,
      generator: 'lean',
      burnMicros: 300,
      serverPid: bare.pid,
    });
    const refusalLine = slow.refused
      ? `Generator slowed on purpose (300 µs busy-wait per answer): ${Math.round(slow.rps)} req/s, generator CPU ${slow.generatorCores.toFixed(2)}, server CPU ${(slow.serverCores ?? 0).toFixed(2)} — refused as it must be (${slow.refused}).`
      : `**Generator slowed on purpose was NOT refused** (generator CPU ${slow.generatorCores.toFixed(2)}, loop ${(slow.generatorElu * 100).toFixed(0)} %).`;
    if (!slow.refused) problems.push('the saturation rule did not refuse a generator slowed on purpose');

    const perRequest = (g: GeneratorName) =>
      (byGenerator[g] ?? []).map((r) => (r.generatorCores / r.rps) * 1e6).map((us) => us.toFixed(1));
    const out = [
      `Load generator check: ${connections} connections${pipelining > 1 ? `, lean pipelining ${pipelining}` : ''}, ${seconds} s per run against bare Fastify serving the simulator's answer bytes; saturation rule: generator CPU or event-loop busy share > ${MAX_GENERATOR}.`,
      '',
      ...rows,
      '',
      `Generator CPU per answer (µs; list, detail, inventory): autocannon ${perRequest('autocannon').join(', ')}; lean ${perRequest('lean').join(', ')}.`,
      '',
      refusalLine,
      ...(problems.length > 0 ? ['', ...problems.map((p) => `- **${p}**`)] : []),
    ].join('\n');
    process.stdout.write(`\n${out}\n`);
    if (problems.length > 0) process.exitCode = 1;
  } finally {
    for (const t of targets) await t.stop().catch(() => {});
    await stopGenerator();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Bytes of one keep-alive answer as sent: status line, headers, body (read on a raw socket). */
async function onTheWire(url: string): Promise<number> {
  const { connect } = await import('node:net');
  const u = new URL(url);
  const headers = Object.entries(authHeaders(READ_CHANNEL))
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const request = `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\n${headers}Connection: keep-alive\r\n\r\n`;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: u.hostname, port: Number(u.port) }, () => socket.write(request));
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length:\s*(\d+)/i.exec(received.toString('latin1', 0, end))?.[1]);
      if (received.length >= end + 4 + length) {
        socket.destroy();
        resolve(end + 4 + length);
      }
    });
    socket.on('error', reject);
  });
}

main().catch((error) => {
  process.stderr.write(`bench:check failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
