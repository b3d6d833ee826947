/**
 * `npm run bench:profile`: where a read request's microseconds go in the simulator.
 *
 * For each read scenario (list, detail, inventory), a fresh `ax-sim serve` runs under `node --cpu-prof`
 * (pinned to CPU 1 like every server of the benchmark), gets `BENCH_WARMUP` s of the read load (default
 * 2), then `BENCH_SECONDS` s measured (default 10) from the lean generator in its own process, and is
 * stopped, which writes its `.cpuprofile`. Only the samples taken during the measured window count
 * (V8's sample times and this process's `process.hrtime` read the same monotonic clock). Each sample's
 * time goes to one hop of the request path: the hop of the innermost frame on its stack that `HOPS`
 * knows (so a builtin called from the domain code counts as domain), "other" when no frame is known.
 * Divided by the answers the generator counted in the window, that is microseconds per request.
 *
 * Writes bench/results/<BENCH_NAME, default "profile">.md and prints it. BENCH_PROFILE_INTERVAL sets
 * the sampling interval in µs (default 200); BENCH_KEEP=1 keeps the `.cpuprofile` files (for Chrome's
 * DevTools) and prints where. BENCH_TARGET=bare profiles the ceiling instead — bare
 * Fastify answering the simulator's own bytes (bench/bare-server.ts) — so that the two profiles can be
 * read hop by hop side by side.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { type LoadResult, runLoad, stopGenerator } from './load.ts';
import {
  authHeaders,
  expectOk,
  httpCaller,
  READ_CHANNEL,
  type ReadScenario,
  readScenarios,
} from './scenarios.ts';
import { PINNED, pinSelf, ROOT, startBare, startSimulator, type Target } from './targets.ts';

const env = process.env;
const seconds = Number(env.BENCH_SECONDS ?? 10);
const warmup = Number(env.BENCH_WARMUP ?? 2);
const connections = Number(env.BENCH_CONNECTIONS ?? 50);
const interval = Number(env.BENCH_PROFILE_INTERVAL ?? 200);
const bare = env.BENCH_TARGET === 'bare';
const name = env.BENCH_NAME ?? (bare ? 'profile-bare' : 'profile');
const log = (line: string) => process.stderr.write(`${line}\n`);

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * The hops of a request, and how to know a frame of each: by file (`url`) and, where one file serves
 * several hops, by function name. Checked in order, first match wins; the order goes from specific to
 * general (the simulator's own files before Fastify's, Fastify's before Node's).
 */
export const HOPS: Array<{ hop: string; url?: RegExp; fn?: RegExp }> = [
  { hop: 'GC', fn: /^\(garbage collector\)$/ },
  { hop: 'idle (waiting for the network)', fn: /^\(idle\)$/ },
  { hop: 'V8/native, no JS frame (HTTP parser, syscalls)', fn: /^\(program\)$/ },
  { hop: 'request journal and its events', url: /server\/http\/(request-journal|events)\.[jt]s/ },
  {
    hop: 'request log (onSend/onResponse)',
    url: /server\/http\/request-log\.[jt]s|\/pino\/|\/pino-std-serializers\//,
  },
  { hop: 'onRequest: auth', url: /server\/http\/auth\.[jt]s/ },
  { hop: 'onRequest: faults', url: /server\/http\/faults\.[jt]s/ },
  {
    hop: 'answer cache, building / serialisation',
    url: /server\/answer-cache\.[jt]s|server\/http\/json-cache\.ts|\/fast-json-stringify\//,
  },
  {
    hop: 'validation (path, query, body)',
    url: /server\/http\/validation\.[jt]s|\/ajv\/|\/ajv-formats\/|fastify\/lib\/validation\.js/,
  },
  // Schema validators are compiled by ajv with `new Function`: no file, names like validate10.
  { hop: 'validation (path, query, body)', fn: /^validate\d*$/, url: /^$/ },
  { hop: 'sandbox transaction', url: /server\/(sandbox|record-index)\.[jt]s/ },
  { hop: 'domain function', url: /server\/domain\// },
  { hop: 'store', url: /server\/store\// },
  { hop: 'handler (route, answer)', url: /server\/http\/(routes|products|orders|feedback)\.[jt]s/ },
  {
    hop: 'channel-API hooks, errors (onRequest/onSend/onResponse)',
    url: /server\/http\/(channel-api|control-api|errors|json-body)\.[jt]s|server\/app\.[jt]s/,
  },
  { hop: 'CORS (@fastify/cors onRequest)', url: /\/@fastify\/cors\// },
  { hop: 'Fastify reply / send (onSend)', url: /fastify\/lib\/(reply|error-handler|wrapThenable)\.js/ },
  { hop: 'Fastify hooks runner', url: /fastify\/lib\/hooks\.js/ },
  {
    hop: 'Fastify routing, request object',
    url: /\/find-my-way\/|fastify\/lib\/(route|handleRequest|request|context|contentTypeParser)\.js|fastify\/fastify\.js/,
  },
  {
    hop: 'Fastify (other)',
    url: /node_modules\/(fastify|@fastify|avvio|light-my-request|abstract-logging)\//,
  },
  { hop: 'socket read', fn: /^onStreamRead$/ },
  {
    hop: 'Node HTTP answer: headers, socket write',
    url: /node:_http_outgoing|node:net|node:internal\/stream_base_commons|node:internal\/streams\/writable/,
  },
  {
    hop: 'Node HTTP request parsing, server',
    url: /node:_http_common|node:_http_incoming|node:_http_server/,
  },
  {
    hop: 'timers, microtasks, events',
    url: /node:internal\/process\/task_queues|node:internal\/timers|node:events/,
  },
  { hop: 'module loading (tsx)', url: /\/tsx\/|node:internal\/modules\// },
];

function hopOfFrame(frame: CallFrame): string | undefined {
  for (const rule of HOPS) {
    if (rule.fn && !rule.fn.test(frame.functionName)) continue;
    if (rule.url && !rule.url.test(frame.url)) continue;
    return rule.hop;
  }
  return undefined;
}

export interface HopTime {
  hop: string;
  micros: number;
}

/** Sampled time per hop within [from, to] (µs on the monotonic clock), and the frames left as "other". */
export function hopsOf(
  profile: CpuProfile,
  from: number,
  to: number,
): { hops: Map<string, number>; total: number; other: Map<string, number> } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const hopOf = new Map<number, string>();
  const resolve = (id: number): string => {
    const known = hopOf.get(id);
    if (known) return known;
    const node = byId.get(id)!;
    const up = parent.get(id);
    const hop = hopOfFrame(node.callFrame) ?? (up === undefined ? 'other' : resolve(up));
    hopOf.set(id, hop);
    return hop;
  };
  const hops = new Map<string, number>();
  const other = new Map<string, number>();
  let total = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i]!;
    // A sample stands for the time until the next one.
    const span = profile.timeDeltas[i + 1] ?? interval;
    if (t < from || t > to) continue;
    const id = profile.samples[i]!;
    const hop = resolve(id);
    hops.set(hop, (hops.get(hop) ?? 0) + span);
    total += span;
    if (hop === 'other') {
      const f = byId.get(id)!.callFrame;
      const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^file:\/\/.*?\/node_modules\//, '')}:${f.lineNumber}`;
      other.set(key, (other.get(key) ?? 0) + span);
    }
  }
  return { hops, total, other };
}

const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);

async function profileScenario(
  scenario: ReadScenario,
  work: string,
  answers: Record<string, string>,
): Promise<{ load: LoadResult; table: string[] }> {
  const dir = mkdtempSync(path.join(work, `${scenario.id}-`));
  const nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-interval=${interval}`];
  let sim: Target;
  if (bare) {
    const payloads = path.join(dir, 'payloads.json');
    writeFileSync(payloads, JSON.stringify({ [scenario.path.split('?')[0]!]: answers[scenario.path] }));
    sim = await startBare(payloads, nodeArgs);
  } else {
    sim = await startSimulator({ data: path.join(dir, 'data'), nodeArgs });
  }
  const headers = authHeaders(READ_CHANNEL);
  const url = `${sim.url}${scenario.path}`;
  let load: LoadResult;
  let from: number;
  let to: number;
  try {
    if (warmup > 0) await runLoad({ url, connections, seconds: warmup, headers });
    from = monotonicMicros();
    load = await runLoad({ url, connections, seconds, headers, serverPid: sim.pid });
    to = monotonicMicros();
  } finally {
    await sim.stop();
  }
  // CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile: the main thread's (a loader's worker thread, as
  // tsx starts for the bare server, writes its own).
  const file = readdirSync(dir).find((f) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f));
  if (!file) throw new Error(`${scenario.id}: the server wrote no .cpuprofile (did it exit cleanly?)`);
  const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
  if (from < profile.startTime || to > profile.endTime)
    throw new Error(
      `${scenario.id}: the profile (${profile.startTime}–${profile.endTime}) misses the window`,
    );
  const { hops, total, other } = hopsOf(profile, from, to);
  const idle = [...hops].filter(([hop]) => hop.startsWith('idle'));
  const busy = total - idle.reduce((sum, [, us]) => sum + us, 0);
  const per = (us: number) => (us / load.requests).toFixed(1);
  const table = [
    `### ${scenario.title} — \`GET ${scenario.path.replace(/[0-9a-f-]{36}/, '{product}')}\``,
    '',
    `${Math.round(load.rps).toLocaleString('en')} req/s under the profiler (${load.requests.toLocaleString('en')} answers in ${load.seconds.toFixed(1)} s; ` +
      `p50 ${load.p50.toFixed(2)} ms, p99 ${load.p99.toFixed(2)} ms); server CPU ${(load.serverCores ?? 0).toFixed(2)} cores, ` +
      `generator CPU ${load.generatorCores.toFixed(2)}${load.refused ? ` — **refused: ${load.refused}**` : ''}, ` +
      `other processes ${(load.foreignCores ?? 0).toFixed(2)} cores. Sampled time per request: **${per(busy)} µs** ` +
      `(the server's CPU per request from \`/proc\`: ${(((load.serverCores ?? 0) * load.seconds * 1e6) / load.requests).toFixed(1)} µs).`,
    '',
    '| hop | µs per request | share of CPU |',
    '|---|---:|---:|',
    ...[...hops]
      .filter(([hop]) => !hop.startsWith('idle'))
      .sort((a, b) => b[1] - a[1])
      .map(([hop, us]) => `| ${hop} | ${per(us)} | ${((us / busy) * 100).toFixed(1)} % |`),
    `| *idle (waiting for the network), not per request* | ${per(idle.reduce((s, [, us]) => s + us, 0))} | – |`,
  ];
  const unknown = [...other].sort((a, b) => b[1] - a[1]).slice(0, 5);
  if (unknown.length > 0)
    table.push(
      '',
      `Largest "other" frames: ${unknown.map(([frame, us]) => `\`${frame}\` ${per(us)} µs`).join(', ')}.`,
    );
  log(table.join('\n'));
  return { load, table };
}

async function main(): Promise<void> {
  pinSelf();
  const work = mkdtempSync(path.join(tmpdir(), 'ax-sim-profile-'));
  try {
    // The product the benchmark reads: the fifth of the first list page (a regular catalogue product).
    const probe = await startSimulator({ data: path.join(work, 'probe') });
    let product: string;
    // The simulator's answers, for the bare server to send.
    const answers: Record<string, string> = {};
    try {
      const call = httpCaller(probe.url, READ_CHANNEL);
      const list = (await expectOk(call, 'GET', '/v1/channel/products/tour?page=1&page_size=25')) as {
        products: Array<{ product_code: string }>;
      };
      product = list.products[4]?.product_code ?? list.products[0]!.product_code;
      for (const scenario of readScenarios(product)) {
        answers[scenario.path] = JSON.stringify(await expectOk(call, 'GET', scenario.path));
      }
    } finally {
      await probe.stop();
    }
    const sections: string[] = [];
    const foreign: number[] = [];
    for (const scenario of readScenarios(product)) {
      log(`profiling ${scenario.title}…`);
      const { load, table } = await profileScenario(scenario, work, answers);
      foreign.push(load.foreignCores ?? 0);
      sections.push(...table, '');
    }
    const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
    const revision = git.status === 0 ? `commit ${git.stdout.trim()}` : undefined;
    const out = [
      `# Read path profile (${name})`,
      '',
      `Measured ${new Date().toISOString()} on ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.versions.node}` +
        `${revision ? `, ${revision}` : ''}; ${bare ? "bare Fastify answering the simulator's own bytes (`bench/bare-server.ts`)" : '`ax-sim serve` (file store)'} under \`node --cpu-prof --cpu-prof-interval=${interval}\`` +
        `${PINNED ? ' pinned to CPU 1, the lean load generator in its own process on CPU 0' : ''}; ${connections} connections, ` +
        `${warmup} s warm-up, ${seconds} s measured per scenario, one fresh server per scenario. ` +
        'Only samples inside the measured window count; each goes to the hop of the innermost frame on its stack ' +
        'that `HOPS` in `bench/profile.ts` knows. µs per request = sampled time of the hop ÷ answers counted by ' +
        'the generator. The profiler itself costs time (more at shorter intervals): compare profiles with each ' +
        'other, not with the req/s of `npm run bench`.',
      '',
      ...sections,
      `Other processes used ${Math.min(...foreign).toFixed(2)}–${Math.max(...foreign).toFixed(2)} cores during the measured windows` +
        `${Math.max(...foreign) > 0.25 ? ' — a busy machine: the absolute figures are inflated and noisy; the shares are the useful part.' : '.'}`,
    ].join('\n');
    writeFileSync(path.join(ROOT, 'bench', 'results', `${name}.md`), `${out}\n`);
    process.stdout.write(`\n${out}\n\nwrote bench/results/${name}.md\n`);
  } finally {
    await stopGenerator();
    if (env.BENCH_KEEP === '1') log(`kept the .cpuprofile files in ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`bench:profile failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
