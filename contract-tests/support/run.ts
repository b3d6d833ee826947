import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from '../../server/package-files.ts';
import type { ContractSummary } from './summary-reporter.ts';

/**
 * Runs the contract suite (contract-tests/, vitest project `contract`) in a child vitest process against
 * a target, with the summary reporter (and JUnit XML when asked). Used by `ax-sim contract` and by the
 * teeth self-test. It lives with the suite and finds the config and reporter next to itself, so the same
 * code runs the TypeScript suite in a checkout and the built one (dist/contract-tests/) in an install.
 */

const here = dirname(fileURLToPath(import.meta.url));
const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
const CONFIG = join(here, '..', `vitest.config.${ext}`);
const REPORTER = join(here, `summary-reporter.${ext}`);

export interface ContractRunOptions {
  /** Base URL of the server to check; without it, a fresh in-process simulator. */
  target?: string;
  apiKey?: string;
  channelCode?: string;
  /** Allow tests that create orders and other data on an outside target. */
  writes?: boolean;
  /** Where to write JUnit XML. */
  junit?: string;
  /** The simulator's admin key (`X-Sim-Admin`) for control calls, when it was started with one. */
  adminKey?: string;
  /** `inherit` (default) prints vitest's output; `pipe` collects it in `output`. */
  stdio?: 'inherit' | 'pipe';
  /** Only tests whose name matches (vitest `-t`). */
  testNamePattern?: string;
}

export interface ContractRunResult {
  exitCode: number;
  summary: ContractSummary | undefined;
  /** Collected stdout + stderr with `stdio: 'pipe'`. */
  output: string;
  durationMs: number;
}

function vitestBin(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
}

export async function runContractSuite(options: ContractRunOptions = {}): Promise<ContractRunResult> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'ax-contract-'));
  const summaryFile = join(dir, 'summary.json');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AX_CONTRACT_SUMMARY_FILE: summaryFile,
    AX_CONTRACT_CACHE_DIR: join(dir, 'cache'),
  };
  const TARGET_VARIABLES = [
    'AX_BASE_URL',
    'AX_API_KEY',
    'AX_CHANNEL_CODE',
    'AX_CONTRACT_WRITES',
    'AX_SIM_ADMIN_KEY',
  ];
  for (const name of Object.keys(env)) {
    // The target is only what the options say; and a run started from inside vitest (the teeth
    // self-test) must not look like one of the parent's workers.
    if (TARGET_VARIABLES.includes(name) || name.startsWith('VITEST') || name === 'TINYPOOL_WORKER_ID') {
      delete env[name];
    }
  }
  if (options.target !== undefined) {
    env.AX_BASE_URL = options.target;
    if (options.apiKey !== undefined) env.AX_API_KEY = options.apiKey;
    if (options.channelCode !== undefined) env.AX_CHANNEL_CODE = options.channelCode;
    env.AX_CONTRACT_WRITES = options.writes ? '1' : '0';
    if (options.adminKey !== undefined) env.AX_SIM_ADMIN_KEY = options.adminKey;
  }
  const args = [
    vitestBin(),
    'run',
    '--root',
    PACKAGE_ROOT,
    '--config',
    CONFIG,
    '--reporter',
    REPORTER,
    ...(options.junit ? ['--reporter', 'junit', '--outputFile.junit', resolve(options.junit)] : []),
    ...(options.testNamePattern ? ['-t', options.testNamePattern] : []),
  ];
  const stdio = options.stdio ?? 'inherit';
  try {
    const { exitCode, output } = await new Promise<{ exitCode: number; output: string }>((done, fail) => {
      const child = spawn(process.execPath, args, {
        cwd: PACKAGE_ROOT,
        env,
        stdio: stdio === 'inherit' ? 'inherit' : ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
      });
      child.on('error', fail);
      child.on('close', (code, signal) => done({ exitCode: code ?? (signal ? 1 : 0), output }));
    });
    let summary: ContractSummary | undefined;
    try {
      summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as ContractSummary;
    } catch {
      summary = undefined;
    }
    if (options.junit && summary) addSkipReasons(resolve(options.junit), summary);
    return { exitCode, summary, output, durationMs: Date.now() - started };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const xml = (value: string) =>
  value
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
const literal = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** vitest's JUnit reporter writes a bare `<skipped/>`; CI shows the reason when it is the message. */
function addSkipReasons(file: string, summary: ContractSummary): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return;
  }
  for (const test of summary.tests) {
    if (test.state !== 'skipped' || !test.note) continue;
    const pattern = new RegExp(
      `(<testcase [^>]*name="[^"]*${literal(xml(test.name))}"[^>]*>(?:(?!</testcase>)[\\s\\S])*?)<skipped/>`,
    );
    text = text.replace(pattern, (_, head: string) => `${head}<skipped message="${xml(test.note!)}"/>`);
  }
  writeFileSync(file, text);
}
