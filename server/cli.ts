import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SUPPLIER_TEST_PRODUCTS } from '../fixtures/catalog.ts';
import { runSeed } from '../fixtures/seed-command.ts';
import { buildSimulator, VERSION } from './app.ts';
import { runContractSuite } from './contract.ts';
import { type ChannelConfig, DEFAULT_CHANNELS } from './sandbox.ts';

const USAGE = `ax-sim ${VERSION} — AX Cloud channel API simulator

Usage:
  ax-sim serve [--port 4010] [--host 127.0.0.1] [--data .ax-sim | :memory: | postgres://…] [--seed 42]
               [--channels FILE] [--fixtures FILE] [--no-control] [--admin-key KEY] [--log]
  ax-sim seed  --out FILE [--seed 42] [--tours 24] [--day-tickets 16]
  ax-sim contract [--target URL --api-key KEY] [--channel-code CODE] [--writes] [--junit FILE]

Environment: PORT, HOST, AX_SIM_DATA, AX_SIM_SEED, AX_SIM_CHANNELS, AX_SIM_ADMIN_KEY.
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serve(rest);
      case 'seed':
        return await seed(rest);
      case 'contract':
        return await contract(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return command === undefined ? 1 : 0;
      default:
        process.stderr.write(`Unknown command "${command}".\n\n${USAGE}`);
        return 1;
    }
  } catch (error) {
    process.stderr.write(`ax-sim ${command}: ${(error as Error).message}\n`);
    return 1;
  }
}

async function serve(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      seed: { type: 'string' },
      channels: { type: 'string' },
      fixtures: { type: 'string' },
      'no-control': { type: 'boolean' },
      'admin-key': { type: 'string' },
      log: { type: 'boolean' },
    },
  });
  const env = process.env;
  const port = integer(values.port ?? env.PORT ?? '4010', 'port');
  const host = values.host ?? env.HOST ?? '127.0.0.1';
  const data = values.data ?? env.AX_SIM_DATA ?? '.ax-sim';
  const seedValue = integer(values.seed ?? env.AX_SIM_SEED ?? '42', 'seed');
  const channelsFile = values.channels ?? env.AX_SIM_CHANNELS;
  const channels = channelsFile ? readChannels(channelsFile) : DEFAULT_CHANNELS;
  const adminKey = values['admin-key'] ?? env.AX_SIM_ADMIN_KEY;
  const loopback = isLoopback(host);
  // The control API can rewrite any sandbox; on a reachable address it needs its own key.
  const control = !values['no-control'] && (loopback || adminKey !== undefined);

  const app = await buildSimulator({
    data,
    seed: seedValue,
    fixtures: values.fixtures,
    channels,
    control,
    adminKey,
    logger: values.log ?? false,
  });
  const address = await app.listen({ port, host });
  const url = address.replace('[::1]', 'localhost');
  const lines = [
    `AX Cloud simulator ${VERSION} listening on ${url}`,
    `  docs:      ${url}/docs   (contract: ${url}/openapi.json)`,
    `  data:      ${data === ':memory:' ? 'in memory (nothing is saved)' : redactUrl(data)}`,
    `  catalogue: ${app.sim.catalog.catalog.id} (${app.sim.catalog.tours.length} tours, ${app.sim.catalog.dayTickets.length} day-tickets)`,
    '  sandbox credentials:',
    ...channels.map((c) => `    Authorization: Token ${c.apiKey}    Channel: Code ${c.code}`),
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
  const { values } = parseArgs({
    args: argv,
    options: {
      seed: { type: 'string' },
      tours: { type: 'string' },
      'day-tickets': { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (!values.out) throw new Error('--out FILE is required (where to write the fixture file)');
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

/**
 * Runs the contract suite against a server (or, without --target, a fresh in-process simulator): prints
 * a summary per operation and exits non-zero when any test fails.
 */
async function contract(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      target: { type: 'string' },
      'api-key': { type: 'string' },
      'channel-code': { type: 'string' },
      writes: { type: 'boolean' },
      junit: { type: 'string' },
      'admin-key': { type: 'string' },
      filter: { type: 'string' },
    },
  });
  const target = values.target;
  if (target !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(target);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new Error(
        `Invalid --target: ${target}. Must be an absolute http(s) URL, e.g. https://test.ax-cloud.com`,
      );
    }
    if (!values['api-key']) throw new Error('--api-key KEY is required with --target (the channel API key)');
  }
  process.stdout.write(
    `Running the AX Cloud contract suite against ${target ?? 'a fresh in-process simulator'}` +
      `${target && !values.writes ? ' (read-only: pass --writes to also create orders and other data)' : ''}…\n`,
  );
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
  if (!/^\d+$/.test(value)) throw new Error(`Invalid --${name}: ${value}. Must be a whole number.`);
  return Number(value);
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
