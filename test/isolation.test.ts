import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatorComponents } from '../client/index.ts';
import { buildSimulator } from '../server/app.ts';
import { DEFAULT_CHANNELS } from '../server/sandbox.ts';
import { buildWorld, type World } from './support/fixture.ts';
import { operation, specOperations } from './support/openapi.ts';
import { CHANNELS, caller, type FamilyName, orderBody } from './support/sandbox.ts';

/**
 * Channel isolation, operation by operation, enumerated from both documents so that a new operation
 * cannot be forgotten: channel B (`demo-key-2`) calls every operation with channel A's codes — orders,
 * tickets, questions, reviews, A's registrations and A's re-published product versions. Codes are 404;
 * reads show B exactly what a fresh channel sees (a third channel that nobody touches); B's writes land
 * in B's own world. A's exported state, fault rules and request journal are identical before and after.
 */

type SimSchemas = SimulatorComponents['schemas'];

const NOW = Date.UTC(2026, 2, 1, 9, 0, 0);
const [A, B] = CHANNELS;
const REF = { code: 'reference-channel', key: 'reference-key' };

let app: FastifyInstance;
let world: World;
/** A's state, faults and journal, before B does anything. */
let before: string;

/** Channel-API requests B has made: B's journal must hold exactly these. */
let requestsOfB = 0;

async function call(
  key: string,
  method: string,
  url: string,
  body?: unknown,
  headers?: Record<string, string>,
) {
  if (key === B.key && url.startsWith('/v1/')) requestsOfB++;
  const { status, body: answered } = await caller(app, key)(method, url, body, headers);
  // Status and body only: whole answers are compared between channels.
  return { status, body: answered };
}

async function stateOfA(): Promise<string> {
  const state = await call(A.key, 'GET', '/__sim/state');
  const faults = await call(A.key, 'GET', '/__sim/faults');
  const journal = await call(A.key, 'GET', '/__sim/journal?limit=1000');
  return JSON.stringify([state, faults, journal]);
}

const NOT_FOUND = { status: 404, body: { detail: '찾을 수 없습니다.' } };

beforeAll(async () => {
  app = await buildSimulator({
    realNow: () => NOW,
    channels: [...DEFAULT_CHANNELS, { code: REF.code, apiKey: REF.key }],
  });
  world = await buildWorld(app, A);
  // A re-publishes a product twice (version 3), sets fault rules on everything, moves its clock.
  const published = world.products.find((p) => p.family === 'tour' && p.profile === 'manual')!;
  for (let i = 0; i < 2; i++) {
    const answer = await call(A.key, 'POST', `/__sim/products/${published.code}/versions`, {
      contents: { product_sub_title: `A's version ${i + 2}` },
    });
    expect(answer.status).toBe(201);
  }
  await call(A.key, 'PUT', '/__sim/faults', { rules: [{ path: '/**', status: 503, id: 'a-only' }] });
  await call(A.key, 'POST', '/__sim/clock/advance', { seconds: 86_400 });
  before = await stateOfA();
});

afterAll(async () => {
  await app?.close();
});

// ---------------------------------------------------------------------------------------------------
// What B does with each operation, and what it must get

const ofFamily = <T extends { family: FamilyName }>(list: T[], family: FamilyName) =>
  list.filter((x) => x.family === family);
const orderOf = (family: FamilyName) => ofFamily(world.orders, family)[0]!;
const questionOf = (family: FamilyName) => ofFamily(world.questions, family)[0]!;
const reviewOf = (family: FamilyName) => ofFamily(world.reviews, family)[0]!;
const republished = () => world.products.find((p) => p.family === 'tour' && p.profile === 'manual')!;
const productOf = (family: FamilyName) =>
  world.products.find((p) => p.family === family && p.profile === 'manual')!;
const fam = (family: FamilyName) => (family === 'tour' ? 'tour' : 'day-ticket');

/** B's answer equals what the untouched reference channel gets for the same request. */
async function sameAsFresh(method: string, url: string, body?: unknown) {
  const theirs = await call(B.key, method, url, body);
  const fresh = await call(REF.key, method, url, body);
  expect(theirs.status, url).toBeLessThan(300);
  expect(theirs, url).toEqual(fresh);
  return theirs;
}

/**
 * Phase 1 runs first: reads that compare B with the fresh channel, before B has written anything; then
 * B's writes (2), then the writes that give B things of its own under A's codes (3).
 */
type Case = { phase: 1 | 2 | 3; run: () => Promise<void> };

function familyCases(family: FamilyName): Record<string, Case> {
  const F = family === 'tour' ? 'Tour' : 'DayTicket';
  const f = fam(family);
  return {
    [`list${F}Products`]: {
      phase: 1,
      run: async () => void (await sameAsFresh('GET', `/v1/channel/products/${f}?page_size=100`)),
    },
    [`list${F}ProductUpdates`]: {
      phase: 1,
      run: async () => {
        const answer = await sameAsFresh('GET', `/v1/channel/products/${f}/update`);
        expect(answer.body).toEqual({ status_code: 201, data: [] });
      },
    },
    [`get${F}Product`]: {
      phase: 1,
      run: async () => {
        // Including the product A re-published: B sees the catalogue's version.
        for (const product of ofFamily(world.products, family)) {
          await sameAsFresh('GET', `/v1/channel/products/${f}/${product.code}`);
        }
      },
    },
    [`get${F}Price`]: {
      phase: 1,
      run: async () => {
        for (const product of ofFamily(world.products, family))
          await sameAsFresh('GET', `/v1/channel/price/${f}/${product.code}`);
      },
    },
    [`get${F}Inventory`]: {
      phase: 1,
      run: async () => {
        // A's orders took stock; B's stock is untouched.
        for (const product of ofFamily(world.products, family)) {
          await sameAsFresh('GET', `/v1/channel/inventory/${f}/${product.code}?page_size=100`);
        }
      },
    },
    [`get${F}OrderConfirm`]: {
      phase: 1,
      run: async () => {
        for (const order of ofFamily(world.orders, family)) {
          expect(await call(B.key, 'GET', `/v1/channel/orders/${f}/${order.code}`)).toEqual(NOT_FOUND);
        }
      },
    },
    [`get${F}Answer`]: {
      phase: 1,
      run: async () => {
        const q = questionOf(family);
        expect(await call(B.key, 'GET', `/v1/channel/question/${f}/${q.productCode}/${q.code}`)).toEqual(
          NOT_FOUND,
        );
      },
    },
    [`register${F}Product`]: {
      phase: 2,
      run: async () => {
        const product = family === 'tour' ? republished() : productOf(family);
        const answer = await call(B.key, 'POST', `/v1/channel/products/${f}/registration/${product.code}`, {
          mapping_data: Object.fromEntries(product.options.map((o) => [o.code, o.name])),
          channel_product_name: `fixture ${product.code}`,
          channel_product_link: 'https://channel.example.com/p',
          channel_product_id: `fixture-${product.code}`,
        });
        // B registers its own view (the catalogue's version 1), under its own mapping code.
        expect(answer.status).toBe(201);
        const data = (answer.body as { data: { channel_product_mapping_code: string; version: number } })
          .data;
        expect(data.version).toBe(1);
        expect(data.channel_product_mapping_code).not.toBe(product.mappingCode);
      },
    },
    [`create${F}Order`]: {
      phase: 2,
      run: async () => {
        const product = productOf(family);
        const order = orderOf(family);
        // A's own channel order id too: B's orders are B's, A's idempotency records are not consulted.
        const answer = await call(
          B.key,
          'POST',
          `/v1/channel/orders/${f}`,
          orderBody({
            mappingCode: product.mappingCode,
            optionCode: product.options[0]!.code,
            inventoryAt: product.slots[product.options[0]!.code]![5]!,
            channelOrderId: order.channelOrderCode,
          }),
        );
        // A's mapping code means nothing to B.
        expect(answer.status).toBe(400);
        expect(answer.body).toEqual({ options: [{ channel_product_mapping_code: [expect.any(String)] }] });
      },
    },
    [`cancel${F}Order`]: {
      phase: 2,
      run: async () => {
        for (const order of ofFamily(world.orders, family)) {
          for (const channel_status of ['Traveler cancel', 'Unavoidable cancel', 'New']) {
            expect(
              await call(B.key, 'PATCH', `/v1/channel/orders/${f}/${order.code}`, { channel_status }),
            ).toEqual(NOT_FOUND);
          }
        }
      },
    },
    [`cancel${F}Ticket`]: {
      phase: 2,
      run: async () => {
        for (const order of ofFamily(world.orders, family)) {
          for (const ticket of order.tickets) {
            const url = `/v1/channel/orders/${f}/${order.code}/tickets/${ticket}`;
            expect(await call(B.key, 'PATCH', url, { status: 'Traveler canceled' })).toEqual(NOT_FOUND);
          }
        }
      },
    },
    [`refund${F}Ticket`]: {
      phase: 2,
      run: async () => {
        const order = orderOf(family);
        const refund = {
          channel_refunded_price: '2200',
          channel_canceled_at: '2026-01-20 21:13:13',
          channel_refunded_at: '2026-01-20 23:24:29',
          channel_policy: { '0': '1', '100': '7' },
        };
        for (const suffix of ['refund', 'refunds']) {
          for (const method of ['POST', 'PATCH']) {
            const url = `/v1/channel/orders/${f}/${order.code}/tickets/${order.tickets[0]}/${suffix}`;
            expect(await call(B.key, method, url, refund)).toEqual(NOT_FOUND);
          }
        }
      },
    },
    ...(family === 'tour'
      ? {
          createTourReview: {
            phase: 2,
            run: async () => {
              const review = reviewOf('tour');
              const answer = await call(B.key, 'POST', `/v1/channel/review/tour/${review.productCode}`, {
                review_code: review.code,
                score_type: 'ONE_FIVE_STAR',
                score: 1,
                title: "B's own review",
                reviewed_at: '2026-01-22 10:00',
              });
              // A used this review code with other content; for B it is new.
              expect(answer.status).toBe(201);
            },
          },
        }
      : {
          createDayTicketReview: {
            phase: 2,
            run: async () => {
              const review = reviewOf('day-ticket');
              const answer = await call(
                B.key,
                'POST',
                `/v1/channel/review/day-ticket/${review.productCode}`,
                {
                  review_score_type: 'NO_SCORE',
                  body: '좋아요',
                  reviewed_at: '2026-01-22 10:00',
                },
              );
              expect(answer.status).toBe(201);
              // The same content as A's review, yet B's review has B's own code.
              expect((answer.body as { review_code: string }).review_code).not.toBe(review.code);
            },
          },
        }),
    [`create${F}Question`]: {
      // After B's answerQuestion with A's codes (phase 2), which must not find B's own question.
      phase: 3,
      run: async () => {
        const q = questionOf(family);
        const answer = await call(B.key, 'POST', `/v1/channel/question/${f}/${q.productCode}`, {
          question_code: q.code,
          title: "B's question",
          is_public: true,
          quested_at: '2026-01-21 10:00',
        });
        // Question codes are unique per channel: A's code is free in B.
        expect(answer.status).toBe(201);
      },
    },
  };
}

const cases: Record<string, Case> = {
  ...familyCases('tour'),
  ...familyCases('day-ticket'),
  getHealth: {
    phase: 1,
    run: async () => expect((await call(B.key, 'GET', '/__sim/health')).status).toBe(200),
  },
  getClock: { phase: 1, run: async () => void (await sameAsFresh('GET', '/__sim/clock')) },
  listSimOrders: {
    phase: 1,
    run: async () =>
      expect((await sameAsFresh('GET', '/__sim/orders')).body).toEqual({ orders: [], count: 0, next: null }),
  },
  listSimRefunds: {
    phase: 1,
    run: async () =>
      expect((await sameAsFresh('GET', '/__sim/refunds')).body).toEqual({
        refunds: [],
        count: 0,
        next: null,
      }),
  },
  listSimReviews: {
    phase: 1,
    run: async () =>
      expect((await sameAsFresh('GET', '/__sim/reviews')).body).toEqual({
        reviews: [],
        count: 0,
        next: null,
      }),
  },
  listSimQuestions: {
    phase: 1,
    run: async () =>
      expect((await sameAsFresh('GET', '/__sim/questions')).body).toEqual({
        questions: [],
        count: 0,
        next: null,
      }),
  },
  listSimProducts: {
    phase: 1,
    run: async () => void (await sameAsFresh('GET', '/__sim/products?limit=1000')),
  },
  getSimInventory: {
    phase: 1,
    run: async () => {
      for (const product of world.products) {
        await sameAsFresh('GET', `/__sim/products/${product.code}/inventory?days=60`);
      }
    },
  },
  streamEvents: {
    phase: 1,
    run: async () => {
      // B's events are B's own requests only (all reads so far): none of A's orders, refunds,
      // registrations or questions, and as many requests as B made.
      const answer = await call(B.key, 'GET', '/__sim/events');
      expect(answer.status).toBe(200);
      const events = (answer.body as { events: SimSchemas['SimEvent'][] }).events;
      expect(events.filter((e) => e.type !== 'request')).toEqual([]);
      expect(events).toHaveLength(requestsOfB);
      expect(new Set(events.map((e) => e.data.method))).toEqual(new Set(['GET']));
    },
  },
  getFaults: {
    phase: 1,
    run: async () => expect((await sameAsFresh('GET', '/__sim/faults')).body).toEqual({ rules: [] }),
  },
  getJournal: {
    phase: 1,
    run: async () => {
      // B's own requests only (all reads so far): none of A's order creates, registrations, cancels.
      const journal = await call(B.key, 'GET', '/__sim/journal?limit=1000');
      expect(journal.status).toBe(200);
      const entries = (journal.body as { entries: SimSchemas['JournalEntry'][] }).entries;
      expect(entries).toHaveLength(requestsOfB);
      expect(new Set(entries.map((e) => e.method))).toEqual(new Set(['GET']));
      const answers = JSON.stringify(entries.map((e) => e.response_body));
      for (const product of world.products) expect(answers).not.toContain(product.mappingCode);
      expect(answers).not.toContain('fixture-question');
    },
  },
  exportState: {
    phase: 1,
    run: async () => {
      const theirs = (await call(B.key, 'GET', '/__sim/state')).body as { state: unknown };
      const fresh = (await call(REF.key, 'GET', '/__sim/state')).body as {
        state: { meta: { meta: object } };
      };
      expect(theirs.state).toEqual({
        ...fresh.state,
        meta: { meta: { ...fresh.state.meta.meta, channel: B.code } },
      });
    },
  },
  actAsSupplierOnOrder: {
    phase: 2,
    run: async () => {
      for (const order of world.orders) {
        for (const action of ['pending', 'confirm', 'reject', 'unavoidable-cancel']) {
          expect(await call(B.key, 'POST', `/__sim/orders/${order.code}/supplier`, { action })).toEqual(
            NOT_FOUND,
          );
        }
      }
    },
  },
  actAsSupplierOnTicket: {
    phase: 2,
    run: async () => {
      for (const order of world.orders) {
        for (const action of ['use', 'cancel']) {
          const url = `/__sim/orders/${order.code}/tickets/${order.tickets[1]}/supplier`;
          expect(await call(B.key, 'POST', url, { action })).toEqual(NOT_FOUND);
        }
      }
    },
  },
  answerQuestion: {
    phase: 2,
    run: async () => {
      for (const q of world.questions) {
        expect(
          await call(B.key, 'POST', `/__sim/questions/${q.code}/answer`, { body: "B's answer" }),
        ).toEqual(NOT_FOUND);
      }
    },
  },
  publishProductVersion: {
    phase: 2,
    run: async () => {
      // A is at version 3 of this product; B's first change makes B's version 2.
      const answer = await call(B.key, 'POST', `/__sim/products/${republished().code}/versions`, {
        contents: { product_sub_title: "B's" },
      });
      expect(answer).toEqual({ status: 201, body: { product_code: republished().code, version: 2 } });
    },
  },
  advanceClock: {
    phase: 2,
    run: async () =>
      expect((await call(B.key, 'POST', '/__sim/clock/advance', { seconds: 3_600 })).status).toBe(200),
  },
  putFaults: {
    phase: 2,
    run: async () => {
      expect(
        (await call(B.key, 'PUT', '/__sim/faults', { rules: [{ id: 'a-only', path: '/v1/**', delayMs: 1 }] }))
          .status,
      ).toBe(200);
    },
  },
  deleteFaults: {
    phase: 2,
    run: async () => expect((await call(B.key, 'DELETE', '/__sim/faults')).status).toBe(200),
  },
  seedWorld: {
    phase: 2,
    run: async () => {
      // B's demo world is B's alone (the loop checks A after every case).
      expect((await call(B.key, 'POST', '/__sim/world', { seed: 2 })).status).toBe(200);
    },
  },
  resetSandbox: {
    phase: 2,
    run: async () => expect((await call(B.key, 'POST', '/__sim/reset')).status).toBe(200),
  },
  importState: {
    phase: 2,
    run: async () => {
      // B may copy A's exported world into B; what B then does to it stays in B.
      const exported = (await call(A.key, 'GET', '/__sim/state')).body;
      expect((await call(B.key, 'PUT', '/__sim/state', exported)).status).toBe(200);
      const order = orderOf('tour');
      const copy = await call(B.key, 'PATCH', `/v1/channel/orders/tour/${order.code}`, {
        channel_status: 'Traveler cancel',
      });
      expect(copy.status).toBe(200);
      expect(
        await call(B.key, 'POST', `/__sim/orders/${orderOf('day-ticket').code}/supplier`, {
          action: 'unavoidable-cancel',
        }),
      ).toMatchObject({ status: 200 });
      await call(B.key, 'POST', '/__sim/reset');
    },
  },
};

describe('channel isolation', () => {
  it('has a case for every operation of both documents', () => {
    expect(Object.keys(cases).sort()).toEqual(
      specOperations()
        .map((o) => o.operationId)
        .sort(),
    );
  });

  it('B with A’s codes: 404 for A’s things, a fresh channel’s view for reads, its own world for writes; A unchanged', async () => {
    for (const phase of [1, 2, 3] as const) {
      for (const [operationId, c] of Object.entries(cases)) {
        if (c.phase !== phase) continue;
        try {
          await c.run();
        } catch (error) {
          throw new Error(`${operationId}: ${(error as Error).message}`);
        }
        expect(await stateOfA(), `A changed after B's ${operationId}`).toBe(before);
      }
    }
  });

  it('B’s key claiming A’s channel is 403 on every authenticated operation, and changes nothing', async () => {
    for (const op of specOperations()) {
      if (op.isPublic) continue;
      const url = op.path.replace(/\{[^}]+\}/g, () => orderOf('tour').code);
      const answer = await call(B.key, op.method, url, op.requestBody ? {} : undefined, {
        channel: `Code ${A.code}`,
      });
      expect(answer, op.operationId).toEqual({
        status: 403,
        body: { detail: '이 작업을 수행할 권한(permission)이 없습니다.' },
      });
    }
    expect(await stateOfA()).toBe(before);
    expect(operation('getHealth').isPublic).toBe(true);
  });
});
