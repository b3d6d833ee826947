import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSimulator } from '../server/app.ts';
import { MESSAGES } from '../server/domain/errors.ts';
import { buildWorld, type World } from './support/fixture.ts';
import { responseChecker, routeOf } from './support/openapi.ts';
import { CHANNELS, caller, orderBody } from './support/sandbox.ts';

/**
 * The inputs the fuzzer (test/fuzz.test.ts) found breaking the simulator, pinned as plain examples so
 * that each stays fixed whatever seed the fuzzer runs with. Every answer is also checked against the
 * documents, and each refusal must leave the channel's state as it was.
 */

const NOW = Date.UTC(2026, 2, 1, 9, 0, 0);
const [A, B] = CHANNELS;
let app: FastifyInstance;
let world: World;
const check = responseChecker();

beforeAll(async () => {
  app = await buildSimulator({ realNow: () => NOW });
  world = await buildWorld(app, A);
});
afterAll(async () => {
  await app?.close();
});

async function send(method: string, url: string, body?: unknown, key: string = A.key) {
  const answer = await caller(app, key)(method, url, body);
  const problems = check(
    routeOf(method, url),
    { status: answer.status, contentType: answer.headers['content-type'] as string, body: answer.text },
    body !== undefined,
  );
  expect(problems, `${method} ${url}`).toEqual([]);
  return { status: answer.status, body: answer.body as Record<string, unknown> };
}

const exported = async () =>
  JSON.stringify([await app.sim.exportState(A.code), await app.sim.exportState(B.code)]);

describe('inputs that broke the simulator', () => {
  it('codes named like Object members (__proto__, constructor, toString) are unknown codes', async () => {
    const before = await exported();
    for (const code of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      // Was: 500 "Cannot read properties of undefined (reading 'find')".
      expect((await send('POST', `/__sim/orders/${code}/tickets/x/supplier`, { action: 'use' })).status).toBe(
        404,
      );
      // Was: 400 "현재 주문 상태(undefined)…" — an order that does not exist, acted on.
      expect((await send('POST', `/__sim/orders/${code}/supplier`, { action: 'confirm' })).status).toBe(404);
      // Was: 200, and Object.prototype's answer written into the questions collection.
      expect((await send('POST', `/__sim/questions/${code}/answer`, { body: 'x' })).status).toBe(404);
      // Was: 201 {"version": null}, a phantom product version saved.
      expect((await send('POST', `/__sim/products/${code}/versions`, { contents: { a: 'b' } })).status).toBe(
        404,
      );
      for (const family of ['tour', 'day-ticket']) {
        expect((await send('GET', `/v1/channel/orders/${family}/${code}`)).status).toBe(404);
        expect(
          (await send('PATCH', `/v1/channel/orders/${family}/${code}`, { channel_status: 'Traveler cancel' }))
            .status,
        ).toBe(404);
        expect((await send('GET', `/v1/channel/products/${family}/${code}`)).status).toBe(404);
        expect(
          (await send('GET', `/v1/channel/question/${family}/${world.products[0]!.code}/${code}`)).status,
        ).toBe(404);
      }
    }
    expect(await exported()).toBe(before);
  });

  it('a channel order id, question code or review code named like an Object member is an ordinary id', async () => {
    const product = world.products.find((p) => p.family === 'tour' && p.profile === 'manual')!;
    for (const code of ['constructor', 'toString', '__defineGetter__']) {
      const question = await send('POST', `/v1/channel/question/tour/${product.code}`, {
        question_code: code,
        title: 't',
        is_public: true,
        quested_at: '2026-01-21 10:00',
      });
      expect(question.status).toBe(201);
      const answer = await send('GET', `/v1/channel/question/tour/${product.code}/${code}`);
      expect(answer.body).toMatchObject({ data: { question_code: code, is_answered: false } });
      const option = product.options[0]!;
      const order = await send(
        'POST',
        '/v1/channel/orders/tour',
        orderBody({
          mappingCode: product.mappingCode,
          optionCode: option.code,
          inventoryAt: product.slots[option.code]![10]!,
          channelOrderId: code,
          rti: { english_name: true },
        }),
      );
      // Was: 400 "already used with a different request body" — Object's members taken for earlier orders.
      expect(order.status, JSON.stringify(order.body)).toBe(201);
    }
  });

  it('advancing the clock past what RFC 3339 can write is a 400 that changes nothing', async () => {
    const before = await exported();
    for (const seconds of [1e15, 2 ** 53 - 1, 1e20, 230_000_000_000]) {
      // Was: 500 "Invalid time value" — after the offset was saved, so every later call of the channel was a 500.
      const answer = await send('POST', '/__sim/clock/advance', { seconds });
      expect(answer.status, String(seconds)).toBe(400);
      expect(Object.keys(answer.body)).toEqual(['seconds']);
    }
    expect(await exported()).toBe(before);
    expect((await send('GET', '/__sim/clock')).status).toBe(200);
  });

  it('a date-time whose zone offset leaves years 0000–9999 is refused, not answered as "+010000-…"', async () => {
    const product = world.products.find((p) => p.family === 'tour')!;
    for (const quested_at of ['9999-12-31T23:59:59-23:59', '0000-01-01T00:00:00+00:01']) {
      const answer = await send('POST', `/v1/channel/question/tour/${product.code}`, {
        question_code: `edge-${quested_at}`,
        title: 't',
        is_public: true,
        quested_at,
      });
      expect(answer.status).toBe(400);
      expect(Object.keys(answer.body)).toEqual(['quested_at']);
    }
    // The edges themselves are fine.
    for (const quested_at of ['9999-12-31T23:59:59Z', '0000-01-01T00:00:00Z']) {
      const answer = await send('POST', `/v1/channel/question/tour/${product.code}`, {
        question_code: `edge-${quested_at}`,
        title: 't',
        is_public: true,
        quested_at,
      });
      expect(answer.status).toBe(201);
    }
    expect((await send('GET', '/__sim/questions')).status).toBe(200);
  });

  it('fault rules are listed with `remaining` (null = forever), as the document requires', async () => {
    // Was: {"id": …, "path": …, "probability": 1} — no `remaining` for a rule without `times`.
    const put = await send('PUT', '/__sim/faults', {
      rules: [
        { path: '/nowhere', status: 503 },
        { path: '/x', delayMs: 1, times: 2 },
      ],
    });
    expect(put.body.rules).toEqual([
      { id: expect.any(String), path: '/nowhere', status: 503, probability: 1, remaining: null },
      { id: expect.any(String), path: '/x', delayMs: 1, probability: 1, times: 2, remaining: 2 },
    ]);
    await send('DELETE', '/__sim/faults');
  });

  it('a field named "constructor" in a refused body gets its field error (was: a 500 from the error builder)', async () => {
    const answer = await send('PUT', '/__sim/faults', { rules: [], constructor: [], toString: 1 });
    expect(answer).toEqual({
      status: 400,
      body: {
        constructor: ['알 수 없는 필드입니다. (unknown field)'],
        toString: ['알 수 없는 필드입니다. (unknown field)'],
      },
    });
  });

  it('a value whose toString is not a function is quoted as JSON in the message (was: a 500)', async () => {
    const answer = await send('PATCH', `/v1/channel/orders/tour/${world.orders[0]!.code}`, {
      channel_status: { toString: null, valueOf: null },
    });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain('{\\"toString\\":null,\\"valueOf\\":null}');
  });

  it('JSON nested 20 000 deep is a 400 before anything walks it (was: a journal that answered 500 from then on)', async () => {
    const before = await exported();
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const answer = await send(
      'POST',
      `/v1/channel/question/tour/${world.products[0]!.code}`,
      `{"question_code":"q","x":${deep}}`,
    );
    expect(answer).toEqual({ status: 400, body: { detail: MESSAGES.tooDeep } });
    expect((await send('GET', '/__sim/journal?limit=1000')).status).toBe(200);
    expect(await exported()).toBe(before);
  });

  it('an optional body may be left out: publishing with no body is a new version (was: 400)', async () => {
    const product = world.products.find((p) => p.family === 'day-ticket')!;
    const answer = await send('POST', `/__sim/products/${product.code}/versions`);
    expect(answer).toEqual({ status: 201, body: { product_code: product.code, version: 2 } });
    // An explicit null is still not an object.
    expect((await send('POST', `/__sim/products/${product.code}/versions`, 'null')).status).toBe(400);
  });

  it('an imported state with a broken record is a 400 that replaces nothing (was: 500 after the import was saved)', async () => {
    const good = (await send('GET', '/__sim/state', undefined, B.key)).body as {
      state: Record<string, Record<string, unknown>>;
    };
    const exportOfA = (await send('GET', '/__sim/state')).body as {
      state: Record<string, Record<string, unknown>>;
    };
    const before = await exported();
    const order = Object.keys(exportOfA.state.orders!)[0]!;
    const broken = [
      { ...exportOfA, state: { ...exportOfA.state, schedule: { x: null } } },
      {
        ...exportOfA,
        state: {
          ...exportOfA.state,
          orders: { [order]: { ...exportOfA.state.orders![order]!, tickets: null } },
        },
      },
      { ...exportOfA, state: { ...exportOfA.state, orders: { x: 1 } } },
      { ...exportOfA, state: { ...exportOfA.state, stock: { x: -1 } } },
      {
        ...exportOfA,
        state: {
          ...exportOfA.state,
          meta: { meta: { ...(exportOfA.state.meta!.meta as object), clockOffsetMs: 1e300 } },
        },
      },
      { ...exportOfA, state: { ...exportOfA.state, products: { p: { code: 'p' } } } },
    ];
    for (const document of broken) {
      const answer = await send('PUT', '/__sim/state', document, B.key);
      expect(answer.status, JSON.stringify(document.state).slice(0, 200)).toBe(400);
      expect(Object.keys(answer.body)).toEqual(['state']);
    }
    expect(await exported()).toBe(before);
    // B's sandbox still works, and a genuine export still imports.
    expect((await send('GET', '/__sim/orders', undefined, B.key)).status).toBe(200);
    expect((await send('PUT', '/__sim/state', exportOfA, B.key)).status).toBe(200);
    expect((await send('PUT', '/__sim/state', good, B.key)).status).toBe(200);
  });
});
