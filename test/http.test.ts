import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AxCloudClient, type AxCloudComponents, AxCloudError } from '../client/index.ts';
import { channelHandlers } from '../server/app.ts';
import { handlerMismatch } from '../server/http/routes.ts';
import { AX_CLOUD_SPEC, loadSpec } from '../server/http/spec.ts';
import {
  clientCaller,
  lineOf,
  orderableEntries,
  orderBody,
  type Running,
  register as registerProduct,
  startSimulator,
} from './support/sandbox.ts';

/** Request handling at the HTTP edge: validation, aliases, legacy names, idempotency, control API. */

const TOUR = {
  instant: '00000000-0000-4000-8000-000000000001',
  delayed: '00000000-0000-4000-8000-000000000002',
  reject: '00000000-0000-4000-8000-000000000003',
  manual: '00000000-0000-4000-8000-000000000004',
};

let sim: Running;
beforeAll(async () => {
  sim = await startSimulator({ bodyLimit: 64 * 1024 });
});
afterAll(async () => {
  await sim.close();
});

const register = (client: AxCloudClient, productCode: string) =>
  registerProduct(clientCaller(client), 'tour', productCode);

async function orderFor(client: AxCloudClient, productCode: string, quantity = 1, channelOrderId?: string) {
  const product = await register(client, productCode);
  const [entry] = await orderableEntries(clientCaller(client), product, { pageSize: 60, quantity });
  const body = orderBody({ ...lineOf(product, entry!), quantity, channelOrderId });
  return { body, entry: entry!, optionCode: product.optionCode, mappingCode: product.mappingCode };
}

const confirmStatus = async (client: AxCloudClient, code: string) =>
  (await client.getTourOrderConfirm({ path: { ax_order_code: code } })).data.data[0]!.ax_order_status;

describe('routes from the spec', () => {
  it('has a handler for every operation and an operation for every handler', () => {
    expect(handlerMismatch(loadSpec(AX_CLOUD_SPEC).operations, channelHandlers())).toEqual([]);
    const { createTourOrder: _, ...missing } = channelHandlers();
    expect(
      handlerMismatch(loadSpec(AX_CLOUD_SPEC).operations, {
        ...missing,
        extraOperation: async () => ({ body: null }),
      }),
    ).toEqual(['no handler for operation createTourOrder', 'handler extraOperation has no operation']);
  });

  it('serves the contract and the docs UI', async () => {
    const json = await sim.client.raw('GET', '/openapi.json');
    expect((json.data as { openapi: string }).openapi).toBe('3.1.0');
    expect((await sim.client.raw('GET', '/openapi.yaml')).rawBody).toContain('operationId: createTourOrder');
    expect((await sim.client.raw('GET', '/docs/')).status).toBe(200);
  });
});

describe('bad input', () => {
  it('answers DRF field errors naming each missing field, and creates nothing', async () => {
    const answer = await sim.client.raw('POST', '/v1/channel/orders/tour', { body: {} });
    expect(answer.status).toBe(400);
    expect(Object.keys(answer.data as object).sort()).toEqual([
      'options',
      'order',
      'purchaser',
      'representative',
    ]);
    expect((answer.data as Record<string, string[]>).order).toEqual(['이 필드는 필수 항목입니다.']);
  });

  it('names a nested field and never coerces a body value', async () => {
    const { body } = await orderFor(sim.client, TOUR.manual);
    const bad = structuredClone(body) as { options: Array<{ quantity: unknown }> };
    bad.options[0]!.quantity = '1';
    const answer = await sim.client.raw('POST', '/v1/channel/orders/tour', { body: bad });
    expect(answer.status).toBe(400);
    // Nested where DRF nests it: element 0 of `options`, its `quantity`.
    expect(answer.data).toEqual({ options: [{ quantity: ['유효한 정수(integer)를 넣어주세요.'] }] });
  });

  it('answers invalid pagination with the documented invalid-query body', async () => {
    for (const query of ['page=0', 'page_size=abc', 'page=-1', 'page=1.5']) {
      const answer = await sim.client.raw('GET', `/v1/channel/products/tour?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.data).toEqual({ detail: '유효하지 않은 query입니다.' });
    }
    const past = await sim.client.listTourProducts({ query: { page: 999 } });
    expect(past.data.products).toEqual([]);
  });

  it('answers malformed JSON, a non-JSON body and an oversized body in the vendor format', async () => {
    const malformed = await sim.client.raw('POST', '/v1/channel/orders/tour', { rawBody: '{"order": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.data).toHaveProperty('detail');
    const text = await sim.client.raw('POST', '/v1/channel/orders/tour', {
      rawBody: 'order=1',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    const huge = await sim.client.raw('POST', '/v1/channel/orders/tour', {
      body: { pad: 'x'.repeat(100_000) },
    });
    expect(huge.status).toBe(413);
    expect(huge.data).toHaveProperty('detail');
  });

  it('answers 404 for unknown codes and for an over-long path code', async () => {
    const unknown = await sim.client.raw('GET', '/v1/channel/products/tour/no-such-product');
    expect(unknown.status).toBe(404);
    expect(unknown.data).toEqual({ detail: '찾을 수 없습니다.' });
    for (const length of [500, 5000]) {
      const long = await sim.client.raw('GET', `/v1/channel/orders/tour/${'a'.repeat(length)}`);
      expect(long.status).toBe(404);
      expect(long.data).toEqual({ detail: '찾을 수 없습니다.' });
    }
    const unicode = await sim.client.raw('GET', `/v1/channel/orders/tour/${encodeURIComponent('주문-🙂')}`);
    expect(unicode.status).toBe(404);
  });

  it('refuses a registration that leaves an option unmapped', async () => {
    const detail = await sim.client.getTourProduct({ path: { product_code: TOUR.manual } });
    const error = (await sim.client
      .registerTourProduct({
        path: { product_code: TOUR.manual },
        body: {
          mapping_data: {},
          channel_product_name: 'x',
          channel_product_link: 'https://x',
          channel_product_id: 'x',
        },
      })
      .catch((e: unknown) => e)) as AxCloudError;
    expect(error.status).toBe(400);
    expect(Object.keys(error.body as object)).toEqual(['mapping_data']);
    expect(detail.data.options.length).toBeGreaterThan(0);
  });
});

describe('orders', () => {
  it('replays an identical retry and refuses the same id with another body', async () => {
    const { body } = await orderFor(sim.client, TOUR.manual, 1, 'idempotent-1');
    const first = await sim.client.createTourOrder({ body });
    const again = await sim.client.createTourOrder({ body });
    expect(again.data).toEqual(first.data);
    const changed = { ...body, order: { ...body.order, total: '1' } };
    const error = (await sim.client
      .createTourOrder({ body: changed })
      .catch((e: unknown) => e)) as AxCloudError;
    expect(error.status).toBe(400);
    // A field of the nested `order` object, nested as DRF nests it.
    expect(error.body).toEqual({ order: { channel_order_id: [expect.stringContaining('idempotent-1')] } });
  });

  it('accepts the legacy spellings (depth_combinations, dc_code, use_date, channel_order_code, numbers for money)', async () => {
    const { body } = await orderFor(sim.client, TOUR.manual, 1);
    const [line] = body.options;
    const { option_code, inventory_at, ...rest } = line!;
    const { channel_order_id, ...order } = body.order;
    const legacy = {
      depth_combinations: [
        {
          ...rest,
          dc_code: option_code,
          use_date: inventory_at.replace('T', ' ').replace('Z', ''),
          unit_selling_price: 2222,
          discount: 22,
        },
      ],
      order: { ...order, channel_order_code: `legacy-${channel_order_id}` },
      purchaser: body.purchaser,
      representative: body.representative,
    };
    const answer = await sim.client.raw('POST', '/v1/channel/orders/tour', { body: legacy });
    expect(answer.status).toBe(201);
    const data = (answer.data as AxCloudComponents['schemas']['CreateOrderResponse']).data;
    expect(data.channel_order_code).toBe(`legacy-${channel_order_id}`);
    expect(data.depth_combinations[0]!.dc_code).toBe(option_code);
  });

  it('requires every RTI key the product marks true', async () => {
    const { body, mappingCode } = await orderFor(sim.client, TOUR.manual, 1);
    const detail = await sim.client.getTourProduct({ path: { product_code: TOUR.manual } });
    const required = Object.entries(detail.data.required_traveler_information).filter(([, v]) => v);
    expect(required.length).toBeGreaterThan(0);
    const bare = {
      ...body,
      representative: { ...body.representative, additional: {} },
      options: body.options.map((o) => ({
        ...o,
        channel_product_mapping_code: mappingCode,
        tickets: o.tickets.map((t) => ({ ...t, additional: {} })),
      })),
    };
    const error = (await sim.client.createTourOrder({ body: bare }).catch((e: unknown) => e)) as AxCloudError;
    expect(error.status).toBe(400);
    expect(JSON.stringify(error.body)).toContain(required[0]![0]);
  });

  it('follows each supplier profile on the virtual clock', async () => {
    const place = async (product: string) => {
      const { body } = await orderFor(sim.client, product);
      return (await sim.client.createTourOrder({ body })).data.data.depth_combinations[0]!.ax_order_code;
    };
    const instant = await place(TOUR.instant);
    const delayed = await place(TOUR.delayed);
    const rejected = await place(TOUR.reject);
    const manual = await place(TOUR.manual);
    expect(await confirmStatus(sim.client, instant)).toBe('Supplier confirm');
    expect(await confirmStatus(sim.client, delayed)).toBe('New');

    await sim.client.advanceClock({ body: { seconds: 61 } });
    expect(await confirmStatus(sim.client, delayed)).toBe('Supplier pending');
    await sim.client.advanceClock({ body: { seconds: 5 * 60 } });
    expect(await confirmStatus(sim.client, rejected)).toBe('Supplier reject');
    await sim.client.advanceClock({ body: { seconds: 30 * 60 } });
    expect(await confirmStatus(sim.client, delayed)).toBe('Supplier confirm');
    expect(await confirmStatus(sim.client, manual)).toBe('New');

    await sim.client.actAsSupplierOnOrder({
      path: { ax_order_code: manual },
      body: { action: 'reject', comment: '재고 없음' },
    });
    const confirm = await sim.client.getTourOrderConfirm({ path: { ax_order_code: manual } });
    expect(confirm.data.data[0]).toMatchObject({ ax_order_status: 'Supplier reject', comment: '재고 없음' });
    const cancel = (await sim.client
      .cancelTourOrder({ path: { ax_order_code: manual }, body: { channel_status: 'Traveler cancel' } })
      .catch((e: unknown) => e)) as AxCloudError;
    expect(cancel.status).toBe(400);
  });

  it('cancels a ticket once under concurrent requests and restores exactly one unit', async () => {
    const { body, entry, optionCode } = await orderFor(sim.client, TOUR.manual, 2);
    const created = await sim.client.createTourOrder({ body });
    const line = created.data.data.depth_combinations[0]!;
    const path = { ax_order_code: line.ax_order_code, ticket_code: line.tickets[0]!.ax_ticket_code };
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        sim.client.cancelTourTicket({ path, body: { status: 'Traveler Canceled' } }),
      ),
    );
    for (const a of answers) expect(a.data.data.ax_ticket_status).toBe('Traveler canceled');
    const inventory = await sim.client.getTourInventory({
      path: { product_code: TOUR.manual },
      query: { page: 1, page_size: 60 },
    });
    const now = inventory.data.option_codes[optionCode]!.find(
      (e) => e.inventory_code === entry.inventory_code,
    )!;
    expect(now.remain_quantity).toBe(entry.remain_quantity - 1);
  });
});

describe('catalogue changes', () => {
  it('lists a registered product in the latest list after a new version, until it is registered again', async () => {
    await register(sim.client, TOUR.delayed);
    expect((await sim.client.listTourProductUpdates()).data.data).toEqual([]);
    const published = await sim.client.publishProductVersion({
      path: { product_code: TOUR.delayed },
      body: { contents: { product_sub_title: '새 부제목' } },
    });
    const updates = await sim.client.listTourProductUpdates();
    expect(updates.status).toBe(201);
    expect(updates.data.data).toEqual([
      expect.objectContaining({ product_code: TOUR.delayed, version: published.data.version }),
    ]);
    const detail = await sim.client.getTourProduct({ path: { product_code: TOUR.delayed } });
    expect(detail.data.contents.product_sub_title).toBe('새 부제목');
    await register(sim.client, TOUR.delayed);
    expect((await sim.client.listTourProductUpdates()).data.data).toEqual([]);
    // The other channel never saw the new version.
    const theirs = await sim.other.getTourProduct({ path: { product_code: TOUR.delayed } });
    expect(theirs.data.contents.product_sub_title).not.toBe('새 부제목');
  });

  it('serves the documented singular day-ticket latest-list path as an alias', async () => {
    const answer = await sim.client.raw('GET', '/v1/channel/product/day-ticket/update');
    expect(answer.status).toBe(201);
    expect(answer.data).toEqual({ status_code: 201, data: [] });
  });
});

describe('questions', () => {
  it('creates, refuses duplicates and null bodies, and answers through the control API', async () => {
    const path = { product_code: TOUR.manual };
    const question = {
      question_code: 'q-1',
      title: '집합 장소?',
      body: '어디서 만나나요?',
      is_public: true,
      quested_at: '2026-01-21 10:00',
    };
    expect((await sim.client.createTourQuestion({ path, body: question })).data).toEqual({
      status_code: 201,
      question_code: 'q-1',
    });
    const dup = (await sim.client
      .createTourQuestion({ path, body: question })
      .catch((e: unknown) => e)) as AxCloudError;
    expect(Object.keys(dup.body as object)).toEqual(['question_code']);
    const nullBody = await sim.client.raw('POST', `/v1/channel/question/tour/${TOUR.manual}`, {
      body: { ...question, question_code: 'q-2', body: null },
    });
    expect(nullBody.status).toBe(400);
    expect(nullBody.data).toEqual({ body: ['이 필드는 null일 수 없습니다.'] });

    const answerPath = { ...path, question_code: 'q-1' };
    expect((await sim.client.getTourAnswer({ path: answerPath })).data.data).toEqual({
      question_code: 'q-1',
      is_answered: false,
      answer: null,
    });
    await sim.client.answerQuestion({ path: { question_code: 'q-1' }, body: { body: '호텔 로비입니다.' } });
    const answered = (await sim.client.getTourAnswer({ path: answerPath })).data.data;
    expect(answered.is_answered).toBe(true);
    expect(answered.answer?.body).toBe('호텔 로비입니다.');
  });
});

describe('control API', () => {
  it('injects faults for a number of calls, then lets requests through', async () => {
    await sim.client.putFaults({
      body: { rules: [{ method: 'GET', path: '/v1/channel/products/*', status: 503, times: 2 }] },
    });
    expect((await sim.client.raw('GET', '/v1/channel/products/tour')).status).toBe(503);
    expect((await sim.client.raw('GET', '/v1/channel/products/tour')).status).toBe(503);
    expect((await sim.client.raw('GET', '/v1/channel/products/tour')).status).toBe(200);
    expect((await sim.client.getFaults()).data.rules).toEqual([]);
    // The other channel is never affected.
    await sim.client.putFaults({ body: { rules: [{ path: '/**', status: 500 }] } });
    expect((await sim.other.raw('GET', '/v1/channel/products/tour')).status).toBe(200);
    await sim.client.deleteFaults();
  });

  it('journals the channel’s requests, newest first', async () => {
    await sim.client.listTourProducts({ query: { page: 2, page_size: 1 } });
    const journal = await sim.client.getJournal({ query: { limit: 1 } });
    expect(journal.data.entries).toHaveLength(1);
    expect(journal.data.entries[0]).toMatchObject({
      method: 'GET',
      path: '/v1/channel/products/tour?page=2&page_size=1',
      status: 200,
    });
  });

  it('exports a channel’s world, and imports it into another channel', async () => {
    const exported = await sim.client.exportState();
    expect(Object.keys(exported.data.state.orders as object).length).toBeGreaterThan(0);
    await sim.other.importState({ body: exported.data });
    const theirs = await sim.other.listSimOrders();
    const ours = await sim.client.listSimOrders();
    expect(theirs.data.orders.map((o) => o.ax_order_code).sort()).toEqual(
      ours.data.orders.map((o) => o.ax_order_code).sort(),
    );
    const bad = await sim.other.raw('PUT', '/__sim/state', { body: { format: 'nope' } });
    expect(bad.status).toBe(400);
    await sim.other.resetSandbox();
    expect((await sim.other.listSimOrders()).data.orders).toEqual([]);
    expect((await sim.client.listSimOrders()).data.orders.length).toBeGreaterThan(0);
  });

  it('answers 404 for another channel’s order codes', async () => {
    const code = (await sim.client.listSimOrders()).data.orders[0]!.ax_order_code;
    const error = (await sim.other
      .actAsSupplierOnOrder({ path: { ax_order_code: code }, body: { action: 'confirm' } })
      .catch((e: unknown) => e)) as AxCloudError;
    expect(error).toBeInstanceOf(AxCloudError);
    expect(error.status).toBe(404);
  });
});
