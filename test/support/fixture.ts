import type { FastifyInstance } from 'fastify';
import { SUPPLIER_TEST_PRODUCTS } from '../../fixtures/catalog.ts';
import { orderBody } from './sandbox.ts';

/**
 * A small world in a channel, built through the HTTP API (app.inject): every supplier test product
 * registered, manual and instant-confirm orders in both families (one ticket cancelled and refunded, so
 * more refunds can be synced), a question and a review per family, a re-published product. Returns every code it made, for tests that need real
 * codes in paths and bodies.
 */

export const CHANNELS = [
  { code: 'demo-channel', key: 'demo-key' },
  { code: 'demo-channel-2', key: 'demo-key-2' },
] as const;

export type FamilyName = 'tour' | 'day-ticket';

export interface ProductFixture {
  code: string;
  family: FamilyName;
  profile: string;
  options: Array<{ code: string; name: string }>;
  rti: Record<string, boolean>;
  mappingCode: string;
  /** Orderable inventory per option code, as `inventory_at` values. */
  slots: Record<string, string[]>;
}

export interface OrderFixture {
  family: FamilyName;
  code: string;
  channelOrderCode: string;
  productCode: string;
  tickets: string[];
}

export interface World {
  channel: string;
  key: string;
  products: ProductFixture[];
  orders: OrderFixture[];
  questions: Array<{ family: FamilyName; productCode: string; code: string }>;
  reviews: Array<{ family: FamilyName; productCode: string; code: string }>;
}

type Injected = { statusCode: number; body: string };

async function call(
  app: FastifyInstance,
  key: string,
  method: string,
  url: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const answer = (await app.inject({
    method: method as 'GET',
    url,
    headers: {
      authorization: `Token ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    payload: body === undefined ? undefined : JSON.stringify(body),
  })) as Injected;
  if (answer.statusCode >= 300) throw new Error(`${method} ${url} → ${answer.statusCode} ${answer.body}`);
  return JSON.parse(answer.body) as Record<string, unknown>;
}

export async function buildWorld(app: FastifyInstance, channel: (typeof CHANNELS)[number]): Promise<World> {
  const { key } = channel;
  await call(app, key, 'POST', '/__sim/reset');
  const world: World = { channel: channel.code, key, products: [], orders: [], questions: [], reviews: [] };
  for (const p of SUPPLIER_TEST_PRODUCTS) {
    const base = `/v1/channel/${p.family === 'tour' ? 'products/tour' : 'products/day-ticket'}`;
    const detail = (await call(app, key, 'GET', `${base}/${p.code}`)) as {
      options: Array<{ option_code: string; option_name: string }>;
      required_traveler_information: Record<string, boolean>;
    };
    const options = detail.options.map((o) => ({ code: o.option_code, name: o.option_name }));
    const registered = (await call(app, key, 'POST', `${base}/registration/${p.code}`, {
      mapping_data: Object.fromEntries(options.map((o) => [o.code, o.name])),
      channel_product_name: `fixture ${p.code}`,
      channel_product_link: 'https://channel.example.com/p',
      channel_product_id: `fixture-${p.code}`,
    })) as { data: { channel_product_mapping_code: string } };
    const inventory = (await call(
      app,
      key,
      'GET',
      `/v1/channel/inventory/${p.family}/${p.code}?page=1&page_size=100`,
    )) as {
      option_codes: Record<
        string,
        Array<{ date: string; start_time?: string; is_order?: boolean; remain_quantity: number }>
      >;
    };
    const slots: Record<string, string[]> = {};
    for (const [optionCode, entries] of Object.entries(inventory.option_codes)) {
      slots[optionCode] = entries
        .filter((e) => e.is_order !== false && e.remain_quantity >= 3)
        .map((e) => `${e.date}T${e.start_time ?? '00:00'}:00Z`);
    }
    world.products.push({
      code: p.code,
      family: p.family,
      profile: p.profile,
      options,
      rti: detail.required_traveler_information,
      mappingCode: registered.data.channel_product_mapping_code,
      slots,
    });
  }
  for (const product of world.products.filter(
    (p) => p.profile === 'manual' || p.profile === 'instant-confirm',
  )) {
    for (let n = 0; n < 2; n++) {
      const option = product.options[0]!;
      const channelOrderId = `fixture-${product.code}-${n}`;
      const body = orderBody({
        mappingCode: product.mappingCode,
        optionCode: option.code,
        inventoryAt: product.slots[option.code]![n]!,
        quantity: 2,
        channelOrderId,
        rti: product.rti,
      });
      const created = (await call(app, key, 'POST', `/v1/channel/orders/${product.family}`, body)) as {
        data: {
          depth_combinations: Array<{ ax_order_code: string; tickets: Array<{ ax_ticket_code: string }> }>;
        };
      };
      const line = created.data.depth_combinations[0]!;
      const order: OrderFixture = {
        family: product.family,
        code: line.ax_order_code,
        channelOrderCode: channelOrderId,
        productCode: product.code,
        tickets: line.tickets.map((t) => t.ax_ticket_code),
      };
      world.orders.push(order);
      if (n === 0) {
        const ticketPath = `/v1/channel/orders/${product.family}/${order.code}/tickets/${order.tickets[0]}`;
        await call(app, key, 'PATCH', ticketPath, { status: 'Traveler canceled' });
        await call(app, key, 'POST', `${ticketPath}/refund`, {
          channel_refunded_price: '2200',
          channel_canceled_at: '2026-01-20 21:13:13',
          channel_refunded_at: '2026-01-20 23:24:29',
          channel_policy: { '0': '1', '50': '3', '100': '7' },
        });
      }
    }
  }
  for (const family of ['tour', 'day-ticket'] as const) {
    const product = world.products.find((p) => p.family === family && p.profile === 'manual')!;
    const code = `fixture-question-${family}`;
    await call(app, key, 'POST', `/v1/channel/question/${family}/${product.code}`, {
      question_code: code,
      title: '집합 장소?',
      body: '어디서 만나나요?',
      is_public: true,
      quested_at: '2026-01-21 10:00',
    });
    world.questions.push({ family, productCode: product.code, code });
    const review =
      family === 'tour'
        ? {
            review_code: 'fixture-review',
            score_type: 'ONE_FIVE_STAR',
            score: 5,
            title: '좋아요',
            reviewed_at: '2026-01-22 10:00',
          }
        : { review_score_type: 'NO_SCORE', body: '좋아요', reviewed_at: '2026-01-22 10:00' };
    const created = (await call(
      app,
      key,
      'POST',
      `/v1/channel/review/${family}/${product.code}`,
      review,
    )) as {
      review_code: string;
    };
    world.reviews.push({ family, productCode: product.code, code: created.review_code });
  }
  // A re-published product, so that the state holds every collection.
  const rejecting = world.products.find((p) => p.profile === 'always-reject')!;
  await call(app, key, 'POST', `/__sim/products/${rejecting.code}/versions`, {
    contents: { product_sub_title: '새 부제목' },
  });
  return world;
}

/** The channel's exported state, as JSON text (for before/after comparisons). */
export async function exportText(app: FastifyInstance, channel: string): Promise<string> {
  return JSON.stringify(await app.sim.exportState(channel));
}
