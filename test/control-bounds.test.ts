import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSimulator } from '../server/app.ts';
import { RequestJournal } from '../server/http/request-journal.ts';
import { caller } from './support/sandbox.ts';

/**
 * The control API at its bounds: fault statuses a client cannot read are refused; listings come a page
 * at a time; the request journal keeps bodies up to 16 KiB and a bounded total per channel; the state
 * export is streamed.
 */

let app: FastifyInstance;

beforeAll(async () => {
  app = await buildSimulator({ journalBytes: 256 * 1024 });
});
afterAll(async () => {
  await app.close();
});

const send = (method: 'GET' | 'PUT' | 'POST', url: string, body?: unknown) => caller(app)(method, url, body);

describe('fault rules', () => {
  it.each([100, 101, 103, 199, 304])(
    'refuse status %i with a 400 naming the allowed statuses',
    async (status) => {
      const answer = await send('PUT', '/__sim/faults', { rules: [{ path: '/**', status }] });
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body)).toContain('status must be 200–303 or 305–599');
      expect((await send('GET', '/__sim/faults')).body).toEqual({ rules: [] });
    },
  );

  it.each([200, 303, 305, 418, 503, 599])('accept status %i and answer it', async (status) => {
    expect(
      (await send('PUT', '/__sim/faults', { rules: [{ path: '/v1/channel/**', status, times: 1 }] })).status,
    ).toBe(200);
    expect((await send('GET', '/v1/channel/products/tour')).status).toBe(status);
  });
});

describe('paginated listings', () => {
  it('orders: limit/offset, newest first, with count and next; a bad limit is a 400', async () => {
    // Questions are the cheapest records to create through the channel API.
    const product = '00000000-0000-4000-8000-000000000001';
    for (let i = 0; i < 7; i++) {
      const created = await send('POST', `/v1/channel/question/tour/${product}`, {
        question_code: `q-${i}`,
        title: `t${i}`,
        is_public: true,
        quested_at: '2026-01-01T10:00:00Z',
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
    const first = await send('GET', '/__sim/questions?limit=3');
    expect(first.body.count).toBe(7);
    expect(first.body.next).toBe(3);
    expect((first.body.questions as Array<{ question_code: string }>).map((q) => q.question_code)).toEqual([
      'q-6',
      'q-5',
      'q-4',
    ]);
    const last = await send('GET', '/__sim/questions?limit=3&offset=6');
    expect(last.body).toMatchObject({ count: 7, next: null });
    expect((last.body.questions as unknown[]).length).toBe(1);
    const beyond = await send('GET', '/__sim/questions?offset=50');
    expect(beyond.body).toEqual({ questions: [], count: 7, next: null });
    for (const list of ['orders', 'refunds', 'reviews', 'questions']) {
      const page = await send('GET', `/__sim/${list}`);
      expect(page.status).toBe(200);
      expect(page.body).toHaveProperty('count');
      expect(page.body).toHaveProperty('next');
      for (const bad of ['limit=0', 'limit=1001', 'offset=-1', 'limit=x']) {
        expect((await send('GET', `/__sim/${list}?${bad}`)).status, `${list} ${bad}`).toBe(400);
      }
    }
  });
});

describe('request journal', () => {
  it('keeps a body up to 16 KiB, marks a longer one truncated, and holds a bounded total', async () => {
    const big = { blob: 'x'.repeat(200_000) };
    const refused = await send('POST', '/v1/channel/orders/tour', big);
    expect(refused.status).toBe(400);
    const { body } = await send('GET', '/__sim/journal?limit=1');
    const [entry] = body.entries as Array<Record<string, unknown>>;
    expect(entry!.request_body_truncated).toBe(true);
    expect(typeof entry!.request_body).toBe('string');
    expect((entry!.request_body as string).length).toBe(16 * 1024);
    expect((entry!.request_body as string).startsWith('{"blob":"xxx')).toBe(true);
    expect(entry!.response_body_truncated).toBeUndefined();
    expect(body.count).toBeGreaterThan(0);

    // 100 more of them: the channel's journal stays within its 256 KiB (this app's --journal-bytes).
    for (let i = 0; i < 100; i++) await send('POST', '/v1/channel/orders/tour', big);
    const all = await send('GET', '/__sim/journal?limit=1000');
    const text = all.text;
    expect(text.length).toBeLessThan(256 * 1024 + 20_000);
    expect(all.body.count as number).toBeLessThan(20);
    expect((all.body.entries as unknown[]).length).toBe(all.body.count);
    // Small answers are kept whole, as JSON.
    await send('GET', '/__sim/clock');
    const products = await send('GET', '/v1/channel/products/tour?page=1&page_size=1');
    const latest = (await send('GET', '/__sim/journal?limit=1')).body.entries as Array<
      Record<string, unknown>
    >;
    expect(latest[0]!.response_body).toEqual(products.body);
    const second = await send('GET', '/__sim/journal?limit=1&offset=1');
    expect(second.body.next).toBe(2);
  });

  it('bounds memory per channel: 1,000 bodies of 1 MB keep at most the configured bytes', () => {
    const journal = new RequestJournal({ maxBytes: 1024 * 1024 });
    const body = { blob: 'y'.repeat(1024 * 1024) };
    const sent = Buffer.from(JSON.stringify(body));
    for (let i = 0; i < 1000; i++) {
      journal.add({
        at: Date.parse('2026-01-01T00:00:00Z'),
        method: 'POST',
        path: `/v1/x/${i}`,
        status: 400,
        request_body: body,
        response_payload: sent,
        response_type: 'application/json; charset=utf-8',
        duration_ms: 1,
      });
    }
    expect(journal.heldBytes).toBeLessThanOrEqual(1024 * 1024);
    expect(journal.size).toBeGreaterThan(20);
    const [newest] = journal.recent(1);
    expect(newest!.path).toBe('/v1/x/999');
  });
});

describe('state export', () => {
  it('is streamed (chunked, no Content-Length) and is the same document as the state', async () => {
    const answer = await send('GET', '/__sim/state');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.headers['content-length']).toBeUndefined();
    expect(answer.body).toEqual(JSON.parse(JSON.stringify(await app.sim.exportState('demo-channel'))));
    // And it imports back.
    expect((await send('PUT', '/__sim/state', answer.body)).status).toBe(200);
  });
});
