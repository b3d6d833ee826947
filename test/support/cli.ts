import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The real `ax-sim` command in a child process, for tests of what only the process shows: run from the
 * sources (scripts/ax-sim.js); the built bin/ax-sim.js is what the package test runs.
 */

export const BIN = fileURLToPath(new URL('../../scripts/ax-sim.js', import.meta.url));

export interface CliProcess {
  child: ChildProcess;
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: ChildProcess[] = [];

/** Kills (SIGKILL) every process started here that is still running; call from afterEach. */
export function killStarted(): void {
  for (const child of started.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  started.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/**
 * `ax-sim serve --port 0 …`: resolves once the banner names the address, with the port to reach it on
 * 127.0.0.1 (whatever --host was; tests never connect anywhere else).
 */
export async function serveCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CliProcess & { baseUrl: string; port: number }> {
  const cli = startCli(['serve', '--port', '0', ...args], env);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no banner in 20 s: ${cli.stdout()} ${cli.stderr()}`)),
      20_000,
    );
    cli.child.stdout!.on('data', () => {
      const match = /listening on https?:\/\/\S+:(\d+)/.exec(cli.stdout());
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    cli.exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`ax-sim exited with ${code} before listening: ${cli.stderr()}`));
    });
  });
  // The banner is written in one go; give the stream a moment to deliver all of it.
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { ...cli, baseUrl: `http://127.0.0.1:${port}`, port };
}

/** Runs `ax-sim …` to its end. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const cli = startCli(args, env);
  const { code, signal } = await cli.exited;
  return { code, signal, stdout: cli.stdout(), stderr: cli.stderr() };
}
