import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AxCloudClient, createAxCloudClient } from '../client/index.ts';
import { MESSAGES } from '../server/domain/errors.ts';
import { MAX_JSON_DEPTH } from '../server/http/validation.ts';
import {
  clientCaller,
  lineOf,
  orderableEntries,
  orderBody,
  type Running,
  register,
  startSimulator,
} from './support/sandbox.ts';

/**
 * Limits at the HTTP edge, on a real server on 127.0.0.1: body size, malformed JSON, content types,
 * nesting depth, hostile paths sent byte for byte over a raw socket, unicode in every field, and slow
 * clients that must neither stall other requests nor hold a connection forever. Every refusal is in
 * the vendor's `{"detail"}` style and changes nothing.
 */

const BODY_LIMIT = 16 * 1024;
const MANUAL_TOUR = '00000000-0000-4000-8000-000000000004';
const NOT_FOUND = { detail: MESSAGES.notFound };

let sim: Running;
let port: number;
beforeAll(async () => {
  sim = await startSimulator({ bodyLimit: BODY_LIMIT });
  port = (sim.app.server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await sim.close();
});

interface RawAnswer {
  status: number;
  headers: string;
  body: string;
  /** Milliseconds from connecting to the server closing the connection. */
  closedAfter: number;
}

/** Sends bytes over a fresh socket (in pieces, with pauses, if asked) and reads until the server closes it. */
function rawRequest(
  parts: Array<string | Buffer>,
  options: { pauseMs?: number; keepSending?: boolean; port?: number } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(options.port ?? port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let closed = false;
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', () => {});
    socket.on('close', () => {
      closed = true;
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      resolve({ status, headers: head, body: rest.join('\r\n\r\n'), closedAfter: Date.now() - started });
    });
    socket.on('connect', async () => {
      try {
        for (const part of parts) {
          if (closed) return;
          socket.write(part);
          if (options.pauseMs) await sleep(options.pauseMs);
        }
        if (!options.keepSending) socket.end();
      } catch (error) {
        reject(error);
      }
    });
  });
}

const get = (path: string) =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Token demo-key\r\nConnection: close\r\n\r\n`;

async function exported(client: AxCloudClient): Promise<string> {
  return JSON.stringify((await client.exportState()).data);
}

describe('request bodies', () => {
  it('answers 413 to a body over the limit — sent whole, chunked, or only announced — and changes nothing', async () => {
    const before = await exported(sim.client);
    const big = { pad: '한'.repeat(BODY_LIMIT) };
    for (const [method, path] of [
      ['POST', '/v1/channel/orders/tour'],
      ['POST', `/v1/channel/question/tour/${MANUAL_TOUR}`],
      ['PUT', '/__sim/faults'],
      ['PUT', '/__sim/state'],
    ] as const) {
      const answer = await sim.client.raw(method, path, { body: big });
      expect(answer.status, path).toBe(413);
      expect(answer.data).toEqual({ detail: MESSAGES.tooLarge });
    }
    const payload = JSON.stringify(big);
    const chunked = await rawRequest([
      'POST /v1/channel/orders/tour HTTP/1.1\r\nHost: x\r\nAuthorization: Token demo-key\r\n' +
        'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
      ...Array.from({ length: 8 }, (_, i) => {
        const piece = payload.slice((i * payload.length) / 8, ((i + 1) * payload.length) / 8);
        return `${Buffer.byteLength(piece).toString(16)}\r\n${piece}\r\n`;
      }),
      '0\r\n\r\n',
    ]);
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body)).toEqual({ detail: MESSAGES.tooLarge });
    const announced = await rawRequest([
      'POST /v1/channel/orders/tour HTTP/1.1\r\nHost: x\r\nAuthorization: Token demo-key\r\n' +
        `Content-Type: application/json\r\nContent-Length: ${10 * BODY_LIMIT}\r\nConnection: close\r\n\r\n{"a":`,
    ]);
    expect(announced.status).toBe(413);
    expect(await exported(sim.client)).toBe(before);
  });

  it('answers malformed JSON with the DRF-style 400 and non-JSON bodies with 415', async () => {
    const before = await exported(sim.client);
    for (const rawBody of [
      '{',
      '{"order": }',
      '[1,]',
      "{'a': 1}",
      'NaN',
      '{"a": 1} trailing',
      '',
      '{"__proto__": {"x": 1}}',
    ]) {
      const answer = await sim.client.raw('POST', '/v1/channel/orders/tour', { rawBody });
      expect(answer.status, rawBody).toBe(400);
      expect(answer.data, rawBody).toEqual({ detail: MESSAGES.invalidJson });
    }
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/xml',
      'multipart/form-data; boundary=x',
      'application/json-patch+json',
    ]) {
      const answer = await sim.client.raw('POST', '/v1/channel/orders/tour', {
        rawBody: '{}',
        headers: { 'content-type': type },
      });
      expect(answer.status, type).toBe(415);
      expect(answer.data).toEqual({ detail: MESSAGES.unsupportedMedia });
    }
    const untyped = await rawRequest([
      'POST /v1/channel/orders/tour HTTP/1.1\r\nHost: x\r\nAuthorization: Token demo-key\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}',
    ]);
    expect(untyped.status).toBe(415);
    expect(JSON.parse(untyped.body)).toEqual({ detail: MESSAGES.unsupportedMedia });
    expect(await exported(sim.client)).toBe(before);
  });

  it(`accepts nesting up to ${MAX_JSON_DEPTH} levels, refuses deeper with a 400, and the journal stays readable`, async () => {
    const question = (code: string, depth: number) =>
      // The body is level 1, "extra" level 2: an array nested depth - 1 deep makes the body `depth` deep.
      `{"question_code":"${code}","title":"깊이","is_public":true,"quested_at":"2026-01-21 10:00","extra":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
    const path = `/v1/channel/question/tour/${MANUAL_TOUR}`;
    const deepest = await sim.client.raw('POST', path, { rawBody: question('deep-ok', MAX_JSON_DEPTH) });
    expect(deepest.status, deepest.rawBody).toBe(201);
    const before = await exported(sim.client);
    // 7 000 deep still fits the body limit: refused for its depth, not its size.
    for (const depth of [MAX_JSON_DEPTH + 1, 1_000, 7_000]) {
      const answer = await sim.client.raw('POST', path, { rawBody: question(`deep-${depth}`, depth) });
      expect(answer.status, String(depth)).toBe(400);
      expect(answer.data).toEqual({ detail: MESSAGES.tooDeep });
    }
    expect(await exported(sim.client)).toBe(before);
    const journal = await sim.client.getJournal({ query: { limit: 10 } });
    expect(journal.status).toBe(200);
    expect(journal.data.entries.some((e) => e.status === 201)).toBe(true);
  });
});

describe('hostile paths, sent byte for byte', () => {
  it('answers 404 {"detail"} for malformed, huge, traversing and odd codes, and reaches no other route', async () => {
    const before = await exported(sim.client);
    for (const code of [
      '%ZZ',
      '%',
      '%E0%A4%A',
      '%C0%AF',
      '%FF%FE',
      '%00',
      'a%00b',
      '..',
      '.',
      '%2e%2e',
      '..%2f..%2f__sim%2fstate',
      '%F0%9F%99%82',
      '%E2%80%AE%E2%80%8B',
      'x'.repeat(101),
      'x'.repeat(2_049),
      'x'.repeat(10_000),
      '__proto__',
      'constructor',
    ]) {
      for (const path of [
        `/v1/channel/orders/tour/${code}`,
        `/v1/channel/products/day-ticket/${code}`,
        `/v1/channel/orders/tour/${code}/tickets/${code.slice(0, 2_049)}`,
        `/__sim/orders/${code}/supplier`,
      ]) {
        const answer = await rawRequest([get(path)]);
        expect(answer.status, path.slice(0, 80)).toBe(404);
        expect(JSON.parse(answer.body), path.slice(0, 80)).toEqual(NOT_FOUND);
      }
    }
    // Dot segments are not resolved: they never lead to another route.
    for (const path of [
      '/v1/channel/products/tour/../../../__sim/state',
      '/__sim/../__sim/state',
      '/v1/channel/../../__sim/state',
    ]) {
      const answer = await rawRequest([get(path)]);
      expect(answer.status, path).toBe(404);
      expect(JSON.parse(answer.body)).toEqual(NOT_FOUND);
    }
    expect(await exported(sim.client)).toBe(before);
  });

  it('answers what HTTP itself refuses (NUL, spaces, raw UTF-8, huge request lines) in the vendor style too', async () => {
    for (const [bytes, status] of [
      [Buffer.from(get('/v1/channel/orders/tour/a\u0000b')), 400],
      [Buffer.from(get('/v1/channel/orders/tour/a b')), 400],
      [Buffer.from(get('/v1/channel/orders/tour/주문🙂'), 'utf8'), 400],
      [Buffer.from(get(`/v1/channel/orders/tour/${'x'.repeat(20_000)}`)), 431],
      [Buffer.from('NOT-HTTP\r\n\r\n'), 400],
    ] as const) {
      const answer = await rawRequest([bytes]);
      expect(answer.status, bytes.subarray(0, 60).toString()).toBe(status);
      expect(answer.headers).toMatch(/content-type: application\/json/i);
      expect(Object.keys(JSON.parse(answer.body))).toEqual(['detail']);
    }
    // The server is unharmed.
    expect((await sim.client.listTourProducts()).status).toBe(200);
  });
});

describe('unicode everywhere', () => {
  const WORDS = [
    '홍길동 🙂',
    'مرحبا',
    'שלום\u200f',
    'a\u200bb\u200dc',
    'e\u0301',
    '👨\u200d👩\u200d👧\u200d👦',
    '\u202eevil',
    'Ω≈ç√',
  ];

  it('keeps unicode exactly, in an order, a question, a review and a registration', async () => {
    const product = await register(clientCaller(sim.client), 'tour', MANUAL_TOUR, {
      name: (_, i) => WORDS[i]!,
      channel_product_name: WORDS.join(' '),
      channel_product_link: `https://채널.example/${WORDS[0]}`,
      channel_product_id: WORDS[5]!,
    });
    const [entry] = await orderableEntries(clientCaller(sim.client), product, { pageSize: 10 });
    const body = orderBody({
      ...lineOf(product, entry!),
      channelOrderId: `주문-${WORDS.join('|')}`,
      rti: Object.fromEntries(Object.keys(product.rti).map((k) => [k, false])),
    });
    const ticket = {
      ...body.options[0]!.tickets[0]!,
      name: WORDS[1]!,
      channel_code: WORDS[6]!,
      extra: WORDS.join(''),
    };
    const additional = Object.fromEntries(
      Object.entries(product.rti)
        .filter(([, required]) => required)
        .map(([k]) => [k, WORDS[2]!]),
    );
    const order = {
      ...body,
      options: [{ ...body.options[0]!, discount_method: WORDS[3]!, tickets: [ticket] }],
      order: { ...body.order, comment: WORDS.join('\n') },
      representative: { ...body.representative, name: WORDS[4]!, additional },
    };
    const created = await sim.client.createTourOrder({ body: order });
    expect(created.data.data.channel_order_code).toBe(order.order.channel_order_id);
    const code = created.data.data.depth_combinations[0]!.ax_order_code;
    const stored = (await sim.client.listSimOrders()).data.orders.find((o) => o.ax_order_code === code)!;
    expect(stored.channel_order_code).toBe(order.order.channel_order_id);
    expect(stored.tickets[0]!.channel_code).toBe(WORDS[6]);
    const state = (await sim.client.exportState()).data.state as {
      orders: Record<string, { tickets: Array<{ traveler: unknown }> }>;
    };
    expect(state.orders[code]!.tickets[0]!.traveler).toEqual(ticket);

    const questionCode = `질문-${WORDS[0]}-${WORDS[5]}`;
    await sim.client.createTourQuestion({
      path: { product_code: MANUAL_TOUR },
      body: {
        question_code: questionCode,
        title: WORDS[2]!,
        body: WORDS.join(' '),
        is_public: false,
        quested_at: '2026-01-21 10:00',
      },
    });
    const answer = await sim.client.getTourAnswer({
      path: { product_code: MANUAL_TOUR, question_code: questionCode },
    });
    expect(answer.data.data.question_code).toBe(questionCode);
    const question = (await sim.client.listSimQuestions()).data.questions.find(
      (q) => q.question_code === questionCode,
    )!;
    expect(question.body).toBe(WORDS.join(' '));

    const review = await sim.client.createTourReview({
      path: { product_code: MANUAL_TOUR },
      body: {
        review_code: WORDS[7]!,
        score_type: 'ONE_FIVE_STAR',
        score: 5,
        title: WORDS[0]!,
        body: WORDS[6]!,
        reviewed_at: '2026-01-22 10:00',
      },
    });
    expect(review.data.review_code).toBe(WORDS[7]);
    // Unicode in query names and values is ignored like any unknown query parameter.
    const listed = await sim.client.raw('GET', '/v1/channel/products/tour', {
      query: { [WORDS[0]!]: WORDS[1], page: 1 },
    });
    expect(listed.status).toBe(200);
  });
});

describe('slow clients', () => {
  it('neither stall other requests nor keep their connection: the server drops them', async () => {
    const REQUEST_TIMEOUT = 2_000;
    const CONNECTION_TIMEOUT = 1_500;
    const slow = await startSimulator({
      requestTimeoutMs: REQUEST_TIMEOUT,
      connectionTimeoutMs: CONNECTION_TIMEOUT,
    });
    const slowPort = (slow.app.server.address() as net.AddressInfo).port;
    try {
      const drip = (text: string) => [...text];
      const t0 = Date.now();
      // Headers one byte every 50 ms, never finished (each byte resets the idle timer).
      const headers = rawRequest(
        drip(
          'GET /v1/channel/products/tour HTTP/1.1\r\nHost: x\r\nAuthorization: Token demo-key\r\n' +
            'X-Slow: '.padEnd(1_000, 'z'),
        ),
        { pauseMs: 50, keepSending: true, port: slowPort },
      );
      // A body announced as 1000 bytes and sent one byte every 50 ms.
      const body = rawRequest(
        [
          'POST /v1/channel/orders/tour HTTP/1.1\r\nHost: x\r\nAuthorization: Token demo-key\r\n' +
            'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n',
          ...drip(`{"pad": "${'x'.repeat(990)}"}`),
        ],
        { pauseMs: 50, keepSending: true, port: slowPort },
      );
      // Connected, then silent; and half a request line, then silent.
      const silent = rawRequest([], { keepSending: true, port: slowPort });
      const stalled = rawRequest(['GET /v1/channel/prod'], { keepSending: true, port: slowPort });

      // Meanwhile, 200 ordinary requests over 20 connections are all answered — before any slow
      // connection is dropped, i.e. while all four are still holding their sockets.
      const client = createAxCloudClient({
        baseUrl: `http://127.0.0.1:${slowPort}`,
        apiKey: 'demo-key',
        retries: 0,
        connections: 20,
      });
      const answeredAt = await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          const answer =
            i % 2 ? await client.listTourProducts({ query: { page_size: 5 } }) : await client.getClock();
          expect(answer.status).toBe(200);
          return Date.now() - t0;
        }),
      );
      await client.close();

      const [h, b, s, st] = await Promise.all([headers, body, silent, stalled]);
      expect(Math.max(...answeredAt)).toBeLessThan(
        Math.min(h.closedAfter, b.closedAfter, s.closedAfter, st.closedAfter),
      );
      // Headers and body that never complete: 408 in the vendor style once requestTimeoutMs has passed.
      for (const answer of [h, b]) {
        expect(answer.status).toBe(408);
        expect(JSON.parse(answer.body)).toEqual({ detail: MESSAGES.requestTimeout });
        expect(answer.closedAfter).toBeGreaterThanOrEqual(REQUEST_TIMEOUT - 100);
        expect(answer.closedAfter).toBeLessThan(REQUEST_TIMEOUT + 4_000);
      }
      // Silence: closed once connectionTimeoutMs has passed.
      for (const answer of [s, st]) {
        expect(answer.closedAfter).toBeGreaterThanOrEqual(CONNECTION_TIMEOUT - 100);
        expect(answer.closedAfter).toBeLessThan(CONNECTION_TIMEOUT + 4_000);
      }
      expect((await slow.client.getClock()).status).toBe(200);
    } finally {
      await slow.close();
    }
  }, 30_000);
});
