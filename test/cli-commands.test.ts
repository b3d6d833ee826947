import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VERSION } from '../server/app.ts';
import { main } from '../server/cli.ts';
import { firstErrorMessage, formatRequestLine } from '../server/http/request-log.ts';
import { killStarted, runCli, serveCli } from './support/cli.ts';
import { startSimulator } from './support/sandbox.ts';

/** What `ax-sim` prints and returns, in process (fast); the process-level behaviour further down. */
async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

afterEach(() => killStarted());

describe('help and version', () => {
  it('--version prints the package version', async () => {
    expect(await run(['--version'])).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
  });

  it('--help lists the commands; <command> --help its options, exit 0', async () => {
    const top = await run(['--help']);
    expect(top.code).toBe(0);
    for (const command of ['serve', 'wait', 'contract', 'seed']) expect(top.stdout).toContain(command);
    for (const [command, option] of [
      ['serve', '--no-cors'],
      ['wait', '--timeout'],
      ['contract', '--junit'],
      ['seed', '--out'],
    ] as const) {
      const help = await run([command, '--help']);
      expect(help).toMatchObject({ code: 0, stderr: '' });
      expect(help.stdout).toMatch(new RegExp(`^Usage: ax-sim ${command}`));
      expect(help.stdout).toContain(option);
      expect((await run(['help', command])).stdout).toBe(help.stdout);
    }
  });

  it('an unknown command names itself and prints the usage, exit 1', async () => {
    const result = await run(['frobnicate']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('unknown command "frobnicate"');
  });
});

describe('options are validated with a message that says what to do', () => {
  it.each([
    [['serve', '--port', '99999'], /invalid --port 99999: must be a whole number from 0 to 65535/],
    [['serve', '--port', '-1'], /--port needs a value|invalid --port/],
    [['serve', '--port', 'abc'], /invalid --port abc/],
    [['serve', '--bogus'], /unknown option --bogus/],
    [['serve', 'extra'], /unexpected argument extra/],
    [['serve', '--log', 'loud'], /--log takes no value .* or json, not "loud"/],
    [['serve', '--no-cors=1'], /--no-cors takes no value/],
    [['serve', '--fixtures', '/nonexistent/catalog.json'], /no file .*ax-sim seed --out/],
    [['serve', '--admin-key', 'a b'], /--admin-key must be a non-empty key without spaces/],
    [['serve', '--seed', '4.5'], /invalid --seed 4.5: must be a whole number/],
    [['wait', '--timeout', '0'], /invalid --timeout 0: must be a number of seconds above 0/],
    [['wait', '--url', 'ftp://x'], /invalid --url ftp:\/\/x: must be an http\(s\) URL/],
    [['contract', '--target', 'nope'], /invalid --target nope: must be an absolute http\(s\) URL/],
    [['contract', '--target', 'http://127.0.0.1:9'], /--api-key KEY is required with --target/],
    [['contract', '--api-key', 'k'], /--api-key and --channel-code go with --target/],
    [
      ['contract', '--junit', '/nonexistent/dir/r.xml'],
      /--junit: the folder \/nonexistent\/dir does not exist/,
    ],
    [['seed'], /--out FILE is required/],
  ])('%j', async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain(`See \`ax-sim ${argv[0]} --help\``);
    expect(result.stdout).toBe('');
  });
});

describe('ax-sim serve: what listen refuses', () => {
  it('a --host that is not an address of this machine', async () => {
    const result = await run(['serve', '--host', '999.1.1.1', '--port', '0', '--data', ':memory:']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'cannot listen on --host 999.1.1.1: it is not an address of this machine',
    );
  });
});

describe('ax-sim wait', () => {
  it('exits 0 once /__sim/health answers', async () => {
    const sim = await startSimulator();
    try {
      const result = await run(['wait', '--url', sim.baseUrl, '--timeout', '5']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`ax-sim ${VERSION} is up at ${sim.baseUrl}`);
    } finally {
      await sim.close();
    }
  });

  it('exits 1 at the timeout with the reason when nothing answers', async () => {
    const closed = await freePort();
    const started = Date.now();
    const result = await run(['wait', '--url', `http://127.0.0.1:${closed}`, '--timeout', '0.6']);
    expect(result.code).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    expect(result.stderr).toMatch(/did not answer within 0\.6 s \(last try: ECONNREFUSED\)/);
  });

  it('says when the server answers but has no control API', async () => {
    const sim = await startSimulator({ control: false });
    try {
      const result = await run(['wait', '--url', sim.baseUrl, '--timeout', '0.5']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('--no-control');
    } finally {
      await sim.close();
    }
  });
});

describe('ax-sim serve, as a process', () => {
  it('a port in use: says which kind of process holds it and suggests --port', async () => {
    const first = await serveCli(['--data', ':memory:']);
    const again = await runCli(['serve', '--port', String(first.port), '--data', ':memory:']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`port ${first.port} on 127.0.0.1 is in use (another ax-sim ${VERSION}`);
    expect(again.stderr).toContain('--port');

    const other = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => other.once('listening', resolve));
    try {
      const port = (other.address() as { port: number }).port;
      const taken = await runCli(['serve', '--port', String(port), '--data', ':memory:']);
      expect(taken.code).toBe(1);
      expect(taken.stderr).toContain(
        `port ${port} on 127.0.0.1 is in use (another program is listening there)`,
      );
    } finally {
      other.close();
    }
  }, 60_000);

  it('--log prints one line per request with method, path, status, ms, channel and the 4xx reason', async () => {
    const cli = await serveCli(['--data', ':memory:', '--log']);
    const headers = { authorization: 'Token demo-key', 'content-type': 'application/json' };
    await fetch(`${cli.baseUrl}/v1/channel/products/tour?page_size=1`, { headers });
    await fetch(`${cli.baseUrl}/v1/channel/orders/tour`, { method: 'POST', headers, body: '{}' });
    await fetch(`${cli.baseUrl}/v1/channel/products/tour`);
    await expect
      .poll(
        () =>
          cli
            .stdout()
            .split('\n')
            .filter((l) => / ms /.test(l)).length,
      )
      .toBe(3);
    const lines = cli
      .stdout()
      .split('\n')
      .filter((l) => / ms /.test(l));
    expect(lines[0]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} GET \/v1\/channel\/products\/tour\?page_size=1 200 [\d.]+ ms demo-channel$/,
    );
    expect(lines[1]).toMatch(
      / POST \/v1\/channel\/orders\/tour 400 [\d.]+ ms demo-channel — options: 이 필드는 필수 항목입니다/,
    );
    expect(lines[2]).toMatch(/ GET \/v1\/channel\/products\/tour 403 [\d.]+ ms - — 이 작업을 수행할 권한/);
  }, 60_000);

  it('--log json prints one structured line per request', async () => {
    const cli = await serveCli(['--data', ':memory:', '--log', 'json']);
    await fetch(`${cli.baseUrl}/v1/channel/products/tour`);
    await expect.poll(() => cli.stdout().includes('"msg":"request"')).toBe(true);
    const entries = cli
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((e) => e.msg === 'request');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ method: 'GET', path: '/v1/channel/products/tour', status: 403 });
    expect(entries[0]!.error).toContain('권한');
  }, 60_000);
});

describe('the request line', () => {
  it('takes the first message of a DRF error body, naming nested fields', () => {
    expect(firstErrorMessage({ detail: 'x' })).toBe('x');
    expect(firstErrorMessage({ options: [{ quantity: ['이 필드는 필수 항목입니다.'] }] })).toBe(
      'options.quantity: 이 필드는 필수 항목입니다.',
    );
    expect(firstErrorMessage({})).toBeUndefined();
    expect(
      formatRequestLine(
        { method: 'GET', path: '/a', status: 404, ms: 1.5, channel: undefined, error: '찾을 수 없습니다.' },
        new Date('2026-01-01T01:02:03.456Z'),
      ),
    ).toBe('01:02:03.456 GET /a 404 1.5 ms - — 찾을 수 없습니다.');
  });
});

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
