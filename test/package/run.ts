/**
 * The package test: what a channel team gets from `npm install -D ax-cloud-sim`, checked from the packed
 * tarball in a fresh project outside this checkout (`npm run test:package`; CI runs it after `npm test`).
 *
 *  1. `npm pack` (prepack builds dist/); the tarball holds dist/, bin/, the two documents, README and
 *     package.json — no tests, benchmarks or teeth (only the contract suite `ax-sim contract` runs).
 *  2. A new project installs it from the tarball (plus typescript and @types/node for step 5): no
 *     `EBADENGINE` line on this Node.
 *  3. `npx ax-sim --version`, `npx ax-sim serve --help`, then `npx ax-sim serve --port 0 --data :memory:`
 *     and `npx ax-sim wait --url … --timeout 60`; /docs and the built /console answer from the install.
 *  4. Plain Node (no TypeScript loader) imports `ax-cloud-sim/client` and lists products from that
 *     server; `ax-cloud-sim/simulator` builds an in-process simulator.
 *  5. A strict `module: nodenext` TypeScript project (skipLibCheck off) type-checks a correct use of both
 *     entry points, and rejects a wrongly typed call.
 *  6. `npx ax-sim contract --target … --writes --junit report.xml` exits 0 and the report shows every case
 *     passed (none failed, errored or skipped).
 *
 * Prints what the install contains (size, files) and exits 1 at the first failed check.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const work = mkdtempSync(join(tmpdir(), 'ax-sim-package-'));
const consumer = join(work, 'consumer');
const started = Date.now();
let server: ChildProcess | undefined;

function log(line: string) {
  process.stdout.write(`[package ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}\n`);
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (in its own process group, so nothing outlives it). */
function sh(command: string, args: string[], cwd: string, timeoutMs = 300_000): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: cleanEnv(),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      stopGroup(child);
      reject(
        new Error(`${command} ${args.join(' ')}: no end after ${timeoutMs / 1000} s\n${stdout}\n${stderr}`),
      );
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The environment without this checkout's npm and test settings, as a fresh project would have it. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^npm_/i.test(name) || name.startsWith('VITEST') || name.startsWith('AX_')) delete env[name];
  }
  return env;
}

function stopGroup(child: ChildProcess) {
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

function must(result: Result, what: string): Result {
  check(result.code === 0, `${what} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result;
}

function sizeOf(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    files += 1;
    bytes += statSync(join(entry.parentPath, entry.name)).size;
  }
  return { bytes, files };
}

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(2)} MiB`;

async function main() {
  // 1. Pack.
  log('npm pack (prepack builds dist/)…');
  const packed = must(await sh('npm', ['pack', '--json', '--pack-destination', work], ROOT), 'npm pack');
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{
    filename: string;
    size: number;
    unpackedSize: number;
    files: Array<{ path: string }>;
  }>;
  check(info, 'npm pack printed no JSON');
  const paths = info.files.map((f) => f.path);
  const unwanted = paths.filter(
    (p) =>
      /^(test|bench|scripts|client\/test-fixtures|contract-tests|server|client|fixtures)\//.test(p) ||
      /teeth|bench|\.test\.d\.ts$|(^|\/)test-fixtures\//.test(p) ||
      (p.endsWith('.ts') && !p.endsWith('.d.ts')),
  );
  check(unwanted.length === 0, `the tarball ships files users do not need:\n  ${unwanted.join('\n  ')}`);
  for (const needed of [
    'bin/ax-sim.js',
    'dist/client/index.js',
    'dist/client/index.d.ts',
    'dist/server/app.js',
    'dist/server/app.d.ts',
    'dist/server/cli.js',
    'dist/contract-tests/vitest.config.js',
    'dist/contract-tests/orders.test.js',
    'openapi/ax-cloud.yaml',
    'openapi/simulator.yaml',
    // The supplier console's built assets (npm run build:console), found by its Vite manifest.
    'dist/console/.vite/manifest.json',
  ]) {
    check(paths.includes(needed), `the tarball lacks ${needed}`);
  }
  log(
    `tarball ${info.filename}: ${info.files.length} files, ${mib(info.size)} packed, ${mib(info.unpackedSize)} unpacked`,
  );

  // 2. Install into a new project.
  mkdirSync(consumer);
  writeFileSync(
    join(consumer, 'package.json'),
    `${JSON.stringify({ name: 'channel-app', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`,
  );
  log('npm install <tarball> typescript @types/node in a new project…');
  const install = must(
    await sh(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        join(work, info.filename),
        'typescript@5.9.3',
        '@types/node@20.19.43',
      ],
      consumer,
    ),
    'npm install',
  );
  const engine = `${install.stdout}\n${install.stderr}`.split('\n').filter((line) => /EBADENGINE/.test(line));
  check(
    engine.length === 0,
    `the install warns about engines on Node ${process.version}:\n${engine.join('\n')}`,
  );
  const installed = sizeOf(join(consumer, 'node_modules', 'ax-cloud-sim'));
  const all = sizeOf(join(consumer, 'node_modules'));
  const top = readdirSync(join(consumer, 'node_modules')).filter((name) => !name.startsWith('.'));
  const packages = top.reduce(
    (count, name) =>
      count + (name.startsWith('@') ? readdirSync(join(consumer, 'node_modules', name)).length : 1),
    0,
  );
  log(
    `installed: node_modules/ax-cloud-sim ${mib(installed.bytes)} in ${installed.files} files; ` +
      `node_modules in all ${mib(all.bytes)}, ${all.files} files (${packages} top-level packages, typescript and @types/node included); no EBADENGINE`,
  );

  // 3. The command.
  const version = must(await sh('npx', ['ax-sim', '--version'], consumer), 'npx ax-sim --version');
  check(version.stdout.trim() === VERSION, `--version printed ${version.stdout.trim()}, not ${VERSION}`);
  const help = must(await sh('npx', ['ax-sim', 'serve', '--help'], consumer), 'npx ax-sim serve --help');
  check(help.stdout.includes('--port'), 'serve --help lists no --port');

  log('npx ax-sim serve --port 0 --data :memory:');
  server = spawn('npx', ['ax-sim', 'serve', '--port', '0', '--data', ':memory:'], {
    cwd: consumer,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: cleanEnv(),
  });
  let banner = '';
  server.stdout!.on('data', (chunk: Buffer) => {
    banner += chunk;
  });
  server.stderr!.on('data', (chunk: Buffer) => {
    banner += chunk;
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner in 60 s:\n${banner}`)), 60_000);
    server!.stdout!.on('data', () => {
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(banner);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    server!.on('close', (code) => reject(new Error(`ax-sim serve exited ${code}:\n${banner}`)));
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const waited = must(
    await sh('npx', ['ax-sim', 'wait', '--url', baseUrl, '--timeout', '60'], consumer),
    'npx ax-sim wait',
  );
  log(`npx ax-sim wait: ${waited.stdout.trim()}`);
  const consolePage = await fetch(`${baseUrl}/console`);
  const consoleHtml = await consolePage.text();
  check(
    consolePage.status === 200 && !consoleHtml.includes('not built'),
    `/console from the install: ${consolePage.status} ${consoleHtml.slice(0, 300)}`,
  );
  const docsPage = await fetch(`${baseUrl}/docs/`);
  check(docsPage.status === 200, `/docs from the install: ${docsPage.status}`);

  // 4. Plain Node.
  writeFileSync(
    join(consumer, 'plain.mjs'),
    `import { createAxCloudClient, AxCloudError } from 'ax-cloud-sim/client';
import { buildSimulator } from 'ax-cloud-sim/simulator';
const ax = createAxCloudClient({ baseUrl: process.argv[2], apiKey: 'demo-key' });
const { status, data } = await ax.listTourProducts({ query: { page: 1, page_size: 5 } });
let notFound;
try {
  await ax.getTourOrderConfirm({ path: { ax_order_code: 'nope' } });
} catch (error) {
  notFound = error instanceof AxCloudError ? error.status : String(error);
}
await ax.close();
const app = await buildSimulator({ data: ':memory:' });
const health = await app.inject({ url: '/__sim/health' });
await app.close();
console.log(JSON.stringify({ status, products: data.products.length, notFound, health: health.json() }));
`,
  );
  const plain = must(await sh(process.execPath, ['plain.mjs', baseUrl], consumer), 'plain Node import');
  const seen = JSON.parse(plain.stdout.trim()) as {
    status: number;
    products: number;
    notFound: unknown;
    health: unknown;
  };
  check(
    seen.status === 200 && seen.products === 5 && seen.notFound === 404,
    `plain Node client: ${plain.stdout}`,
  );
  check(
    JSON.stringify(seen.health) === JSON.stringify({ status: 'ok', version: VERSION }),
    `plain Node simulator: ${plain.stdout}`,
  );
  log(
    'plain Node: ax-cloud-sim/client listed 5 products (200) and got a typed 404; ax-cloud-sim/simulator built one',
  );

  // 5. Strict nodenext TypeScript.
  writeFileSync(
    join(consumer, 'tsconfig.json'),
    `${JSON.stringify(
      {
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          strict: true,
          noUncheckedIndexedAccess: true,
          exactOptionalPropertyTypes: true,
          skipLibCheck: false,
          noEmit: true,
          types: ['node'],
        },
        include: ['ok.ts', 'bad.ts'],
      },
      null,
      2,
    )}\n`,
  );
  writeFileSync(
    join(consumer, 'ok.ts'),
    `import { AxCloudError, createAxCloudClient, type AxCloudComponents } from 'ax-cloud-sim/client';
import { buildSimulator, type SimulatorOptions } from 'ax-cloud-sim/simulator';
import { runContractSuite } from 'ax-cloud-sim/contract';

const ax = createAxCloudClient({ baseUrl: 'http://127.0.0.1:4010', apiKey: 'demo-key' });
const { data } = await ax.listTourProducts({ query: { page: 1, page_size: 25 } });
const first = data.products[0];
if (first) {
  const price = await ax.getTourPrice({ path: { product_code: first.product_code } });
  const code: string = price.data.prices[0]?.option_code ?? '';
  void code;
}
try {
  await ax.getTourOrderConfirm({ path: { ax_order_code: 'nope' } });
} catch (error) {
  if (error instanceof AxCloudError) console.log(error.status, error.body);
}
const options: SimulatorOptions = { data: ':memory:', seed: 7 };
const app = await buildSimulator(options);
await app.close();
type Product = AxCloudComponents['schemas'];
void (null as unknown as Product);
void runContractSuite;
await ax.close();
`,
  );
  writeFileSync(
    join(consumer, 'bad.ts'),
    `import { createAxCloudClient } from 'ax-cloud-sim/client';
import { buildSimulator } from 'ax-cloud-sim/simulator';

const ax = createAxCloudClient({ baseUrl: 'http://127.0.0.1:4010', apiKey: 'demo-key' });
await ax.getTourPrice({ path: { product_cod: 'x' } });
await ax.listTourProducts({ query: { page: 'one' } });
await buildSimulator({ seed: 'forty-two' });
`,
  );
  log('tsc -p . (strict, module nodenext, skipLibCheck off)…');
  const tsc = await sh(
    process.execPath,
    [join(consumer, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'],
    consumer,
  );
  const errors = tsc.stdout.split('\n').filter((line) => /error TS\d+/.test(line));
  const outsideBad = errors.filter((line) => !line.startsWith('bad.ts('));
  check(tsc.code !== 0, 'tsc accepted bad.ts');
  check(outsideBad.length === 0, `the typed entry points do not type-check:\n${outsideBad.join('\n')}`);
  for (const line of [5, 6, 7]) {
    check(
      errors.some((e) => e.startsWith(`bad.ts(${line},`)),
      `tsc accepted the wrongly typed call on bad.ts line ${line}:\n${tsc.stdout}`,
    );
  }
  log(`TypeScript: ok.ts type-checks; bad.ts fails with ${errors.length} errors, one per wrong call`);

  // 6. The contract suite from the install, JUnit included.
  log(`npx ax-sim contract --target ${baseUrl} --writes --junit report.xml…`);
  const contract = await sh(
    'npx',
    [
      'ax-sim',
      'contract',
      '--target',
      baseUrl,
      '--api-key',
      'demo-key',
      '--channel-code',
      'demo-channel',
      '--writes',
      '--junit',
      'report.xml',
    ],
    consumer,
  );
  check(
    contract.code === 0,
    `ax-sim contract exited ${contract.code}:\n${contract.stdout}\n${contract.stderr}`,
  );
  const report = readFileSync(join(consumer, 'report.xml'), 'utf8');
  const totals = /<testsuites [^>]*tests="(\d+)" failures="(\d+)" errors="(\d+)"/.exec(report);
  check(totals, `report.xml has no totals:\n${report.slice(0, 500)}`);
  const [tests, failures, errorCount] = totals.slice(1).map(Number) as [number, number, number];
  const cases = report.match(/<testcase /g)?.length ?? 0;
  const skipped = report.match(/<skipped/g)?.length ?? 0;
  check(tests > 100 && cases === tests, `report.xml: ${tests} tests, ${cases} testcases`);
  check(
    failures === 0 && errorCount === 0 && skipped === 0,
    `report.xml: ${failures} failed, ${errorCount} errors, ${skipped} skipped`,
  );
  log(`contract: report.xml with ${cases} cases, every one passed`);
}

let failed = false;
try {
  await main();
} catch (error) {
  failed = true;
  process.stderr.write(`\npackage test FAILED: ${(error as Error).message}\n`);
} finally {
  if (server) {
    const closed = new Promise((resolve) => server!.once('close', resolve));
    stopGroup(server);
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  }
  if (process.env.AX_SIM_KEEP_PACKAGE_TEST) process.stdout.write(`kept ${work}\n`);
  else rmSync(work, { recursive: true, force: true });
}
log(failed ? 'failed' : 'passed');
process.exit(failed ? 1 : 0);
