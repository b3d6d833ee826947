import type { FastifyInstance } from 'fastify';
import { SUPPLIER_TEST_PRODUCTS } from '../../fixtures/catalog.ts';
import {
  type CHANNELS,
  caller,
  type FamilyName,
  inventoryAtOf,
  type ListedEntry,
  orderBody,
  register,
  succeeding,
} from './sandbox.ts';

/**
 * A small world in a channel, built through the HTTP API (app.inject): every supplier test product
 * registered, manual and instant-confirm orders in both families (one ticket cancelled and refunded, so
 * more refunds can be synced), a question and a review per family, a re-published product. Returns every code it made, for tests that need real
 * codes in paths and bodies.
 */

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

export async function buildWorld(app: FastifyInstance, channel: (typeof CHANNELS)[number]): Promise<World> {
  const { key } = channel;
  const call = succeeding(caller(app, key));
  await call('POST', '/__sim/reset');
  const world: World = { channel: channel.code, key, products: [], orders: [], questions: [], reviews: [] };
  for (const p of SUPPLIER_TEST_PRODUCTS) {
    const registered = await register(caller(app, key), p.family, p.code);
    const inventory = await call('GET', `/v1/channel/inventory/${p.family}/${p.code}?page=1&page_size=100`);
    const slots: Record<string, string[]> = {};
    for (const [optionCode, entries] of Object.entries(
      inventory.option_codes as Record<string, ListedEntry[]>,
    )) {
      slots[optionCode] = entries
        .filter((e) => e.is_order !== false && e.remain_quantity >= 3)
        .map(inventoryAtOf);
    }
    world.products.push({
      code: p.code,
      family: p.family,
      profile: p.profile,
      options: Object.entries(registered.names).map(([code, name]) => ({ code, name })),
      rti: registered.rti,
      mappingCode: registered.mappingCode,
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
      const created = (await call('POST', `/v1/channel/orders/${product.family}`, body)) as {
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
        await call('PATCH', ticketPath, { status: 'Traveler canceled' });
        await call('POST', `${ticketPath}/refund`, {
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
    await call('POST', `/v1/channel/question/${family}/${product.code}`, {
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
    const created = (await call('POST', `/v1/channel/review/${family}/${product.code}`, review)) as {
      review_code: string;
    };
    world.reviews.push({ family, productCode: product.code, code: created.review_code });
  }
  // A re-published product, so that the state holds every collection.
  const rejecting = world.products.find((p) => p.profile === 'always-reject')!;
  await call('POST', `/__sim/products/${rejecting.code}/versions`, {
    contents: { product_sub_title: '새 부제목' },
  });
  return world;
}

/** The channel's exported state, as JSON text (for before/after comparisons). */
export async function exportText(app: FastifyInstance, channel: string): Promise<string> {
  return JSON.stringify(await app.sim.exportState(channel));
}
