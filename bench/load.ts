/**
 * One load run, driven from the benchmark's process but generated in another: the generator process
 * (`bench/generator.ts`), started once and pinned to its own core (CPU 0; the servers get CPU 1), runs
 * the load and reports its own CPU. This side meters the rest from `/proc`: the server's CPU (it and its
 * children) and everyone else's. A run whose generator was saturated is marked so (`saturated`): its
 * figures say how fast the generator went, not the server — see `refusal` and
 * docs/decisions/019-load-generator.md.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { GeneratorName, JobResult, LoadJob } from './generator.ts';
import { PINNED, ROOT } from './targets.ts';

export type { KindStats } from './generator.ts';

export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
  method?: 'GET' | 'POST' | 'PATCH';
  body?: string;
  /** A request sequence per connection (always autocannon). */
  sequence?: LoadJob['sequence'];
  /** For fixed requests: which generator (default `BENCH_GENERATOR`, else lean). */
  generator?: GeneratorName;
  /** Busy-waits per answer in the generator (default `BENCH_GENERATOR_BURN_US`). */
  burnMicros?: number;
  /**
   * The server's pid: CPU it and its children use is the server's, the generator process's is the
   * generator's; the rest is someone else's.
   */
  serverPid?: number;
}

export interface LoadResult extends JobResult {
  /** CPU used by the server process during the run, in cores (1 = one core busy all the time). */
  serverCores?: number;
  /** CPU used by processes other than the server and the load generator, in cores. */
  foreignCores?: number;
  /** Why the run does not count (the generator was saturated); absent when it counts. */
  refused?: string;
}

const env = process.env;
/** The generator may use at most this share of its core (and of its event loop's time)… */
export const MAX_GENERATOR = Number(env.BENCH_MAX_GENERATOR ?? 0.85);
if (!(MAX_GENERATOR > 0 && MAX_GENERATOR <= 1))
  throw new Error(`BENCH_MAX_GENERATOR=${env.BENCH_MAX_GENERATOR}: expected a share of one core, in (0, 1]`);
if (env.BENCH_GENERATOR && env.BENCH_GENERATOR !== 'lean' && env.BENCH_GENERATOR !== 'autocannon')
  throw new Error(`BENCH_GENERATOR=${env.BENCH_GENERATOR}: expected lean or autocannon`);
export const DEFAULT_GENERATOR: GeneratorName = env.BENCH_GENERATOR === 'autocannon' ? 'autocannon' : 'lean';
/** Lean generator: requests in flight per connection. */
const PIPELINING = Math.max(1, Number(env.BENCH_PIPELINING ?? 1));
/** Busy-waits per answer in the generator: makes it the bottleneck, to see the refusal work. */
const BURN_MICROS = Number(env.BENCH_GENERATOR_BURN_US ?? 0);
/** The core the generator is pinned to (the servers are on CPU 1). */
const GENERATOR_CPU = env.BENCH_GENERATOR_CPU ?? '0';

/** …beyond which the run is refused: this says why, or nothing when the run counts. */
export function refusal(r: Pick<JobResult, 'generatorCores' | 'generatorElu'>): string | undefined {
  if (r.generatorCores > MAX_GENERATOR)
    return `generator used ${r.generatorCores.toFixed(2)} of its core (> ${MAX_GENERATOR})`;
  if (r.generatorElu > MAX_GENERATOR)
    return `generator's event loop was busy ${(r.generatorElu * 100).toFixed(0)} % of the time (> ${MAX_GENERATOR * 100} %)`;
  return undefined;
}

const TICKS_PER_SECOND = 100;

/** Busy CPU ticks of the whole machine (all cores) spent in processes. */
function machineBusyTicks(): number {
  try {
    const fields = readFileSync('/proc/stat', 'utf8')
      .split('\n', 1)[0]!
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    // user nice system idle iowait irq softirq steal: interrupt time is left out — on loopback it is
    // mostly the benchmark's own traffic.
    const [user = 0, nice = 0, system = 0, , , , , steal = 0] = fields;
    return user + nice + system + steal;
  } catch {
    return Number.NaN;
  }
}

/** CPU ticks (user + system) used so far by one process, all its threads, and its parent's pid. */
function processStat(pid: number): { ticks: number; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ticks: Number(fields[11]) + Number(fields[12]), ppid: Number(fields[1]) };
  } catch {
    return undefined;
  }
}

function processTicks(pid: number | undefined): number {
  return pid === undefined ? 0 : (processStat(pid)?.ticks ?? 0);
}

/** CPU ticks of a process and all its descendants (Prism serves from a child process it forks). */
function treeTicks(root: number): number {
  const children = new Map<number, number[]>();
  const ticks = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = processStat(Number(name));
    if (!stat) continue;
    ticks.set(Number(name), stat.ticks);
    const siblings = children.get(stat.ppid) ?? [];
    siblings.push(Number(name));
    children.set(stat.ppid, siblings);
  }
  let total = 0;
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    total += ticks.get(pid) ?? 0;
    queue.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Where the CPU went during a run: the server, and everyone but the server, the generator and us. */
export function cpuMeter(serverPid?: number, generatorPid?: number) {
  const start = performance.now();
  const machine = machineBusyTicks();
  const ours = processTicks(process.pid) + processTicks(generatorPid);
  const server = serverPid === undefined ? 0 : treeTicks(serverPid);
  return () => {
    const seconds = (performance.now() - start) / 1000;
    const dServer = serverPid === undefined ? 0 : treeTicks(serverPid) - server;
    const dOurs = processTicks(process.pid) + processTicks(generatorPid) - ours;
    const dMachine = machineBusyTicks() - machine;
    const cores = (ticks: number) => ticks / TICKS_PER_SECOND / seconds;
    return {
      serverCores: cores(dServer),
      foreignCores: Math.max(0, cores(dMachine - dServer - dOurs)),
    };
  };
}

/** The generator process: started on first use, stopped by `stopGenerator` (or with this process). */
let generator: Promise<ChildProcess> | undefined;
const waiting = new Map<number, { resolve: (r: JobResult) => void; reject: (e: Error) => void }>();
let nextJob = 0;

function startGenerator(): Promise<ChildProcess> {
  const argv = [process.execPath, '--import', 'tsx', path.join(ROOT, 'bench', 'generator.ts')];
  const [file, ...args] = PINNED ? ['taskset', '-c', GENERATOR_CPU, ...argv] : argv;
  const child = spawn(file!, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  process.once('exit', () => child.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const error = new Error(`the load generator exited (${code ?? signal})`);
      reject(error);
      for (const w of waiting.values()) w.reject(error);
      waiting.clear();
      generator = undefined;
    });
    child.on('message', (m: { ready?: true; id?: number; result?: JobResult; error?: string }) => {
      if (m.ready) {
        resolve(child);
        return;
      }
      const w = waiting.get(m.id!);
      waiting.delete(m.id!);
      if (waiting.size === 0) child.channel?.unref();
      if (m.error !== undefined) w?.reject(new Error(`load generator: ${m.error}`));
      else w?.resolve(m.result!);
    });
  });
}

/** Ends the generator process (the benchmark calls this when it is done). */
export async function stopGenerator(): Promise<void> {
  const child = await generator?.catch(() => undefined);
  generator = undefined;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.disconnect();
  await exited;
}

/** The generator's pid (CPU 0 with pinning), once it runs. */
export async function generatorPid(): Promise<number> {
  generator ??= startGenerator();
  return (await generator).pid!;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  generator ??= startGenerator();
  const child = await generator;
  const job: LoadJob = {
    generator: options.generator ?? DEFAULT_GENERATOR,
    url: options.url,
    connections: options.connections,
    seconds: options.seconds,
    ...(options.headers && { headers: options.headers }),
    ...(options.method && { method: options.method }),
    ...(options.body !== undefined && { body: options.body }),
    ...(options.sequence && { sequence: options.sequence }),
    ...(PIPELINING > 1 && { pipelining: PIPELINING }),
    ...((options.burnMicros ?? BURN_MICROS) > 0 && { burnMicros: options.burnMicros ?? BURN_MICROS }),
  };
  const meter = cpuMeter(options.serverPid, child.pid);
  const id = nextJob++;
  const result = await new Promise<JobResult>((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    child.channel?.ref();
    child.send({ id, job });
  });
  const why = refusal(result);
  return { ...result, ...meter(), ...(why && { refused: why }) };
}
