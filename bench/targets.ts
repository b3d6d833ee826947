/**
 * The servers under test, each started as its own child process so that the load generator (this
 * process) never shares an event loop with them. On a 2-core machine, one core runs the server and the
 * other runs autocannon; with `BENCH_PIN` (default on where `taskset` exists) that split is enforced:
 * this process on CPU 0, the server on CPU 1.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/**
 * What runs as the simulator: by default the published command, `bin/ax-sim.js` — the code built into
 * dist/ by tsc, run by plain Node, as a project that installed the package runs it (`buildOnce` below
 * makes the build first, so it is never stale). `BENCH_SOURCES=1` runs the TypeScript sources through
 * tsx instead, as `npm start` does in a checkout: tsx's loader adds per-closure work of its own.
 */
export const FROM_SOURCES = process.env.BENCH_SOURCES === '1';
export const AX_SIM = path.join(ROOT, ...(FROM_SOURCES ? ['scripts', 'ax-sim.js'] : ['bin', 'ax-sim.js']));

let built = false;
/** Builds dist/ (the server, not the console) once per run, unless the sources run. */
export function buildOnce(): void {
  if (FROM_SOURCES || built) return;
  const tsc = spawnSync(
    process.execPath,
    [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  if (tsc.status !== 0) throw new Error('bench: the build (tsc -p tsconfig.build.json) failed');
  built = true;
}
const BARE = path.join(ROOT, 'bench', 'bare-server.ts');
const PRISM = path.join(ROOT, 'node_modules', '.bin', 'prism');
export const SPEC = path.join(ROOT, 'openapi', 'ax-cloud.yaml');

export interface Target {
  name: string;
  url: string;
  pid: number;
  /** Wall time from spawn to the first answer of its ready check, in milliseconds. */
  startMs: number;
  /** Resident memory of the server process (VmRSS), in bytes. */
  rss(): number;
  stop(): Promise<void>;
}

const canPin = process.platform === 'linux' && spawnSync('taskset', ['-V']).status === 0;
export const PINNED = canPin && process.env.BENCH_PIN !== '0';

/** Keeps the load generator on CPU 0 (the servers get CPU 1). */
export function pinSelf(): void {
  if (PINNED) spawnSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
}

function command(argv: string[], pin = PINNED): [string, string[]] {
  return pin ? ['taskset', ['-c', '1', ...argv]] : [argv[0]!, argv.slice(1)];
}

/** `ax-sim serve` on a free port, durable file store in `data`. Ready when it prints its URL. */
export async function startSimulator(options: {
  data: string;
  fixtures?: string;
  name?: string;
  timeoutMs?: number;
  /** Pin to CPU 1 (default where pinning is on); start-up is measured with the machine to itself. */
  pin?: boolean;
  /** Options for node itself, before the script (the profile runs pass `--cpu-prof`). */
  nodeArgs?: string[];
}): Promise<Target> {
  buildOnce();
  const args = [...(options.nodeArgs ?? []), AX_SIM, 'serve', '--port', '0', '--data', options.data];
  if (options.fixtures) args.push('--fixtures', options.fixtures);
  const started = performance.now();
  const child = spawnChild([process.execPath, ...args], 'pipe', options.pin ?? PINNED);
  const url = await waitForLine(child, /listening on (http:\/\/\S+)/, options.timeoutMs ?? 60_000);
  await waitForHttp(`${url}/__sim/health`, (status) => status === 200, options.timeoutMs ?? 60_000);
  return wrap(options.name ?? 'sim', child, url, performance.now() - started);
}

/** Bare Fastify answering fixed bytes per path (the ceiling), from a JSON file `{path: body}`. */
export async function startBare(payloadFile: string, nodeArgs: string[] = []): Promise<Target> {
  const started = performance.now();
  const child = spawnChild([process.execPath, ...nodeArgs, '--import', 'tsx', BARE, payloadFile]);
  const url = await waitForLine(child, /listening on (http:\/\/\S+)/, 30_000);
  return wrap('bare', child, url, performance.now() - started);
}

/**
 * Prism 5.14.2 mocking the contract with its logging off (`-v silent`; it still prints a start-up
 * banner, which goes to /dev/null with the rest of its output). Ready when `probePath` answers.
 */
export async function startPrism(probePath: string, headers: Record<string, string>): Promise<Target> {
  const port = await freePort();
  const started = performance.now();
  const child = spawnChild(
    [PRISM, 'mock', SPEC, '-p', String(port), '-h', '127.0.0.1', '--errors', 'false', '-v', 'silent'],
    'ignore',
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}${probePath}`, (status) => status > 0, 60_000, headers, child);
  return wrap('prism', child, url, performance.now() - started);
}

/** Children still running: killed when this process exits, however it exits. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping the servers\n`);
    process.exit(130);
  });
}

function spawnChild(argv: string[], output: 'pipe' | 'ignore' = 'pipe', pin = PINNED): ChildProcess {
  const [file, args] = command(argv, pin);
  const child = spawn(file, args, {
    cwd: ROOT,
    stdio: ['ignore', output, output],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

function wrap(name: string, child: ChildProcess, url: string, startMs: number): Target {
  const pid = child.pid!;
  return {
    name,
    url,
    pid,
    startMs,
    rss: () => rssOf(pid),
    stop: () => stopChild(child),
  };
}

/** VmRSS of a process, in bytes (0 when unknown). */
export function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no "${pattern.source}" within ${timeoutMs} ms; output:\n${seen.slice(-2000)}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const match = pattern.exec(seen);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        // Keep draining so a chatty child never blocks on a full pipe.
        child.stdout?.resume();
        resolve(match[1]!);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before it was ready; output:\n${seen.slice(-2000)}`));
    });
  });
}

async function waitForHttp(
  url: string,
  ready: (status: number) => boolean,
  timeoutMs: number,
  headers: Record<string, string> = {},
  child?: ChildProcess,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`${url}: the server exited (${child.exitCode})`);
    try {
      const response = await fetch(url, { headers, signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (ready(response.status)) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
