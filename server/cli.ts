import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { SUPPLIER_TEST_PRODUCTS } from '../fixtures/test-products.ts';
import { seedWorld } from '../fixtures/world.ts';
import { buildSimulator, type RequestLogEntry, VERSION } from './app.ts';
import { formatRequestLine } from './http/request-log.ts';
import { type ChannelConfig, DEFAULT_CHANNELS } from './sandbox.ts';

const SERVE_USAGE = `Usage: ax-sim serve [options]

Start the simulator (channel API, control API at /__sim, docs UI at /docs).

Options:
  --port PORT        port to listen on, 0–65535; 0 picks a free one (default 4010; env PORT)
  --host HOST        address to listen on (default 127.0.0.1; env HOST)
  --data DIR|URL     data folder, :memory: to keep nothing, or postgres://… to share one world with
                     other instances (default .ax-sim; env AX_SIM_DATA)
  --seed N           catalogue seed, a whole number (default 42; env AX_SIM_SEED)
  --fixtures FILE    serve a catalogue written by \`ax-sim seed\` instead of a generated one
  --channels FILE    JSON list of {"code", "apiKey"} sandbox channels (env AX_SIM_CHANNELS)
  --no-control       do not serve the control API (/__sim)
  --admin-key KEY    control calls also need X-Sim-Admin: KEY (required for the control API on a
                     non-loopback --host; env AX_SIM_ADMIN_KEY)
  --no-cors          send no CORS headers and answer no preflight (CORS is on by default)
  --journal-bytes N  memory the request journal may hold per channel, in bytes (default 4194304;
                     env AX_SIM_JOURNAL_BYTES)
  --log [json]       one line per request (method, path, status, ms, channel, why a 4xx was refused);
                     --log json: the same as structured JSON lines
  --world            fill empty sandboxes with a lived-in demo history (orders in every status,
                     refunds, reviews, questions); --world-seed N picks another one (default 1)
  -h, --help         show this help
`;

const SEED_USAGE = `Usage: ax-sim seed --out FILE [options]
       ax-sim seed --world [--world-seed 1] [--data .ax-sim] [--seed 42] [--fixtures FILE] [--channels FILE]

Write a deterministic catalogue (fixture file) for \`ax-sim serve --fixtures FILE\`; or, with --world,
fill the sandboxes of a data folder with a lived-in demo history through the domain rules.

Options:
  --out FILE           where to write the fixture file (required)
  --seed N             seed, a whole number (default 42)
  --tours N            number of tours (default 24)
  --day-tickets N      number of day-tickets (default 16)
  -h, --help           show this help
`;

const CONTRACT_USAGE = `Usage: ax-sim contract [--target URL --api-key KEY] [options]

Run the AX Cloud contract suite against a server (without --target: a fresh in-process simulator);
prints a summary per operation and exits 1 when any test fails.

Options:
  --target URL         base URL of the server to check, e.g. https://test.ax-cloud.com
  --api-key KEY        the channel's API key (required with --target)
  --channel-code CODE  also send Channel: Code CODE
  --writes             also run tests that create orders, registrations, reviews and questions
  --junit FILE         write a JUnit XML report
  --admin-key KEY      X-Sim-Admin for a simulator started with --admin-key
  --filter PATTERN     only tests whose name matches
  -h, --help           show this help
`;

const WAIT_USAGE = `Usage: ax-sim wait [--url URL] [--timeout SECONDS]

Wait until a simulator answers GET /__sim/health: exits 0 once it does, 1 at the timeout. For CI:
  npx ax-sim serve --data :memory: &  npx ax-sim wait --timeout 60

Options:
  --url URL            the simulator's base URL (default http://127.0.0.1:4010, or PORT's port)
  --timeout SECONDS    give up after this long (default 30)
  -h, --help           show this help
`;

const USAGE = `ax-sim ${VERSION} — AX Cloud channel API simulator

Usage: ax-sim <command> [options]

Commands:
  serve      start the simulator
  wait       wait until a simulator answers (for CI)
  contract   run the contract suite against a server, with JUnit output
  seed       write a catalogue fixture file

  ax-sim <command> --help   options of a command
  ax-sim --version          the version

Environment: PORT, HOST, AX_SIM_DATA, AX_SIM_SEED, AX_SIM_CHANNELS, AX_SIM_ADMIN_KEY,
AX_SIM_JOURNAL_BYTES.
`;

const COMMANDS: Record<string, { usage: string; run: (argv: string[]) => Promise<number> }> = {
  serve: { usage: SERVE_USAGE, run: (argv) => serve(argv) },
  seed: { usage: SEED_USAGE, run: (argv) => seed(argv) },
  contract: { usage: CONTRACT_USAGE, run: (argv) => contract(argv) },
  wait: { usage: WAIT_USAGE, run: (argv) => wait(argv) },
};

/** A mistake in the command line: printed with a pointer to the command's help. */
class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-v' || command === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    const topic = command === 'help' && rest[0] ? COMMANDS[rest[0]] : undefined;
    process.stdout.write(topic?.usage ?? USAGE);
    return command === undefined ? 1 : 0;
  }
  const entry = COMMANDS[command];
  if (!entry) {
    process.stderr.write(`ax-sim: unknown command "${command}".\n\n${USAGE}`);
    return 1;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(entry.usage);
    return 0;
  }
  try {
    return await entry.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`ax-sim ${command}: ${error.message}\nSee \`ax-sim ${command} --help\`.\n`);
      return 1;
    }
    process.stderr.write(`ax-sim ${command}: ${(error as Error).message}\n`);
    return 1;
  }
}

type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;

/** node:util parseArgs with messages that say what to do instead of how the parser failed. */
function parseOptions<T extends OptionSpec>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = (error as Error).message;
    const option = /'(-[^' ]+)/.exec(message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      throw new UsageError(`unknown option ${option ?? message}.`);
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      throw new UsageError(
        `unexpected argument ${/'([^']+)'/.exec(message)?.[1] ?? ''} (options start with --).`,
      );
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      throw new UsageError(
        options[option?.replace(/^--/, '') ?? '']?.type === 'boolean'
          ? `${option} takes no value.`
          : `${option ?? 'an option'} needs a value.`,
      );
    }
    throw new UsageError(message);
  }
}

async function serve(argv: string[]): Promise<number> {
  const values = parseOptions(withLogValue(argv), {
    port: { type: 'string' },
    host: { type: 'string' },
    data: { type: 'string' },
    seed: { type: 'string' },
    channels: { type: 'string' },
    fixtures: { type: 'string' },
    'no-control': { type: 'boolean' },
    'admin-key': { type: 'string' },
    'no-cors': { type: 'boolean' },
    'journal-bytes': { type: 'string' },
    log: { type: 'string' },
    world: { type: 'boolean' },
    'world-seed': { type: 'string' },
  });
  const env = process.env;
  const port = portNumber(
    values.port ?? env.PORT ?? '4010',
    values.port === undefined && env.PORT ? 'PORT' : '--port',
  );
  const host = nonEmpty(
    values.host ?? env.HOST ?? '127.0.0.1',
    '--host',
    'an address such as 127.0.0.1 or 0.0.0.0',
  );
  const data = nonEmpty(values.data ?? env.AX_SIM_DATA ?? '.ax-sim', '--data', 'a folder, or :memory:');
  const seedValue = integer(values.seed ?? env.AX_SIM_SEED ?? '42', 'seed');
  const channelsFile = values.channels ?? env.AX_SIM_CHANNELS;
  const channels = channelsFile ? readChannels(channelsFile) : DEFAULT_CHANNELS;
  const adminKey = values['admin-key'] ?? env.AX_SIM_ADMIN_KEY;
  if (values.fixtures !== undefined && !existsSync(values.fixtures)) {
    throw new UsageError(
      `--fixtures: no file ${values.fixtures} (write one with \`ax-sim seed --out ${values.fixtures}\`).`,
    );
  }
  const log = values.log;
  if (log !== undefined && log !== 'pretty' && log !== 'json') {
    throw new UsageError(`--log takes no value (one line per request) or json, not "${log}".`);
  }
  const loopback = isLoopback(host);
  checkAdminKey(adminKey, values['admin-key'] !== undefined, host, loopback);
  if (adminKey !== undefined && /\s/.test(adminKey)) {
    throw new UsageError('--admin-key must be a non-empty key without spaces.');
  }
  const journalBytesValue = values['journal-bytes'] ?? env.AX_SIM_JOURNAL_BYTES;
  const journalBytes =
    journalBytesValue === undefined ? undefined : integer(journalBytesValue, 'journal-bytes');
  // The control API can rewrite any sandbox; on a reachable address it needs its own key.
  const control = !values['no-control'] && (loopback || adminKey !== undefined);

  const app = await buildSimulator({
    data,
    seed: seedValue,
    fixtures: values.fixtures,
    channels,
    control,
    adminKey,
    journalBytes,
    cors: !values['no-cors'],
    logger: log === 'json',
    ...(log === 'pretty' && {
      requestLog: (entry: RequestLogEntry) => process.stdout.write(`${formatRequestLine(entry)}\n`),
    }),
  });
  if (values.world && control) {
    // Demo sandboxes that hold nothing yet get the lived-in world; a sandbox with orders is left alone.
    const worldSeed = integer(values['world-seed'] ?? '1', 'world-seed');
    for (const channel of channels) {
      const empty = await app.sim.read(channel.code, (ctx) => Object.keys(ctx.state.orders).length === 0);
      if (empty) await seedWorld(app, channel.apiKey, worldSeed, adminKey ? { 'x-sim-admin': adminKey } : {});
    }
  }
  let address: string;
  try {
    address = await app.listen({ port, host });
  } catch (error) {
    await app.close();
    throw new Error(await listenFailure(error as NodeJS.ErrnoException, host, port));
  }
  const url = address.replace('[::1]', 'localhost');
  const lines = [
    `AX Cloud simulator ${VERSION} listening on ${url}`,
    `  docs:      ${url}/docs   (contract: ${url}/openapi.json)`,
    `  data:      ${data === ':memory:' ? 'in memory (nothing is saved)' : redactUrl(data)}`,
    `  catalogue: ${app.sim.catalog.catalog.id} (${app.sim.catalog.tours.length} tours, ${app.sim.catalog.dayTickets.length} day-tickets)`,
    '  sandbox credentials:',
    ...channels.map((c) => `    Authorization: Token ${c.apiKey}    Channel: Code ${c.code}`),
    ...(control
      ? ['  console:', ...channels.map((c) => `    ${url}/console#key=${encodeURIComponent(c.apiKey)}`)]
      : []),
    control
      ? `  control API: ${url}/__sim${adminKey !== undefined ? ' (needs X-Sim-Admin)' : ''}`
      : values['no-control']
        ? '  control API: off (--no-control)'
        : `  control API: off — ${host} is not a loopback address; pass --admin-key KEY to enable it`,
    '  supplier test products:',
    ...SUPPLIER_TEST_PRODUCTS.map((p) => `    ${p.code}  ${p.family.padEnd(10)} ${p.profile}`),
    '',
    `  try: curl -H 'Authorization: Token ${channels[0]?.apiKey}' ${url}/v1/channel/products/tour`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.stdout.write(`\n${signal}: finishing in-flight requests and closing…\n`);
      app.close().then(resolve, (error) => {
        process.stderr.write(`shutdown failed: ${(error as Error).message}\n`);
        resolve();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}

async function seed(argv: string[]): Promise<number> {
  const values = parseOptions(argv, {
    seed: { type: 'string' },
    tours: { type: 'string' },
    'day-tickets': { type: 'string' },
    out: { type: 'string' },
    world: { type: 'boolean' },
    'world-seed': { type: 'string' },
    data: { type: 'string' },
    fixtures: { type: 'string' },
    channels: { type: 'string' },
  });
  if (values.world) return seedWorlds(values);
  if (!values.out) throw new UsageError('--out FILE is required (where to write the fixture file).');
  const folder = dirname(resolve(values.out));
  if (!existsSync(folder))
    throw new UsageError(`--out: the folder ${folder} does not exist; create it first.`);
  // Loaded here only: the generator brings faker, which serving never needs.
  const { runSeed } = await import('../fixtures/seed-command.ts');
  const result = await runSeed({
    seed: integer(values.seed ?? '42', 'seed'),
    tours: integer(values.tours ?? '24', 'tours'),
    dayTickets: integer(values['day-tickets'] ?? '16', 'day-tickets'),
    out: values.out,
    progress: process.stderr.isTTY === true,
  });
  process.stdout.write(
    `wrote ${result.products} products to ${values.out} (${(result.bytes / 1048576).toFixed(1)} MiB) in ${(result.ms / 1000).toFixed(1)} s\n`,
  );
  return 0;
}

/** `seed --world`: fills every channel's sandbox in a data folder with the lived-in demo world. */
async function seedWorlds(values: Record<string, string | boolean | undefined>): Promise<number> {
  const env = process.env;
  const data = (values.data as string | undefined) ?? env.AX_SIM_DATA ?? '.ax-sim';
  const channelsFile = (values.channels as string | undefined) ?? env.AX_SIM_CHANNELS;
  const channels = channelsFile ? readChannels(channelsFile) : DEFAULT_CHANNELS;
  const worldSeed = integer((values['world-seed'] as string | undefined) ?? '1', 'world-seed');
  const app = await buildSimulator({
    data,
    seed: integer((values.seed as string | undefined) ?? env.AX_SIM_SEED ?? '42', 'seed'),
    fixtures: values.fixtures as string | undefined,
    channels,
  });
  try {
    for (const channel of channels) {
      const world = await seedWorld(app, channel.apiKey, worldSeed);
      process.stdout.write(
        `${channel.code}: world ${world.seed} — ${world.orders} orders, ${world.refunds} refunds, ${world.reviews} reviews, ${world.questions} questions (${data})\n`,
      );
    }
  } finally {
    await app.close();
  }
  return 0;
}

/**
 * Runs the contract suite against a server (or, without --target, a fresh in-process simulator): prints
 * a summary per operation and exits non-zero when any test fails.
 */
async function contract(argv: string[]): Promise<number> {
  const values = parseOptions(argv, {
    target: { type: 'string' },
    'api-key': { type: 'string' },
    'channel-code': { type: 'string' },
    writes: { type: 'boolean' },
    junit: { type: 'string' },
    'admin-key': { type: 'string' },
    filter: { type: 'string' },
  });
  if (values.junit !== undefined) {
    const folder = dirname(resolve(values.junit));
    if (!existsSync(folder))
      throw new UsageError(`--junit: the folder ${folder} does not exist; create it first.`);
  }
  if (
    values.target === undefined &&
    (values['api-key'] !== undefined || values['channel-code'] !== undefined)
  ) {
    throw new UsageError('--api-key and --channel-code go with --target URL (the server to check).');
  }
  const target = values.target;
  if (target !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(target);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new UsageError(
        `invalid --target ${target}: must be an absolute http(s) URL, e.g. https://test.ax-cloud.com`,
      );
    }
    if (!values['api-key'])
      throw new UsageError('--api-key KEY is required with --target (the channel API key).');
  }
  process.stdout.write(
    `Running the AX Cloud contract suite against ${target ?? 'a fresh in-process simulator'}` +
      `${target && !values.writes ? ' (read-only: pass --writes to also create orders and other data)' : ''}…\n`,
  );
  // The contract suite (and vitest behind it) loads only for this command.
  const { runContractSuite } = await import('../contract-tests/support/run.ts');
  const result = await runContractSuite({
    ...(target !== undefined && { target }),
    ...(values['api-key'] !== undefined && { apiKey: values['api-key'] }),
    ...(values['channel-code'] !== undefined && { channelCode: values['channel-code'] }),
    ...(values['admin-key'] !== undefined && { adminKey: values['admin-key'] }),
    ...(values.junit !== undefined && { junit: values.junit }),
    ...(values.filter !== undefined && { testNamePattern: values.filter }),
    writes: values.writes ?? false,
  });
  return result.exitCode === 0 ? 0 : 1;
}

function integer(value: string, name: string): number {
  if (!/^\d{1,15}$/.test(value)) throw new UsageError(`invalid --${name} ${value}: must be a whole number.`);
  return Number(value);
}

/** Admin keys shorter than this are refused on a reachable address (a guess away from the control API). */
export const MIN_PUBLIC_ADMIN_KEY = 16;

/**
 * An admin key guards the control API, which can rewrite any sandbox: an empty or blank one would let
 * anybody in with an empty `X-Sim-Admin` header, and on a reachable address a short one is guessable.
 */
function checkAdminKey(key: string | undefined, fromFlag: boolean, host: string, loopback: boolean): void {
  if (key === undefined) return;
  const source = fromFlag ? '--admin-key' : 'AX_SIM_ADMIN_KEY';
  if (key.trim() === '') {
    throw new Error(
      `${source} is empty${key.length > 0 ? ' (only whitespace)' : ''}: the control API would accept an empty ` +
        'X-Sim-Admin header. Pass a real key, or leave it unset (on a loopback host the control API needs none).',
    );
  }
  if (!loopback && key.length < MIN_PUBLIC_ADMIN_KEY) {
    throw new Error(
      `${source} is ${key.length} characters long; on a non-loopback host (${host}) it must be at least ` +
        `${MIN_PUBLIC_ADMIN_KEY}, e.g. the output of: node -e "console.log(crypto.randomUUID())"`,
    );
  }
}

function portNumber(value: string, name: string): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) {
    throw new UsageError(
      `invalid ${name} ${value}: must be a whole number from 0 to 65535 (0 picks a free port).`,
    );
  }
  return port;
}

function nonEmpty(value: string, name: string, what: string): string {
  if (value.trim() === '') throw new UsageError(`${name} needs a value: ${what}.`);
  return value;
}

/** `--log` alone means one readable line per request; `--log json` (or `--log=json`) structured lines. */
function withLogValue(argv: string[]): string[] {
  return argv.flatMap((arg, i) => {
    if (arg !== '--log') return [arg];
    const next = argv[i + 1];
    return next === undefined || next.startsWith('-') ? ['--log=pretty'] : [arg];
  });
}

/** Why `listen` failed, in words that say what to do. */
async function listenFailure(error: NodeJS.ErrnoException, host: string, port: number): Promise<string> {
  switch (error.code) {
    case 'EADDRINUSE': {
      const other = await probeHealth(`http://${host.includes(':') ? `[${host}]` : host}:${port}`, 1_000);
      const who = other.ok
        ? `another ax-sim${other.version ? ` ${other.version}` : ''} is already running there`
        : 'another program is listening there';
      return `port ${port} on ${host} is in use (${who}). Stop it, or pass --port <another port> (--port 0 picks a free one).`;
    }
    case 'EACCES':
      return `no permission to listen on port ${port} of ${host} (ports below 1024 need privileges): pass --port 4010, or another port above 1023.`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot listen on --host ${host}: it is not an address of this machine. Use 127.0.0.1 (this machine only) or 0.0.0.0 (every interface).`;
    default:
      return `cannot listen on ${host}:${port}: ${error.message}`;
  }
}

/** One `GET /__sim/health`: whether it answered like an ax-sim, and why not. */
async function probeHealth(
  baseUrl: string,
  timeoutMs: number,
): Promise<{ ok: boolean; version?: string; why?: string }> {
  try {
    // undici's request, not fetch: fetch refuses some ports outright ("bad port"), a server may use any.
    const response = await request(`${baseUrl.replace(/\/+$/, '')}/__sim/health`, {
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.body.json().catch(() => undefined)) as
      | { status?: unknown; version?: unknown }
      | undefined;
    if (response.statusCode === 200 && body?.status === 'ok') {
      return { ok: true, ...(typeof body.version === 'string' && { version: body.version }) };
    }
    return {
      ok: false,
      why:
        response.statusCode === 404
          ? 'answered 404 — is the control API off (--no-control)? wait needs GET /__sim/health'
          : `answered ${response.statusCode}`,
    };
  } catch (error) {
    const { code, name, message } = error as Error & { code?: string };
    return {
      ok: false,
      why: name === 'TimeoutError' || name === 'AbortError' ? 'no answer in time' : (code ?? message),
    };
  }
}

/** `ax-sim wait`: polls the health endpoint until it answers or the timeout passes. */
async function wait(argv: string[]): Promise<number> {
  const values = parseOptions(argv, { url: { type: 'string' }, timeout: { type: 'string' } });
  const base = values.url ?? `http://127.0.0.1:${process.env.PORT ?? '4010'}`;
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new UsageError(
      `invalid --url ${base}: must be an absolute http(s) URL, e.g. http://127.0.0.1:4010`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`invalid --url ${base}: must be an http(s) URL, e.g. http://127.0.0.1:4010`);
  }
  const timeoutText = values.timeout ?? '30';
  const timeout = /^\d+(\.\d+)?$/.test(timeoutText) ? Number(timeoutText) : Number.NaN;
  if (!(timeout > 0 && timeout <= 86_400)) {
    throw new UsageError(`invalid --timeout ${timeoutText}: must be a number of seconds above 0 (e.g. 60).`);
  }
  const target = url.href.replace(/\/__sim\/health\/?$/, '').replace(/\/+$/, '');
  const started = Date.now();
  const deadline = started + timeout * 1000;
  let last: { ok: boolean; version?: string; why?: string } = { ok: false, why: 'not tried' };
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    last = await probeHealth(target, Math.max(50, Math.min(2_000, left)));
    if (last.ok) {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(
        `ax-sim${last.version ? ` ${last.version}` : ''} is up at ${target} (after ${seconds} s)\n`,
      );
      return 0;
    }
    await new Promise((done) => setTimeout(done, Math.max(0, Math.min(250, deadline - Date.now()))));
  }
  process.stderr.write(
    `ax-sim wait: ${target}/__sim/health did not answer within ${timeoutText} s (last try: ${last.why}). ` +
      'Is `ax-sim serve` running on that address? Its output says why it did not start.\n',
  );
  return 1;
}

/** A database URL without its password, for the banner. */
function redactUrl(data: string): string {
  return data.replace(/^(postgres(?:ql)?:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
}

export function readChannels(file: string): ChannelConfig[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read channels file ${file}: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new Error(`channels file ${file} must hold a non-empty JSON list of {"code", "apiKey"}`);
  }
  const seen = new Set<string>();
  return parsed.map((entry, i) => {
    const { code, apiKey } = (entry ?? {}) as Record<string, unknown>;
    if (typeof code !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(code)) {
      throw new Error(`channels file ${file}: [${i}].code must be 1–64 letters, digits, '.', '_' or '-'`);
    }
    if (typeof apiKey !== 'string' || apiKey.length === 0 || /\s/.test(apiKey)) {
      throw new Error(`channels file ${file}: [${i}].apiKey must be a non-empty string without spaces`);
    }
    if (seen.has(code) || seen.has(`key:${apiKey}`)) {
      throw new Error(`channels file ${file}: [${i}] repeats a code or an apiKey`);
    }
    seen.add(code).add(`key:${apiKey}`);
    return { code, apiKey };
  });
}
