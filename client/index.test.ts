import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Dispatcher, MockAgent } from 'undici';
import type { MockInterceptor } from 'undici/types/mock-interceptor.js';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { parse } from 'yaml';
import {
  type AxCloudClient,
  type AxCloudClientOptions,
  type AxCloudComponents,
  AxCloudError,
  AxCloudNetworkError,
  AxCloudTimeoutError,
  axCloudOperations,
  backoffDelay,
  type ClientInternals,
  createAxCloudClient,
  type OperationArgs,
  type OperationErrorBody,
  type OperationId,
  type OperationResult,
  type RequestHeaders,
  simulatorOperations,
} from './index.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ORIGIN = 'http://ax.test';
const JSON_HEADERS = { 'content-type': 'application/json' };

type Seen = MockInterceptor.MockResponseCallbackOptions;

const agents: MockAgent[] = [];
afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.close();
});

function setup(options: Partial<AxCloudClientOptions> = {}, internals: ClientInternals = {}) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  agents.push(agent);
  const sleeps: number[] = [];
  const client = createAxCloudClient(
    { baseUrl: ORIGIN, apiKey: 'key-123', channelCode: 'CH1', dispatcher: agent, ...options },
    {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
      ...internals,
    },
  );
  return { agent, mock: agent.get(ORIGIN), client, sleeps };
}

/** Answers every request with `status`/`data` (`times` times) and records what was sent. */
function answer(
  mock: ReturnType<MockAgent['get']>,
  status: number,
  data: object | string = {},
  { times = 1, headers = JSON_HEADERS }: { times?: number; headers?: Record<string, string> } = {},
): Seen[] {
  const seen: Seen[] = [];
  mock
    .intercept({ path: () => true, method: () => true })
    .reply((opts) => {
      seen.push(opts);
      return { statusCode: status, data, responseOptions: { headers } };
    })
    .times(times);
  return seen;
}

const headersOf = (seen: Seen | undefined) => (seen?.headers ?? {}) as Record<string, string>;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

const cancelBody = { status: 'Traveler canceled', comment: 'plans changed / 일정 변경' } as const;

describe('requests', () => {
  it('sends the method, the path with encoded parameters, and the query', async () => {
    const { mock, client } = setup();
    const seen = answer(mock, 200, { status_code: 200, data: {} });
    await client.cancelTourTicket({
      path: { ax_order_code: 'A/1 2', ticket_code: 'T?#é' },
      body: cancelBody,
    });
    expect(seen[0]?.method).toBe('PATCH');
    expect(seen[0]?.path).toBe('/v1/channel/orders/tour/A%2F1%202/tickets/T%3F%23%C3%A9');

    const listed = answer(mock, 200, { status_code: 200, products: [] });
    await client.listTourProducts({ query: { page: 2, page_size: undefined } });
    expect(listed[0]?.method).toBe('GET');
    expect(listed[0]?.path).toBe('/v1/channel/products/tour?page=2');
  });

  it('keeps a path prefix of baseUrl', async () => {
    const { mock, client } = setup({ baseUrl: `${ORIGIN}/sandbox/` });
    const seen = answer(mock, 200, {});
    await client.getTourProduct({ path: { product_code: 'P1' } });
    expect(seen[0]?.path).toBe('/sandbox/v1/channel/products/tour/P1');
  });

  it('sends Authorization, Channel, accept, and content-type only with a body', async () => {
    const { mock, client } = setup();
    const get = answer(mock, 200, {});
    await client.getTourProduct({ path: { product_code: 'P1' } });
    const getHeaders = headersOf(get[0]);
    expect(getHeaders.authorization).toBe('Token key-123');
    expect(getHeaders.channel).toBe('Code CH1');
    expect(getHeaders.accept).toBe('application/json');
    expect(getHeaders['content-type']).toBeUndefined();
    expect(getHeaders['x-sim-admin']).toBeUndefined();

    const patch = answer(mock, 200, {});
    await client.cancelTourTicket({ path: { ax_order_code: 'A1', ticket_code: 'T1' }, body: cancelBody });
    expect(headersOf(patch[0])['content-type']).toBe('application/json');
  });

  it('leaves out Channel without channelCode, and lets call headers override or remove defaults', async () => {
    const { mock, client } = setup({ channelCode: undefined });
    const seen = answer(mock, 200, {});
    await client.getTourProduct({
      path: { product_code: 'P1' },
      headers: { Authorization: null, 'X-Trace': 't-1', Accept: 'text/plain' },
    });
    const headers = headersOf(seen[0]);
    expect(headers.channel).toBeUndefined();
    expect(headers.authorization).toBeUndefined();
    expect(headers['x-trace']).toBe('t-1');
    expect(headers.accept).toBe('text/plain');
  });

  it('sends x-sim-admin on simulator operations only', async () => {
    const { mock, client } = setup({ adminKey: 'admin-1' });
    const sim = answer(mock, 200, { entries: [] });
    await client.getJournal({ query: { limit: 10 } });
    expect(sim[0]?.path).toBe(`${simulatorOperations.getJournal.path}?limit=10`);
    expect(headersOf(sim[0])['x-sim-admin']).toBe('admin-1');

    const ax = answer(mock, 200, {});
    await client.getTourProduct({ path: { product_code: 'P1' } });
    expect(headersOf(ax[0])['x-sim-admin']).toBeUndefined();
  });

  it('sends the JSON body exactly', async () => {
    const { mock, client } = setup();
    const seen = answer(mock, 200, {});
    await client.cancelTourTicket({ path: { ax_order_code: 'A1', ticket_code: 'T1' }, body: cancelBody });
    expect(seen[0]?.body).toBe(JSON.stringify(cancelBody));
  });

  it('resolves status, parsed data and headers; an empty body is undefined', async () => {
    const { mock, client } = setup();
    answer(
      mock,
      200,
      { status_code: 200, prices: [] },
      { headers: { ...JSON_HEADERS, 'x-request-id': 'r1' } },
    );
    const price = await client.getTourPrice({ path: { product_code: 'P1' } });
    expect(price.status).toBe(200);
    expect(price.data).toEqual({ status_code: 200, prices: [] });
    expect(price.headers['x-request-id']).toBe('r1');

    answer(mock, 200, '');
    const empty = await client.getTourProduct({ path: { product_code: 'P1' } });
    expect(empty.data).toBeUndefined();
  });

  it('accepts any 2xx, e.g. the 201 the vendor documents for a GET', async () => {
    const { mock, client } = setup();
    const seen = answer(mock, 201, { status_code: 201, products: [] });
    const result = await client.listTourProductUpdates();
    expect(result.status).toBe(201);
    expect(seen[0]?.path).toBe(axCloudOperations.listTourProductUpdates.path);
  });

  it('throws before sending when a path parameter is missing', async () => {
    const { client } = setup();
    const args = { path: {} } as OperationArgs<'getTourProduct'>;
    await expect(client.getTourProduct(args)).rejects.toThrow(
      /getTourProduct: missing path parameter "product_code"/,
    );
  });
});

describe('errors', () => {
  it('maps a 400 with field errors', async () => {
    const { mock, client } = setup();
    const body = { options: ['이 필드는 필수 항목입니다.'], representative: { name: ['blank'] } };
    answer(mock, 400, body);
    const error = await rejection(
      client.createTourOrder({ body: {} as OperationArgs<'createTourOrder'>['body'] }),
    );
    expect(error).toBeInstanceOf(AxCloudError);
    if (!AxCloudError.is(error, 'createTourOrder')) throw error;
    expect(error.status).toBe(400);
    expect(error.body).toEqual(body);
    expect(error.method).toBe('POST');
    expect(error.path).toBe(axCloudOperations.createTourOrder.path);
    expect(error.operationId).toBe('createTourOrder');
    expect(error.attempts).toBe(1);
    expect(error.isBadRequest()).toBe(true);
    expect(error.detail).toBeUndefined();
    expect(error.fieldErrors).toEqual({
      options: ['이 필드는 필수 항목입니다.'],
      'representative.name': ['blank'],
    });
    expect(error.message).toBe(
      `createTourOrder POST ${axCloudOperations.createTourOrder.path} → 400 ${JSON.stringify(body)}`,
    );
  });

  it('maps a 403 with detail and with message', async () => {
    const { mock, client } = setup();
    answer(mock, 403, { detail: '유효하지 않은 API Key 혹은 Channel Code' });
    const withDetail = await rejection(client.getTourProduct({ path: { product_code: 'P1' } }));
    if (!(withDetail instanceof AxCloudError)) throw withDetail;
    expect(withDetail.isDenied()).toBe(true);
    expect(withDetail.isNotFound()).toBe(false);
    expect(withDetail.detail).toBe('유효하지 않은 API Key 혹은 Channel Code');
    expect(withDetail.fieldErrors).toEqual({});

    answer(mock, 403, { message: 'Invalid API Key' });
    const withMessage = await rejection(client.getTourProduct({ path: { product_code: 'P1' } }));
    if (!(withMessage instanceof AxCloudError)) throw withMessage;
    expect(withMessage.isDenied()).toBe(true);
    expect(withMessage.detail).toBe('Invalid API Key');
  });

  it('maps a 404', async () => {
    const { mock, client } = setup();
    answer(mock, 404, { detail: '찾을 수 없습니다.' });
    const error = await rejection(client.getTourProduct({ path: { product_code: 'nope' } }));
    if (!(error instanceof AxCloudError)) throw error;
    expect(error.isNotFound()).toBe(true);
    expect(error.status).toBe(404);
    expect(error.path).toBe('/v1/channel/products/tour/nope');
    expect(error.message).toBe(
      'getTourProduct GET /v1/channel/products/tour/nope → 404 {"detail":"찾을 수 없습니다."}',
    );
  });

  it('keeps a non-JSON 502 body as text', async () => {
    const { mock, client } = setup({ retries: 0 });
    answer(mock, 502, '<html>Bad Gateway</html>', { headers: { 'content-type': 'text/html' } });
    const error = await rejection(client.getTourProduct({ path: { product_code: 'P1' } }));
    if (!(error instanceof AxCloudError)) throw error;
    expect(error.status).toBe(502);
    expect(error.body).toBe('<html>Bad Gateway</html>');
    expect(error.isServerError()).toBe(true);
    expect(error.detail).toBeUndefined();
    expect(error.headers['content-type']).toBe('text/html');
    expect(error.message).toContain('→ 502 <html>Bad Gateway</html>');
  });

  it('wraps network failures in AxCloudNetworkError with the cause', async () => {
    const { mock, client } = setup();
    const cause = new Error('connect ECONNREFUSED');
    mock.intercept({ path: () => true, method: 'POST' }).replyWithError(cause);
    const error = await rejection(
      client.createTourOrder({ body: {} as OperationArgs<'createTourOrder'>['body'] }),
    );
    expect(error).toBeInstanceOf(AxCloudNetworkError);
    expect(error).not.toBeInstanceOf(AxCloudTimeoutError);
    if (!(error instanceof AxCloudNetworkError)) throw error;
    expect(error.cause).toBe(cause);
    expect(error.operationId).toBe('createTourOrder');
    expect(error.message).toContain(
      'createTourOrder POST /v1/channel/orders/tour failed: connect ECONNREFUSED',
    );
  });
});

describe('retries', () => {
  it('retries a GET on 503, then succeeds', async () => {
    const { mock, client, sleeps } = setup();
    const failed = answer(mock, 503, { detail: 'unavailable' }, { times: 2 });
    const ok = answer(mock, 200, { product_code: 'P1' });
    const result = await client.getTourProduct({ path: { product_code: 'P1' } });
    expect(result.data).toEqual({ product_code: 'P1' });
    expect(failed).toHaveLength(2);
    expect(ok).toHaveLength(1);
    // full jitter with random() = 0.5: 0.5 · 100, 0.5 · 200
    expect(sleeps).toEqual([50, 100]);
  });

  it('retries a GET after a network error', async () => {
    const { mock, client, sleeps } = setup();
    mock.intercept({ path: () => true, method: 'GET' }).replyWithError(new Error('socket hang up'));
    const ok = answer(mock, 200, {});
    await client.getTourProduct({ path: { product_code: 'P1' } });
    expect(ok).toHaveLength(1);
    expect(sleeps).toHaveLength(1);
  });

  it('never retries a POST or a PATCH', async () => {
    const { mock, client, sleeps } = setup({ retries: 5 });
    const seen = answer(mock, 503, { detail: 'unavailable' }, { times: 10 });
    const post = await rejection(
      client.createTourOrder({ body: {} as OperationArgs<'createTourOrder'>['body'] }),
    );
    expect(post).toBeInstanceOf(AxCloudError);
    expect((post as AxCloudError).attempts).toBe(1);
    const patch = await rejection(
      client.cancelTourTicket({ path: { ax_order_code: 'A', ticket_code: 'T' }, body: cancelBody }),
    );
    expect((patch as AxCloudError).status).toBe(503);
    expect(seen).toHaveLength(2);
    expect(sleeps).toEqual([]);
  });

  it('does not retry a POST after a network error', async () => {
    const { mock, client } = setup();
    mock.intercept({ path: () => true, method: 'POST' }).replyWithError(new Error('socket hang up'));
    const error = await rejection(
      client.createTourOrder({ body: {} as OperationArgs<'createTourOrder'>['body'] }),
    );
    expect(error).toBeInstanceOf(AxCloudNetworkError);
    expect((error as AxCloudNetworkError).attempts).toBe(1);
  });

  it('gives up after `retries` extra attempts with the last error', async () => {
    const { mock, client, sleeps } = setup({ retries: 2 });
    const seen = answer(mock, 503, { detail: 'still down' }, { times: 3 });
    const error = await rejection(client.getTourProduct({ path: { product_code: 'P1' } }));
    if (!(error instanceof AxCloudError)) throw error;
    expect(error.status).toBe(503);
    expect(error.attempts).toBe(3);
    expect(error.detail).toBe('still down');
    expect(seen).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it('does not retry 4xx or 501', async () => {
    const { mock, client } = setup();
    const seen = answer(mock, 501, { detail: 'not implemented' });
    await expect(client.getTourProduct({ path: { product_code: 'P1' } })).rejects.toMatchObject({
      status: 501,
    });
    answer(mock, 404, { detail: 'x' });
    await expect(client.getTourProduct({ path: { product_code: 'P1' } })).rejects.toMatchObject({
      attempts: 1,
    });
    expect(seen).toHaveLength(1);
  });

  it('backs off exponentially with full jitter from the injected random source, capped at 2 s', async () => {
    const draws = [0.999, 0.25, 0];
    const { mock, client, sleeps } = setup({ retries: 3 }, { random: () => draws.shift() ?? 0 });
    answer(mock, 500, {}, { times: 3 });
    answer(mock, 200, {});
    await client.getTourProduct({ path: { product_code: 'P1' } });
    expect(sleeps).toEqual([99, 50, 0]);
    expect(backoffDelay(0, () => 0.999)).toBe(99);
    expect(backoffDelay(3, () => 0.5)).toBe(400);
    expect(backoffDelay(10, () => 0.999)).toBe(1998);
  });
});

describe('timeouts', () => {
  it('throws AxCloudTimeoutError when the answer is later than timeoutMs', async () => {
    const { mock, client } = setup({ timeoutMs: 50, retries: 0 });
    mock
      .intercept({ path: () => true, method: 'GET' })
      .reply(200, {})
      .delay(2_000);
    const started = Date.now();
    const error = await rejection(client.getTourProduct({ path: { product_code: 'P1' } }));
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(error).toBeInstanceOf(AxCloudTimeoutError);
    expect(error).toBeInstanceOf(AxCloudNetworkError);
    if (!(error instanceof AxCloudTimeoutError)) throw error;
    expect(error.timeoutMs).toBe(50);
    expect(error.message).toBe('getTourProduct GET /v1/channel/products/tour/P1 timed out after 50 ms');
  });

  it('retries a GET that timed out', async () => {
    const { mock, client, sleeps } = setup({ timeoutMs: 50, retries: 1 });
    mock
      .intercept({ path: () => true, method: 'GET' })
      .reply(200, {})
      .delay(2_000);
    answer(mock, 200, { product_code: 'P1' });
    const result = await client.getTourProduct({ path: { product_code: 'P1' } });
    expect(result.data).toEqual({ product_code: 'P1' });
    expect(sleeps).toHaveLength(1);
  });

  it('aborts with the caller signal and does not retry', async () => {
    const { mock, client, sleeps } = setup();
    mock
      .intercept({ path: () => true, method: 'GET' })
      .reply(200, {})
      .delay(2_000);
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    setTimeout(() => controller.abort(reason), 20);
    const error = await rejection(
      client.getTourProduct({ path: { product_code: 'P1' }, signal: controller.signal }),
    );
    expect(error).toBe(reason);
    expect(sleeps).toEqual([]);
  });
});

describe('raw()', () => {
  it('sends anything and never throws on the status', async () => {
    const { mock, client } = setup({ adminKey: 'admin-1' });
    const seen = answer(mock, 400, { detail: 'JSON 파싱 오류입니다.' });
    const response = await client.raw('post', '/v1/channel/orders/tour', {
      rawBody: '{"broken": ',
      query: { a: [1, 2], b: true, c: null },
      headers: { channel: null },
    });
    expect(response.status).toBe(400);
    expect(response.data).toEqual({ detail: 'JSON 파싱 오류입니다.' });
    expect(response.rawBody).toBe('{"detail":"JSON 파싱 오류입니다."}');
    expect(seen[0]?.method).toBe('POST');
    expect(seen[0]?.path).toBe('/v1/channel/orders/tour?a=1&a=2&b=true');
    expect(seen[0]?.body).toBe('{"broken": ');
    const headers = headersOf(seen[0]);
    expect(headers['content-type']).toBe('application/json');
    expect(headers.channel).toBeUndefined();
    expect(headers['x-sim-admin']).toBeUndefined();
  });

  it('makes one attempt, serialises body, and sends x-sim-admin under /__sim', async () => {
    const { mock, client, sleeps } = setup({ adminKey: 'admin-1' });
    const seen = answer(mock, 503, 'down', { headers: { 'content-type': 'text/plain' } });
    const response = await client.raw('GET', '/__sim/health', { body: { x: 1 } });
    expect(response).toMatchObject({ status: 503, data: 'down', rawBody: 'down' });
    expect(seen[0]?.body).toBe('{"x":1}');
    expect(headersOf(seen[0])['x-sim-admin']).toBe('admin-1');
    expect(sleeps).toEqual([]);
  });

  it('rejects a path that is not absolute', async () => {
    const { client } = setup();
    await expect(client.raw('GET', 'v1/x')).rejects.toThrow('Invalid path: "v1/x". Must start with "/"');
  });
});

describe('options', () => {
  const base = { baseUrl: ORIGIN, apiKey: 'k' };
  it.each([
    [
      { ...base, baseUrl: 'localhost:4010' },
      'Invalid baseUrl: "localhost:4010". Must be an absolute http(s) URL.',
    ],
    [{ ...base, baseUrl: '/relative' }, 'Invalid baseUrl: "/relative". Must be an absolute http(s) URL.'],
    [
      { ...base, baseUrl: 'ftp://x.test' },
      'Invalid baseUrl: "ftp://x.test". Must be an absolute http(s) URL.',
    ],
    [{ ...base, baseUrl: 'http://x.test/?a=1' }, 'Must not contain credentials, a query or a fragment'],
    [{ ...base, apiKey: '' }, 'Invalid apiKey: "". Must be a non-empty string'],
    [{ ...base, channelCode: 'a\r\nb' }, 'Invalid channelCode'],
    [{ ...base, timeoutMs: 0 }, 'Invalid timeoutMs: 0. Must be a positive number of milliseconds.'],
    [{ ...base, retries: 1.5 }, 'Invalid retries: 1.5. Must be an integer from 0 to 10.'],
    [{ ...base, connections: 0 }, 'Invalid connections: 0. Must be a positive integer.'],
    [{ ...base, dispatcher: {} as Dispatcher }, 'Invalid dispatcher: must be an undici Dispatcher'],
    [
      { ...base, timeout: 5 } as AxCloudClientOptions,
      'Unknown option "timeout". Known options: baseUrl, apiKey',
    ],
  ])('rejects %o', (options, message) => {
    expect(() => createAxCloudClient(options as AxCloudClientOptions)).toThrow(message);
  });

  it('creates its own pool and closes it; a closed client refuses calls', async () => {
    const client = createAxCloudClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k' });
    await client.close();
    await client.close();
    await expect(client.getTourProduct({ path: { product_code: 'P1' } })).rejects.toThrow(/client is closed/);
  });
});

describe('operation coverage', () => {
  type DocOp = { operationId: string; method: string; path: string };
  const readOps = (file: string): DocOp[] => {
    const doc = parse(readFileSync(path.join(ROOT, file), 'utf8')) as {
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
    return Object.entries(doc.paths).flatMap(([route, item]) =>
      Object.entries(item)
        .filter(([method]) => methods.includes(method))
        .map(([method, op]) => ({ operationId: String(op.operationId), method, path: route })),
    );
  };
  const tableOps = (table: Record<string, { method: string; path: string }>): DocOp[] =>
    Object.entries(table).map(([operationId, op]) => ({ operationId, method: op.method, path: op.path }));
  const byId = (a: DocOp, b: DocOp) => a.operationId.localeCompare(b.operationId);

  it.each([
    ['openapi/ax-cloud.yaml', axCloudOperations],
    ['openapi/simulator.yaml', simulatorOperations],
  ] as const)(
    '%s: the table matches the document, and the client has a method per operation',
    (file, table) => {
      const documented = readOps(file).sort(byId);
      expect(tableOps(table).sort(byId)).toEqual(documented);
      const { client } = setup();
      for (const { operationId } of documented) {
        expect(typeof (client as unknown as Record<string, unknown>)[operationId], operationId).toBe(
          'function',
        );
      }
    },
  );

  it('has no method beyond the documented operations, raw and close', () => {
    const { client } = setup();
    const documented = [...readOps('openapi/ax-cloud.yaml'), ...readOps('openapi/simulator.yaml')].map(
      (op) => op.operationId,
    );
    expect(Object.keys(client).sort()).toEqual([...documented, 'close', 'raw'].sort());
  });
});

describe('types', () => {
  it('derives arguments and results from the documents', () => {
    expectTypeOf<OperationArgs<'getTourPrice'>>()
      .toHaveProperty('path')
      .toEqualTypeOf<{ product_code: string }>();
    expectTypeOf<
      OperationResult<'getTourPrice'>['data']['prices'][number]['unit_selling_price_usd']
    >().toEqualTypeOf<number>();
    expectTypeOf<OperationResult<'listTourProductUpdates'>['status']>().toEqualTypeOf<201>();
    expectTypeOf<OperationResult<'createTourOrder'>['status']>().toEqualTypeOf<201>();
    expectTypeOf<'getJournal'>().toExtend<OperationId>();
    expectTypeOf<OperationArgs<'createTourOrder'>['body']>().not.toBeUnknown();
    expectTypeOf<OperationArgs<'getHealth'>>().toEqualTypeOf<{
      headers?: RequestHeaders;
      signal?: AbortSignal;
    }>();
    expectTypeOf<AxCloudClient['getTourPrice']>().parameter(0).toEqualTypeOf<OperationArgs<'getTourPrice'>>();

    // Compile-time only (never called): what tsc must accept and refuse.
    const compileOnly = async (client: AxCloudClient) => {
      const price = await client.getTourPrice({ path: { product_code: 'P1' } });
      expectTypeOf(price.data.prices[0]!.unit_selling_price_usd).toEqualTypeOf<number>();
      // @ts-expect-error path.product_code is required
      await client.getTourPrice({ path: {} });
      // @ts-expect-error the argument (with its path) is required
      await client.getTourPrice();
      // @ts-expect-error getTourPrice takes no body
      await client.getTourPrice({ path: { product_code: 'P1' }, body: {} });
      // @ts-expect-error the body is required
      await client.cancelTourTicket({ path: { ax_order_code: 'A', ticket_code: 'T' } });
      await client.listTourProducts();
      await client.listTourProducts({ query: { page: 2 } });
      // @ts-expect-error page is a number
      await client.listTourProducts({ query: { page: 'two' } });
      await client.getJournal({ query: { limit: 10 } });

      // anyOf-required request bodies are typed (not `unknown`): `options` or legacy `depth_combinations`.
      type Schemas = AxCloudComponents['schemas'];
      const parts = {
        order: {} as Schemas['OrderInfo'],
        purchaser: {} as Schemas['Purchaser'],
        representative: {} as Schemas['Traveler'],
      };
      const option = {} as Schemas['OrderOption'];
      await client.createTourOrder({ body: { ...parts, options: [option] } });
      await client.createTourOrder({ body: { ...parts, depth_combinations: [option] } });
      // @ts-expect-error one of options / depth_combinations is required
      await client.createTourOrder({ body: parts });

      try {
        await client.getTourProduct({ path: { product_code: 'P1' } });
      } catch (error) {
        if (AxCloudError.is(error, 'getTourProduct')) {
          expectTypeOf(error.body).toEqualTypeOf<OperationErrorBody<'getTourProduct'> | string | undefined>();
          expectTypeOf<{ detail: string }>().toExtend<OperationErrorBody<'getTourProduct'>>();
        }
        if (error instanceof AxCloudError) expectTypeOf(error.body).toBeUnknown();
      }
    };
    expect(typeof compileOnly).toBe('function');
  });
});
