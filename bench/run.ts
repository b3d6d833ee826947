/**
 * `npm run bench`: the simulator against its ceiling (bare Fastify answering the same bytes) and against
 * what users would pick instead (Prism mocking the same contract), in one run, alternating rounds; the
 * durable write mix; growth with history; start-up with a large catalogue. Writes
 * bench/results/<name>.json and .md and prints the table. See bench/README.md.
 *
 * Environment: BENCH_SECONDS (10), BENCH_ROUNDS (3), BENCH_CONNECTIONS (50), BENCH_WARMUP (2),
 * BENCH_GROWTH ("0,10000,100000"), BENCH_STARTUP_PRODUCTS (100000), BENCH_SKIP (any of
 * "reads,prism,writes,growth,startup"), BENCH_NAME ("latest"), BENCH_PIN ("0" to run unpinned),
 * BENCH_MAX_FOREIGN (0.25) and BENCH_RETRIES (2): see `quietest`; BENCH_PG (the PostgreSQL server for the
 * "postgres" part, default postgres://postgres@127.0.0.1:5432/test; BENCH_SKIP=postgres leaves it out).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { measureGrowth, measureStartup, type StartupResult } from './growth.ts';
import { DEFAULT_GENERATOR, type LoadResult, MAX_GENERATOR, runLoad, stopGenerator } from './load.ts';
import { measurePostgres, type PgResults, postgresMarkdown } from './postgres.ts';
import {
  type BenchResults,
  checkTargets,
  type ReadResult,
  summarise,
  summariseKinds,
  type TargetName,
  toMarkdown,
  type WriteMixResult,
} from './report.ts';
import {
  authHeaders,
  expectOk,
  httpCaller,
  MIX_PRODUCT,
  prepareProduct,
  READ_CHANNEL,
  readScenarios,
  WRITE_CHANNEL,
} from './scenarios.ts';
import { PINNED, pinSelf, ROOT, startBare, startPrism, startSimulator, type Target } from './targets.ts';

const env = process.env;
const number = (name: string, fallback: number): number => {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name}=${value}: expected a number ≥ 0`);
  return n;
};
const config = {
  seconds: number('BENCH_SECONDS', 10),
  rounds: Math.max(1, Math.round(number('BENCH_ROUNDS', 3))),
  connections: Math.max(1, Math.round(number('BENCH_CONNECTIONS', 50))),
  warmupSeconds: number('BENCH_WARMUP', 2),
  growthLevels: (env.BENCH_GROWTH ?? '0,10000,100000')
    .split(',')
    .filter((s) => s.trim() !== '')
    .map((s) => Math.round(Number(s))),
  startupProducts: Math.round(number('BENCH_STARTUP_PRODUCTS', 100_000)),
  /** A read run during which other processes used more CPU than this (in cores) is run again… */
  maxForeignCores: number('BENCH_MAX_FOREIGN', 0.25),
  /** …at most this many more times; the quietest attempt is kept. */
  retries: Math.round(number('BENCH_RETRIES', 2)),
  generator: DEFAULT_GENERATOR,
  /** A run whose generator used more than this (its CPU, or its event loop's busy share) is refused. */
  maxGeneratorCores: MAX_GENERATOR,
};
const skip = new Set((env.BENCH_SKIP ?? '').split(',').map((s) => s.trim()));
// BENCH_ONLY=reads: the reads table alone (bare Fastify, simulator, Prism), nothing else.
const PARTS = ['reads', 'prism', 'writes', 'growth', 'startup', 'postgres'];
if (env.BENCH_ONLY) {
  const only = new Set(env.BENCH_ONLY.split(',').map((s) => s.trim()));
  if (only.has('reads')) only.add('prism');
  const unknown = [...only].filter((p) => !PARTS.includes(p));
  if (unknown.length > 0) throw new Error(`BENCH_ONLY=${env.BENCH_ONLY}: expected any of ${PARTS.join(',')}`);
  for (const part of PARTS) if (!only.has(part)) skip.add(part);
}
const name = env.BENCH_NAME ?? 'latest';
const resultsDir = path.join(ROOT, 'bench', 'results');

const t0 = performance.now();
const log = (line: string) =>
  process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

/** A phase that failed: said in the log and in the results' notes, the run goes on, the exit code is 1. */
const failures: string[] = [];
function failed(what: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  failures.push(`${what} failed: ${message.split('\n')[0]}`);
  log(`${what} FAILED: ${error instanceof Error ? (error.stack ?? message) : message}`);
  process.exitCode = 1;
}

async function main(): Promise<void> {
  pinSelf();
  const version = (pkg: string) =>
    (
      JSON.parse(readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  const notes: string[] = [];
  const reads: ReadResult[] = [];
  let writeMix: WriteMixResult | undefined;
  const work = mkdtempSync(path.join(tmpdir(), 'ax-sim-bench-'));
  const targets: Target[] = [];
  try {
    async function measureReadsAndWrites(): Promise<void> {
      const sim = await startSimulator({ data: path.join(work, 'data') });
      targets.push(sim);
      log(`simulator (file store) at ${sim.url}, pid ${sim.pid}`);
      const readCall = httpCaller(sim.url, READ_CHANNEL);
      // A regular catalogue product (not a supplier test product): the first of the list after them.
      const list = (await expectOk(readCall, 'GET', '/v1/channel/products/tour?page=1&page_size=25')) as {
        products: Array<{ product_code: string }>;
      };
      const product = list.products[4]?.product_code ?? list.products[0]!.product_code;
      const scenarios = readScenarios(product);

      if (!skip.has('reads')) {
        // The ceiling serves exactly the simulator's answer bytes for each scenario.
        const payloads: Record<string, string> = {};
        for (const s of scenarios) {
          const answer = await readCall('GET', s.path);
          if (answer.status !== 200) throw new Error(`${s.path}: simulator answered ${answer.status}`);
          payloads[s.path.split('?')[0]!] = answer.text;
          reads.push({
            id: s.id,
            title: s.title,
            path: s.path,
            bodyBytes: { sim: Buffer.byteLength(answer.text), bare: Buffer.byteLength(answer.text) },
            rounds: {},
            summary: {},
          });
        }
        const payloadFile = path.join(work, 'payloads.json');
        writeFileSync(payloadFile, JSON.stringify(payloads));
        const bare = await startBare(payloadFile);
        targets.push(bare);
        log(`bare Fastify at ${bare.url}`);
        let prism: Target | undefined;
        if (!skip.has('prism'))
          try {
            prism = await startPrism(scenarios[0]!.path, authHeaders(READ_CHANNEL));
            targets.push(prism);
            log(`Prism at ${prism.url} (started in ${(prism.startMs / 1000).toFixed(1)} s)`);
          } catch (error) {
            notes.push(`Prism did not start: ${(error as Error).message.split('\n')[0]}`);
          }
        const byName: Partial<Record<TargetName, Target>> = { bare, sim, prism };
        const prismServes = new Set<string>();
        if (prism) {
          const prismCall = httpCaller(prism.url, READ_CHANNEL);
          for (const [i, s] of scenarios.entries()) {
            const answer = await prismCall('GET', s.path);
            if (answer.status === 200) {
              prismServes.add(s.id);
              reads[i]!.bodyBytes.prism = Buffer.byteLength(answer.text);
            } else {
              notes.push(`Prism answered ${answer.status} to GET ${s.path}: ${answer.text.slice(0, 200)}`);
            }
          }
          notes.push(
            'Prism mocks `openapi/ax-cloud.yaml` (OpenAPI 3.1) as is, with `--errors false -v silent` and its output ' +
              'discarded; it answers each operation’s documented example, so its bodies are smaller than the ' +
              "simulator's (see the bytes column).",
          );
        }
        const targetsFor = (id: string): TargetName[] =>
          (['bare', 'sim', 'prism'] as const).filter((t) => t !== 'prism' || prismServes.has(id));
        const headers = authHeaders(READ_CHANNEL);
        const once = (target: Target, scenarioPath: string, seconds: number) =>
          runLoad({
            url: `${target.url}${scenarioPath}`,
            connections: config.connections,
            seconds,
            headers,
            serverPid: target.pid,
          });
        const run = (target: Target, scenarioPath: string, seconds: number) =>
          quietest(`GET ${scenarioPath} on ${target.name}`, () => once(target, scenarioPath, seconds));

        if (config.warmupSeconds > 0) {
          log(`warm-up: ${config.warmupSeconds} s per target and scenario`);
          for (const s of scenarios) {
            for (const t of targetsFor(s.id)) await once(byName[t]!, s.path, config.warmupSeconds);
          }
        }
        for (let round = 0; round < config.rounds; round++) {
          for (const [i, s] of scenarios.entries()) {
            const order = targetsFor(s.id);
            // Rotate who goes first each round, so no target always runs right after another.
            const rotated = [...order.slice(round % order.length), ...order.slice(0, round % order.length)];
            for (const t of rotated) {
              const result = await run(byName[t]!, s.path, config.seconds);
              const kept = reads[i]!.rounds[t] ?? [];
              kept.push(result);
              reads[i]!.rounds[t] = kept;
              log(
                `round ${round + 1}/${config.rounds} ${s.id.padEnd(9)} ${t.padEnd(5)} ` +
                  `${Math.round(result.rps).toString().padStart(6)} req/s  p50 ${result.p50.toFixed(2)} ms  ` +
                  `p99 ${result.p99.toFixed(2)} ms  generator ${cores(result.generatorCores)} ` +
                  `server ${cores(result.serverCores)} others ${cores(result.foreignCores)}` +
                  `${result.non2xx + result.errors > 0 ? `  non-2xx ${result.non2xx} errors ${result.errors}` : ''}` +
                  `${result.refused ? `  REFUSED: ${result.refused}` : ''}`,
              );
            }
          }
          if (!skip.has('writes')) {
            writeMix = await writeRound(sim, round, writeMix);
          }
        }
        for (const read of reads) {
          for (const [t, rounds] of Object.entries(read.rounds) as Array<[TargetName, LoadResult[]]>) {
            read.summary[t] = summarise(rounds);
          }
          const { sim: s, bare: b, prism: p } = read.summary;
          if (s && b) read.simOverCeiling = s.rps / b.rps;
          if (s && p) read.simOverPrism = s.rps / p.rps;
        }
      } else {
        for (let round = 0; round < config.rounds; round++) writeMix = await writeRound(sim, round, writeMix);
      }
      for (const t of targets.splice(0)) await t.stop();
    }
    if (!skip.has('reads') || !skip.has('writes')) {
      await measureReadsAndWrites().catch((error) => failed('reads and write mix', error));
    }
    for (const t of targets.splice(0)) await t.stop();

    const growth =
      skip.has('growth') || config.growthLevels.length === 0
        ? []
        : await measureGrowth(config.growthLevels, {
            connections: config.connections,
            seconds: config.seconds,
            warmupSeconds: config.warmupSeconds,
            log,
            fail: failed,
          });
    let startup: StartupResult | undefined;
    if (!skip.has('startup') && config.startupProducts > 0) {
      try {
        const tours = Math.round(config.startupProducts * 0.6);
        startup = await measureStartup(tours, config.startupProducts - tours, log);
      } catch (error) {
        failed('start-up', error);
      }
    }

    let postgres: PgResults | undefined;
    if (!skip.has('postgres')) {
      try {
        postgres = await measurePostgres({
          url: env.BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test',
          connections: config.connections,
          seconds: config.seconds,
          warmupSeconds: config.warmupSeconds,
          log,
        });
      } catch (error) {
        failed('PostgreSQL store', error);
      }
    }

    const partial: Omit<BenchResults, 'targets'> = {
      generatedAt: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
        node: process.versions.node,
        platform: `${process.platform} ${process.arch}`,
        pinned: PINNED,
      },
      config,
      versions: {
        fastify: version('fastify'),
        autocannon: version('autocannon'),
        generator: config.generator,
        '@stoplight/prism-cli': version('@stoplight/prism-cli'),
      },
      notes: [...notes, ...failures],
      reads,
      writeMix,
      growth,
      startup,
    };
    const results: BenchResults & { postgres?: PgResults } = {
      ...partial,
      targets: checkTargets(partial),
      postgres,
    };
    mkdirSync(resultsDir, { recursive: true });
    const markdown =
      toMarkdown(results) + (postgres ? postgresMarkdown(postgres, config.seconds, config.connections) : '');
    writeFileSync(path.join(resultsDir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(path.join(resultsDir, `${name}.md`), markdown);
    process.stdout.write(`\n${markdown}\nwrote bench/results/${name}.json and bench/results/${name}.md\n`);
  } finally {
    for (const t of targets) await t.stop().catch(() => {});
    await stopGenerator();
    rmSync(work, { recursive: true, force: true });
  }
}

const cores = (n: number | undefined) => (n === undefined ? '?' : `${n.toFixed(2)} cores`);

/**
 * Runs a measurement, and again (at most `retries` more times) while it does not count: its load
 * generator was saturated (the run is refused — said in the log, and in the table if no attempt
 * counts), or other processes on the machine used more than `maxForeignCores` during it. Keeps the
 * attempt that counts and was disturbed least.
 */
async function quietest(what: string, measure: () => Promise<LoadResult>): Promise<LoadResult> {
  let best: LoadResult | undefined;
  const better = (a: LoadResult, b: LoadResult) =>
    !a.refused !== !b.refused ? !a.refused : (a.foreignCores ?? 0) < (b.foreignCores ?? 0);
  for (let attempt = 0; attempt <= config.retries; attempt++) {
    const result = await measure();
    if (!best || better(result, best)) best = result;
    if (result.refused) {
      log(`  REFUSED: ${result.refused} — the generator, not the server, set the pace; running it again`);
      continue;
    }
    if ((result.foreignCores ?? 0) <= config.maxForeignCores) break;
    log(`  other processes used ${cores(result.foreignCores)} during that run; running it again`);
  }
  if (best!.refused) {
    failures.push(`${what} was refused ${config.retries + 1} times: ${best!.refused}`);
    process.exitCode = 1;
  }
  return best!;
}

/** One round of the durable write mix on a reset sandbox of the write channel. */
async function writeRound(
  sim: Target,
  round: number,
  previous: WriteMixResult | undefined,
): Promise<WriteMixResult> {
  let attempt = 0;
  const result = await quietest(`write mix round ${round + 1}`, () =>
    writeAttempt(sim, round, attempt++ === 0),
  );
  const kinds = Object.entries(result.kinds ?? {})
    .map(
      ([k, s]) =>
        `${k} ${Object.entries(s.statuses)
          .map(([c, n]) => `${c}×${n}`)
          .join(' ')}`,
    )
    .join('; ');
  log(
    `round ${round + 1}/${config.rounds} write mix       ${Math.round(result.rps).toString().padStart(6)} req/s  ` +
      `p50 ${result.p50.toFixed(2)} ms  p99 ${result.p99.toFixed(2)} ms  generator ${cores(result.generatorCores)} ` +
      `server ${cores(result.serverCores)} others ${cores(result.foreignCores)}  (${kinds})` +
      `${result.refused ? `  REFUSED: ${result.refused}` : ''}`,
  );
  const rounds = [...(previous?.rounds ?? []), result];
  return {
    description:
      'Each connection loops: create a tour order of 2 units (the delayed-confirm test product, its inventory ' +
      'entries used round-robin), cancel its first ticket, cancel the order; the sandbox is reset before each ' +
      'round. Every write is answered after its journal line is fsync’d.',
    rounds,
    summary: summarise(rounds),
    kinds: summariseKinds(rounds),
  };
}

async function writeAttempt(sim: Target, round: number, first: boolean): Promise<LoadResult> {
  const call = httpCaller(sim.url, WRITE_CHANNEL);
  await expectOk(call, 'POST', '/__sim/reset');
  const slots = await prepareProduct(call, 'tour', MIX_PRODUCT, 10);
  const headers = authHeaders(WRITE_CHANNEL);
  if (round === 0 && first && config.warmupSeconds > 0) {
    await runLoad({
      url: sim.url,
      connections: config.connections,
      seconds: config.warmupSeconds,
      headers,
      sequence: { kind: 'write mix', slots: [...slots], runId: `warm-${Date.now()}` },
    });
    await expectOk(call, 'POST', '/__sim/reset');
    slots.splice(0, slots.length, ...(await prepareProduct(call, 'tour', MIX_PRODUCT, 10)));
  }
  return runLoad({
    url: sim.url,
    connections: config.connections,
    seconds: config.seconds,
    headers,
    sequence: { kind: 'write mix', slots, runId: `mix-${round}-${Date.now()}` },
    serverPid: sim.pid,
  });
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
