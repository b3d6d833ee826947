import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUPPLIER_TEST_PRODUCTS } from '../fixtures/catalog.ts';
import { buildSimulator } from '../server/app.ts';
import { MESSAGES } from '../server/domain/errors.ts';
import { operation, responseChecker } from './support/openapi.ts';
import {
  allEntries,
  type Call,
  caller,
  inventoryAtOf,
  orderBody,
  type Registered,
  register,
} from './support/sandbox.ts';

/**
 * 400 bodies shaped as Django REST Framework's nested serializers shape them, through HTTP: nested
 * objects nest, lists of objects answer a list with `{}` for each valid element, rules about several
 * fields go under `non_field_errors`, top-level field errors stay `{"<field>": ["<message>"]}` — in
 * DRF's Korean words. And nothing a refused request sent is written.
 */

const MANUAL_TOUR = SUPPLIER_TEST_PRODUCTS.find((p) => p.profile === 'manual' && p.family === 'tour')!.code;

let app: FastifyInstance;
let call: Call;
let tour: Registered;
let slots: string[];
beforeAll(async () => {
  app = await buildSimulator({ realNow: () => Date.UTC(2026, 4, 10, 3, 0) });
  call = caller(app);
  tour = await register(call, 'tour', MANUAL_TOUR);
  const entries = (await allEntries(call, 'tour', MANUAL_TOUR))[tour.options[0]!]!;
  slots = entries.slice(0, 4).map(inventoryAtOf);
});
afterAll(async () => {
  await app.close();
});

/** A valid two-line order; `edit` breaks it. */
function twoLines(edit: (body: ReturnType<typeof orderBody>) => unknown = (b) => b) {
  const one = orderBody({ ...tour, optionCode: tour.options[0]!, inventoryAt: slots[0]!, quantity: 2 });
  const two = orderBody({ ...tour, optionCode: tour.options[1]!, inventoryAt: slots[1]! });
  return edit({ ...one, options: [...one.options, ...two.options] });
}

const checkAnswer = responseChecker();

/** The 400 the order create answers for `body` — checked against the document's 400 schema too. */
async function refused(body: unknown) {
  const answer = await call('POST', '/v1/channel/orders/tour', body);
  expect(answer.status, answer.text).toBe(400);
  const observed = {
    status: answer.status,
    contentType: answer.headers['content-type'] as string,
    body: answer.text,
  };
  expect(checkAnswer(operation('createTourOrder'), observed, true), answer.text).toEqual([]);
  return answer.body;
}

describe('request validation answers DRF shapes', () => {
  it('the valid order itself is accepted (so each case below fails for its own reason only)', async () => {
    const answer = await call('POST', '/v1/channel/orders/tour', twoLines());
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    const order = answer.body.data.depth_combinations[0].ax_order_code;
    await call('PATCH', `/v1/channel/orders/tour/${order}`, { channel_status: 'Traveler cancel' });
  });

  it('top-level fields: {"<field>": ["이 필드는 필수 항목입니다."]}', async () => {
    expect(await refused({})).toEqual({
      options: [MESSAGES.required],
      order: [MESSAGES.required],
      purchaser: [MESSAGES.required],
      representative: [MESSAGES.required],
    });
    expect(await refused(twoLines((b) => ({ ...b, order: null })))).toEqual({ order: [MESSAGES.notNull] });
  });

  it('a field of a nested object is nested: {"order": {"currency": ["…"]}}', async () => {
    const body = twoLines((b) => ({ ...b, order: { ...b.order, currency: 'EUR' } }));
    expect(await refused(body)).toEqual({
      order: { currency: ['"EUR"이 유효하지 않은 선택(choice)입니다. (allowed: "KRW", "USD")'] },
    });
  });

  it('an element of a list of objects: {"options": [{}, {"quantity": ["유효한 정수(integer)를 넣어주세요."]}]}', async () => {
    const body = twoLines((b) => ({ ...b, options: [b.options[0], { ...b.options[1], quantity: 'x' }] }));
    expect(await refused(body)).toEqual({
      options: [{}, { quantity: ['유효한 정수(integer)를 넣어주세요.'] }],
    });
  });

  it('lists inside list elements, and DictFields inside them, nest all the way down', async () => {
    const body = twoLines((b) => {
      const [first, second] = b.options;
      const [t0, t1] = first!.tickets;
      const { email: _, ...noEmail } = t1!;
      return {
        ...b,
        options: [{ ...first, tickets: [{ ...t0, additional: { english_name: 5 } }, noEmail] }, second],
      };
    });
    expect(await refused(body)).toEqual({
      options: [
        {
          tickets: [
            { additional: { english_name: [expect.stringContaining('유효한 문자열(string)이 아닙니다.')] } },
            { email: [MESSAGES.required] },
          ],
        },
        {},
      ],
    });
  });

  it('a nested object or list that is not one answers under its non_field_errors, in DRF words', async () => {
    expect(await refused(twoLines((b) => ({ ...b, order: 'x' })))).toEqual({
      order: { non_field_errors: ['유효하지 않은 데이터. 딕셔너리(dictionary)대신 str를 받았습니다.'] },
    });
    expect(await refused(twoLines((b) => ({ ...b, options: 'x' })))).toEqual({
      options: { non_field_errors: ['아이템 리스트가 예상되었으나 "str"를 받았습니다.'] },
    });
    expect(await refused(twoLines((b) => ({ ...b, options: [] })))).toEqual({
      options: { non_field_errors: [expect.any(String)] },
    });
    // A DictField (`additional`) is a field, not a serializer: its own list, in its own words.
    const body = twoLines((b) => ({ ...b, representative: { ...b.representative, additional: [] } }));
    expect(await refused(body)).toEqual({
      representative: { additional: ['아이템 딕셔너리가 예상되었으나 "list" 타입을 받았습니다.'] },
    });
  });

  it('a body that is not an object: {"non_field_errors": ["…"]}', async () => {
    expect(await refused([])).toEqual({
      non_field_errors: ['유효하지 않은 데이터. 딕셔너리(dictionary)대신 list를 받았습니다.'],
    });
  });

  it('legacy spellings are answered under the names sent', async () => {
    const body = twoLines((b) => {
      const { options, ...rest } = b;
      return { ...rest, depth_combinations: [options[0], { ...options[1], quantity: 0 }] };
    });
    expect(await refused(body)).toEqual({
      depth_combinations: [{}, { quantity: ['이 값이 1보다 크거나 같은지 확인하십시오.'] }],
    });
  });
});

describe('the rules answer DRF shapes too', () => {
  it('a field of line i: {"options": [{}, {"option_code": ["…"]}]}', async () => {
    const body = twoLines((b) => ({
      ...b,
      options: [b.options[0], { ...b.options[1], option_code: 'nope' }],
    }));
    expect(await refused(body)).toEqual({
      options: [{}, { option_code: [expect.stringContaining('"nope"')] }],
    });
  });

  it('several fields of a line at once go under its non_field_errors', async () => {
    const body = twoLines((b) => ({ ...b, options: [{ ...b.options[0], quantity: 3 }, b.options[1]] }));
    expect(await refused(body)).toEqual({
      options: [{ non_field_errors: [expect.stringContaining('2 tickets for quantity 3')] }, {}],
    });
    const tooMany = twoLines((b) => ({
      ...b,
      options: [
        b.options[0],
        { ...b.options[1], quantity: 21, tickets: Array(21).fill(b.options[1]!.tickets[0]) },
      ],
    }));
    expect(await refused(tooMany)).toEqual({
      options: [
        {},
        { non_field_errors: [expect.stringMatching(/^남은 수량이 부족합니다\. \(not enough inventory/)] },
      ],
    });
  });

  it('a reused channel_order_id: {"order": {"channel_order_id": ["…"]}}', async () => {
    const body = twoLines() as ReturnType<typeof orderBody>;
    const first = await call('POST', '/v1/channel/orders/tour', body);
    expect(first.status).toBe(201);
    const changed = { ...body, order: { ...body.order, total: '1' } };
    expect(await refused(changed)).toEqual({
      order: { channel_order_id: [expect.stringContaining(body.order.channel_order_id)] },
    });
    for (const line of first.body.data.depth_combinations) {
      await call('PATCH', `/v1/channel/orders/tour/${line.ax_order_code}`, {
        channel_status: 'Traveler cancel',
      });
    }
  });

  it('missing RTI (product, representative and tickets together): the top-level non_field_errors', async () => {
    const body = twoLines((b) => ({
      ...b,
      representative: { ...b.representative, additional: {} },
      options: b.options.map((o) => ({ ...o, tickets: o.tickets.map((t) => ({ ...t, additional: {} })) })),
    }));
    expect(await refused(body)).toEqual({
      non_field_errors: [expect.stringContaining('additional.english_name')],
    });
  });

  it('a top-level field error stays flat: {"channel_status": ["…"]}', async () => {
    const created = await call('POST', '/v1/channel/orders/tour', twoLines());
    const order = created.body.data.depth_combinations[0].ax_order_code;
    const answer = await call('PATCH', `/v1/channel/orders/tour/${order}`, { channel_status: 'Refunded' });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      channel_status: [expect.stringContaining('"Refunded"이 유효하지 않은 선택(choice)입니다.')],
    });
  });

  it('a refused request writes nothing', async () => {
    const before = (await call('GET', '/__sim/orders')).body.orders.length;
    await refused(twoLines((b) => ({ ...b, order: { ...b.order, currency: 'EUR' } })));
    await refused(
      twoLines((b) => ({ ...b, options: [b.options[0], { ...b.options[1], option_code: 'nope' }] })),
    );
    expect((await call('GET', '/__sim/orders')).body.orders.length).toBe(before);
  });
});

describe('the control API keeps its own, flat shape', () => {
  it('every error under its top-level field, the path in the message', async () => {
    const answer = await call('PUT', '/__sim/faults', {
      rules: [{ method: 'GET', path: '/v1/**', status: 'x' }],
    });
    expect(answer.status).toBe(400);
    expect(Object.keys(answer.body)).toEqual(['rules']);
    expect(answer.body.rules).toEqual([expect.stringMatching(/^rules\[0\]\.status: /)]);
  });
});
