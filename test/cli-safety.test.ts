import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAxCloudClient } from '../client/index.ts';
import { buildSimulator } from '../server/app.ts';
import { killStarted, runCli, serveCli } from './support/cli.ts';
import { operation, specOperations } from './support/openapi.ts';

/**
 * Control API safety. Through the real `ax-sim serve` where the flags and the banner matter (tests bind
 * 0.0.0.0 where they must, but connect only to 127.0.0.1), and through buildSimulator for the header
 * rule on every control operation.
 */

afterEach(killStarted);

const A = { authorization: 'Token demo-key' };
const controlOps = specOperations().filter((o) => o.document === 'simulator');
const authedControlOps = controlOps.filter((o) => !o.isPublic);

/** A request to every control operation (placeholder codes; a 404 means "reached the route"). */
function controlRequests() {
  return controlOps.map((op) => ({
    operationId: op.operationId,
    method: op.method,
    url: op.path.replace(/\{[^}]+\}/g, 'some-code'),
    body: op.requestBody ? (op.operationId === 'advanceClock' ? { seconds: 1 } : {}) : undefined,
  }));
}

async function send(
  baseUrl: string,
  request: ReturnType<typeof controlRequests>[number],
  headers: Record<string, string>,
) {
  const client = createAxCloudClient({ baseUrl, apiKey: 'unused', retries: 0 });
  try {
    return await client.raw(request.method, request.url, {
      ...(request.body !== undefined && { body: request.body }),
      headers: { authorization: null, ...headers },
    });
  } finally {
    await client.close();
  }
}

/** The status of a channel-API read: the channel API stays on whatever the control API does. */
async function channelApiStatus(baseUrl: string) {
  const list = { operationId: 'list', method: 'GET', url: '/v1/channel/products/tour', body: undefined };
  return (await send(baseUrl, list, A)).status;
}

describe('`ax-sim serve` flags', () => {
  it('--no-control turns every /__sim route off (404), the channel API stays on', async () => {
    const server = await serveCli(['--data', ':memory:', '--no-control']);
    expect(server.stdout()).toContain('control API: off (--no-control)');
    for (const request of controlRequests()) {
      const answer = await send(server.baseUrl, request, A);
      expect(answer.status, request.operationId).toBe(404);
      expect(answer.data).toEqual({ detail: '찾을 수 없습니다.' });
    }
    expect(await channelApiStatus(server.baseUrl)).toBe(200);
  });

  it('on a non-loopback host without --admin-key, the control API is off and the banner says why', async () => {
    const server = await serveCli(['--data', ':memory:', '--host', '0.0.0.0']);
    const banner = server.stdout();
    expect(banner).toContain(
      'control API: off — 0.0.0.0 is not a loopback address; pass --admin-key KEY to enable it',
    );
    for (const request of controlRequests()) {
      const answer = await send(server.baseUrl, request, A);
      expect(answer.status, request.operationId).toBe(404);
    }
    expect(await channelApiStatus(server.baseUrl)).toBe(200);
  });

  it('on a non-loopback host with --admin-key K, control calls need X-Sim-Admin: K and the channel key', async () => {
    const server = await serveCli([
      '--data',
      ':memory:',
      '--host',
      '0.0.0.0',
      '--admin-key',
      'K-123-4567-89ab-cdef',
    ]);
    expect(server.stdout()).toMatch(/control API: http:\/\/\S+\/__sim \(needs X-Sim-Admin\)/);
    for (const request of controlRequests()) {
      const id = request.operationId;
      if (operation(id).isPublic) {
        expect((await send(server.baseUrl, request, {})).status, id).toBe(200);
        continue;
      }
      for (const headers of [
        A,
        { ...A, 'x-sim-admin': 'wrong' },
        { ...A, 'x-sim-admin': 'k-123-4567-89ab-cdef' },
        { 'x-sim-admin': 'K-123-4567-89ab-cdef' },
      ]) {
        const answer = await send(server.baseUrl, request, headers);
        expect(answer.status, `${id} ${JSON.stringify(headers)}`).toBe(403);
        expect(answer.data).toEqual({ detail: '이 작업을 수행할 권한(permission)이 없습니다.' });
      }
      const answer = await send(server.baseUrl, request, { ...A, 'x-sim-admin': 'K-123-4567-89ab-cdef' });
      expect([200, 201, 400, 404], `${id}: ${answer.status} ${answer.rawBody}`).toContain(answer.status);
    }
    // The channel API never asks for the admin key.
    expect(await channelApiStatus(server.baseUrl)).toBe(200);
  });

  it('AX_SIM_ADMIN_KEY works like --admin-key', async () => {
    const server = await serveCli(['--data', ':memory:', '--host', '0.0.0.0'], {
      AX_SIM_ADMIN_KEY: 'from-env-4567-89ab-cdef',
    });
    expect(server.stdout()).toContain('(needs X-Sim-Admin)');
    const clock = { operationId: 'getClock', method: 'GET', url: '/__sim/clock', body: undefined };
    expect((await send(server.baseUrl, clock, A)).status).toBe(403);
    expect(
      (await send(server.baseUrl, clock, { ...A, 'x-sim-admin': 'from-env-4567-89ab-cdef' })).status,
    ).toBe(200);
  });

  it('on loopback, the control API is on with the channel key alone', async () => {
    const server = await serveCli(['--data', ':memory:', '--host', '127.0.0.1']);
    expect(server.stdout()).toMatch(/control API: http:\/\/127\.0\.0\.1:\d+\/__sim\n/);
    const clock = { operationId: 'getClock', method: 'GET', url: '/__sim/clock', body: undefined };
    expect((await send(server.baseUrl, clock, A)).status).toBe(200);
    expect((await send(server.baseUrl, clock, {})).status).toBe(403);
  });
});

describe('admin key checks at start-up', () => {
  it('refuses an empty or blank key, from the flag or the environment, before listening', async () => {
    for (const [args, env, source] of [
      [['--admin-key', ''], {}, '--admin-key'],
      [['--admin-key', '   '], {}, '--admin-key'],
      [[], { AX_SIM_ADMIN_KEY: '' }, 'AX_SIM_ADMIN_KEY'],
      [['--host', '0.0.0.0'], { AX_SIM_ADMIN_KEY: ' \t' }, 'AX_SIM_ADMIN_KEY'],
    ] as const) {
      const result = await runCli(['serve', '--port', '0', '--data', ':memory:', ...args], env);
      const where = JSON.stringify({ args, env });
      expect(result.code, where).toBe(1);
      expect(result.stdout, where).not.toContain('listening');
      expect(result.stderr, where).toContain(`${source} is empty`);
    }
  });

  it('on a non-loopback host, refuses a key shorter than 16 characters; accepts one of 16', async () => {
    const short = await runCli([
      'serve',
      '--port',
      '0',
      '--data',
      ':memory:',
      '--host',
      '0.0.0.0',
      '--admin-key',
      'short-key',
    ]);
    expect(short.code).toBe(1);
    expect(short.stderr).toContain(
      '--admin-key is 9 characters long; on a non-loopback host (0.0.0.0) it must be at least 16',
    );
    const server = await serveCli([
      '--data',
      ':memory:',
      '--host',
      '0.0.0.0',
      '--admin-key',
      '0123456789abcdef',
    ]);
    expect(server.stdout()).toContain('(needs X-Sim-Admin)');
    // On loopback a short key is fine: the control API is reachable from this machine only.
    const local = await serveCli(['--data', ':memory:', '--admin-key', 'k']);
    expect(local.stdout()).toContain('(needs X-Sim-Admin)');
  });

  it('buildSimulator refuses an empty adminKey too', async () => {
    await expect(buildSimulator({ adminKey: ' ' })).rejects.toThrow(/adminKey is empty/);
  });
});

describe('buildSimulator({ adminKey })', () => {
  let app: Awaited<ReturnType<typeof buildSimulator>>;
  beforeAll(async () => {
    app = await buildSimulator({ adminKey: 'secret' });
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers 403 to every authenticated control operation without the right X-Sim-Admin, whatever the channel key', async () => {
    expect(authedControlOps.length).toBeGreaterThanOrEqual(17);
    for (const request of controlRequests().filter((r) => !operation(r.operationId).isPublic)) {
      for (const headers of [
        { authorization: 'Token demo-key' },
        { authorization: 'Token demo-key-2', 'x-sim-admin': '' },
        { authorization: 'Token demo-key', 'x-sim-admin': 'secret ' },
        { authorization: 'Token demo-key', 'x-sim-admin': 'SECRET' },
        { 'x-sim-admin': 'secret' },
        { authorization: 'Token nope', 'x-sim-admin': 'secret' },
      ]) {
        const answer = await app.inject({
          method: request.method as 'GET',
          url: request.url,
          headers: { ...headers, ...(request.body !== undefined && { 'content-type': 'application/json' }) },
          payload: request.body === undefined ? undefined : JSON.stringify(request.body),
        });
        expect(answer.statusCode, `${request.operationId} ${JSON.stringify(headers)}`).toBe(403);
      }
      const ok = await app.inject({
        method: request.method as 'GET',
        url: request.url,
        headers: {
          authorization: 'Token demo-key',
          'x-sim-admin': 'secret',
          ...(request.body !== undefined && { 'content-type': 'application/json' }),
        },
        payload: request.body === undefined ? undefined : JSON.stringify(request.body),
      });
      expect(ok.statusCode, `${request.operationId}: ${ok.body}`).not.toBe(403);
    }
  });

  it('leaves the channel API and the health check without the admin key', async () => {
    expect((await app.inject({ method: 'GET', url: '/__sim/health' })).statusCode).toBe(200);
    const list = await app.inject({ method: 'GET', url: '/v1/channel/products/tour', headers: A });
    expect(list.statusCode).toBe(200);
  });
});
