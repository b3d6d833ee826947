/**
 * The PostgreSQL store beside the file store, in one run: durable order create (1 unit each, spread over
 * every day-ticket entry with stock) and the three reads, against one `ax-sim serve` on the file store,
 * one on PostgreSQL, and three on the same PostgreSQL database with the load split evenly over them.
 * Each run gets a database of its own (`postgres_bench_…`), dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { closedInDefaultCatalogue } from './growth.ts';
import { type LoadResult, MAX_GENERATOR, runLoad } from './load.ts';
import {
  authHeaders,
  expectOk,
  httpCaller,
  prepareFamily,
  READ_CHANNEL,
  readScenarios,
  type Slot,
  WRITE_CHANNEL,
} from './scenarios.ts';
import { startSimulator, type Target } from './targets.ts';

export interface PgRun {
  store: 'file' | 'postgres';
  instances: number;
  scenario: 'order create' | 'product list page' | 'product detail' | 'inventory';
  rps: number;
  p50: number;
  p99: number;
  max: number;
  statuses: Record<string, number>;
  errors: number;
  /** CPU of the load generator's process (all instances' loads run in it), in cores. */
  generatorCores: number;
  /** Why the run does not count (the generator was saturated); absent when it counts. */
  refused?: string;
}

export interface PgResults {
  url: string;
  runs: PgRun[];
  targets: Array<{ target: string; goal: string; measured: string; met: boolean }>;
}

interface Options {
  url: string;
  connections: number;
  seconds: number;
  warmupSeconds: number;
  log: (line: string) => void;
}

/** Several loads at once, one per server (all in the generator process), their answers counted together. */
async function spread(
  targets: Target[],
  connections: number,
  seconds: number,
  sequence: (i: number) => Parameters<typeof runLoad>[0]['sequence'],
  pathOf?: string,
): Promise<LoadResult[]> {
  const per = Math.max(1, Math.round(connections / targets.length));
  return Promise.all(
    targets.map((t, i) =>
      runLoad({
        url: pathOf ? `${t.url}${pathOf}` : t.url,
        connections: per,
        seconds,
        headers: authHeaders(pathOf ? READ_CHANNEL : WRITE_CHANNEL),
        sequence: sequence(i),
        serverPid: targets.length === 1 ? t.pid : undefined,
      }),
    ),
  );
}

function combine(results: LoadResult[]): Omit<PgRun, 'store' | 'instances' | 'scenario'> {
  const statuses: Record<string, number> = {};
  for (const r of results)
    for (const [s, n] of Object.entries(r.statuses)) statuses[s] = (statuses[s] ?? 0) + n;
  return {
    rps: results.reduce((sum, r) => sum + r.rps, 0),
    // Each generator's percentiles over its own answers; the worst of them stands for the whole.
    p50: Math.max(...results.map((r) => r.p50)),
    p99: Math.max(...results.map((r) => r.p99)),
    max: Math.max(...results.map((r) => r.max)),
    statuses,
    errors: results.reduce((sum, r) => sum + r.errors + r.timeouts, 0),
    generatorCores: Math.max(...results.map((r) => r.generatorCores)),
    ...(results.some((r) => r.refused) && { refused: results.find((r) => r.refused)!.refused }),
  };
}

async function measure(
  store: PgRun['store'],
  instances: Target[],
  options: Options,
  runs: PgRun[],
): Promise<void> {
  const label = `${store} × ${instances.length}`;
  const call = httpCaller(instances[0]!.url, WRITE_CHANNEL);
  await expectOk(call, 'POST', '/__sim/reset');
  const prepare = async () => {
    const slots = await prepareFamily(call, 'day-ticket', 1, closedInDefaultCatalogue());
    // Disjoint stock per generator, so that none asks for a unit another one took.
    return instances.map((_, i) => slots.filter((_, j) => j % instances.length === i)) as Slot[][];
  };
  let parts = await prepare();
  const create = (seconds: number, id: string) =>
    spread(instances, options.connections, seconds, (i) => ({
      kind: 'create only',
      slots: parts[i]!,
      runId: `${id}-${i}`,
    }));
  if (options.warmupSeconds > 0) {
    await create(options.warmupSeconds, `pg-warm-${Date.now()}`);
    parts = await prepare();
  }
  const created = combine(await create(options.seconds, `pg-${store}-${instances.length}-${Date.now()}`));
  runs.push({ store, instances: instances.length, scenario: 'order create', ...created });
  refused(created, options);
  options.log(
    `${label.padEnd(14)} order create ${Math.round(created.rps).toString().padStart(6)}/s  p50 ${created.p50.toFixed(2)} ms  p99 ${created.p99.toFixed(2)} ms  ${JSON.stringify(created.statuses)}`,
  );

  const readCall = httpCaller(instances[0]!.url, READ_CHANNEL);
  const list = (await expectOk(readCall, 'GET', '/v1/channel/products/tour?page=1&page_size=25')) as {
    products: Array<{ product_code: string }>;
  };
  const product = list.products[4]?.product_code ?? list.products[0]!.product_code;
  for (const s of readScenarios(product)) {
    if (options.warmupSeconds > 0) {
      await spread(instances, options.connections, options.warmupSeconds, () => undefined, s.path);
    }
    const read = combine(
      await spread(instances, options.connections, options.seconds, () => undefined, s.path),
    );
    runs.push({ store, instances: instances.length, scenario: s.title as PgRun['scenario'], ...read });
    refused(read, options);
    options.log(
      `${label.padEnd(14)} ${s.title.padEnd(17)} ${Math.round(read.rps).toString().padStart(6)}/s  p50 ${read.p50.toFixed(2)} ms  p99 ${read.p99.toFixed(2)} ms`,
    );
  }
}

/** A run whose generator was saturated is said in the log and fails the benchmark. */
function refused(run: { refused?: string }, options: Options): void {
  if (!run.refused) return;
  options.log(`  REFUSED: ${run.refused} — the generator, not the server, set the pace`);
  process.exitCode = 1;
}

export async function measurePostgres(options: Options): Promise<PgResults> {
  const name = `postgres_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: options.url, connectionTimeoutMillis: 5_000 });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const dbUrl = new URL(options.url);
  dbUrl.pathname = `/${name}`;
  const runs: PgRun[] = [];
  const started: Target[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'ax-sim-bench-pg-'));
  // Unpinned: several simulators and PostgreSQL's own processes share the machine as they would in use.
  const start = async (data: string, n: string) => {
    const t = await startSimulator({ data, name: n, pin: false });
    started.push(t);
    return t;
  };
  try {
    const file = await start(path.join(dir, 'data'), 'file');
    options.log(`file store at ${file.url}`);
    await measure('file', [file], options, runs);
    await file.stop();

    const one = await start(dbUrl.toString(), 'pg-1');
    options.log(`PostgreSQL store at ${one.url} (database ${name})`);
    await measure('postgres', [one], options, runs);
    const more = [one, await start(dbUrl.toString(), 'pg-2'), await start(dbUrl.toString(), 'pg-3')];
    await measure('postgres', more, options, runs);
  } finally {
    for (const t of started) await t.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
  return { url: redact(options.url), runs, targets: pgTargets(runs) };
}

function find(runs: PgRun[], store: PgRun['store'], instances: number, scenario: PgRun['scenario']) {
  return runs.find((r) => r.store === store && r.instances === instances && r.scenario === scenario);
}

function pgTargets(runs: PgRun[]): PgResults['targets'] {
  const targets: PgResults['targets'] = [];
  const one = find(runs, 'postgres', 1, 'order create');
  const three = find(runs, 'postgres', 3, 'order create');
  if (one) {
    targets.push({
      target: 'PostgreSQL: durable order create ≥ 1,500/s with p99 ≤ 50 ms, one instance',
      goal: '≥ 1500/s, ≤ 50 ms',
      measured: `${fmt(one.rps)}/s, p99 ${one.p99.toFixed(1)} ms`,
      met: one.rps >= 1500 && one.p99 <= 50,
    });
  }
  if (one && three) {
    targets.push({
      target: 'PostgreSQL: order create with three instances ≥ one instance',
      goal: '≥ 1.00',
      measured: `${(three.rps / one.rps).toFixed(2)} (${fmt(three.rps)} / ${fmt(one.rps)}/s)`,
      met: three.rps >= one.rps,
    });
  }
  for (const scenario of ['product list page', 'product detail', 'inventory'] as const) {
    const file = find(runs, 'file', 1, scenario);
    const pgRead = find(runs, 'postgres', 1, scenario);
    if (file && pgRead) {
      targets.push({
        target: `PostgreSQL: ${scenario} ≥ 0.5 × file store, one instance`,
        goal: '≥ 0.50',
        measured: `${(pgRead.rps / file.rps).toFixed(2)} (${fmt(pgRead.rps)} / ${fmt(file.rps)} req/s)`,
        met: pgRead.rps >= 0.5 * file.rps,
      });
    }
  }
  return targets;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

export function postgresMarkdown(r: PgResults, seconds: number, connections: number): string {
  const lines = [
    '',
    `**PostgreSQL store** — beside the file store, same run; ${connections} connections in all (split evenly over the instances, one autocannon instance per server, all in the load generator's process), one run of ${seconds} s each; servers unpinned. Cells: req/s (2xx only) · p50 ms · p99 ms (with several instances: the worst instance's percentiles) · CPU of the load generator's process (cores); a run where it used more than ${MAX_GENERATOR} of its core is refused.`,
    '',
    '| scenario | file store × 1 | PostgreSQL × 1 | PostgreSQL × 3 |',
    '|---|---|---|---|',
  ];
  for (const scenario of ['order create', 'product list page', 'product detail', 'inventory'] as const) {
    const cell = (store: PgRun['store'], n: number) => {
      const run = find(r.runs, store, n, scenario);
      if (!run) return '–';
      const bad = Object.entries(run.statuses).filter(([s]) => !s.startsWith('2'));
      const note =
        bad.length > 0 || run.errors > 0
          ? ` (non-2xx ${JSON.stringify(Object.fromEntries(bad))}, errors ${run.errors})`
          : '';
      if (run.refused) return `**refused** (${run.refused})`;
      return `${fmt(run.rps)} · ${run.p50.toFixed(2)} · ${run.p99.toFixed(1)} · ${run.generatorCores.toFixed(2)}${note}`;
    };
    lines.push(
      `| ${scenario === 'order create' ? 'durable order create' : scenario} | ${cell('file', 1)} | ${cell('postgres', 1)} | ${cell('postgres', 3)} |`,
    );
  }
  lines.push('', '| target | goal | measured | met |', '|---|---|---|---|');
  for (const t of r.targets)
    lines.push(`| ${t.target} | ${t.goal} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`);
  return `${lines.join('\n')}\n`;
}
