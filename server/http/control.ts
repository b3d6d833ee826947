import type { operations } from '../../client/generated/simulator.ts';
import { publishVersion } from '../domain/catalog.ts';
import { apiError } from '../domain/errors.ts';
import { answerQuestion } from '../domain/feedback.ts';
import { supplierActOnOrder, supplierActOnTicket } from '../domain/supplier.ts';
import { CLOCK_LIMIT_MS, formatRfc3339 } from '../domain/time.ts';
import {
  type ChannelState,
  metaChange,
  type Order,
  type Question,
  type Refund,
  type Review,
} from '../domain/types.ts';
import type { Sandboxes } from '../sandbox.ts';
import type { SharedFaults } from '../store/postgres/faults.ts';
import type { FaultRule, FaultRules } from './faults.ts';
import { answerOf } from './feedback.ts';
import type { RequestJournal } from './request-journal.ts';
import type { Handlers } from './routes.ts';

/**
 * The control API (`/__sim`, openapi/simulator.yaml): the developer acts as the supplier and as time,
 * reads what the channel sent, sets faults, and saves or restores the whole sandbox. Every call acts on
 * the caller's own channel only.
 */

export interface ChannelTools {
  journal: RequestJournal;
  faults: FaultRules;
  /** The same rules kept for every instance, when the store is shared. */
  shared?: SharedFaults;
}

const setFaults = (tools: ChannelTools, input: unknown): FaultRule[] | Promise<FaultRule[]> =>
  tools.shared ? tools.shared.set(input) : tools.faults.replace(input);

/** The simulator document's operations this module answers (the console and event ones live beside it). */
type ControlOperations = Omit<
  operations,
  'listSimProducts' | 'getSimInventory' | 'seedWorld' | 'streamEvents'
>;

export function controlHandlers(
  tools: (channel: string) => ChannelTools,
  version: string,
): Handlers<ControlOperations> {
  const clock = async (sim: Sandboxes, channel: string) => {
    const { now, offset } = await sim.read(channel, (ctx) => ({
      now: ctx.now,
      offset: ctx.meta.clockOffsetMs,
    }));
    return { body: { now: formatRfc3339(now), offset_seconds: offset / 1000 } };
  };
  /** One page of a collection, newest first (pagination as `limit`/`offset`, with `count` and `next`). */
  const pageOf = <T, R>(
    sim: Sandboxes,
    request: { channel: { code: string }; query: { limit: number; offset: number } },
    collection: keyof ChannelState,
    map: (record: T) => R,
  ) => sim.page(request.channel.code, collection, request.query.limit, request.query.offset, map);

  return {
    getHealth: async () => ({ body: { status: 'ok', version } }),

    resetSandbox: async (request, sim) => {
      await sim.reset(request.channel.code);
      await setFaults(tools(request.channel.code), []);
      return { body: { status: 'ok' } };
    },

    getClock: async (request, sim) => clock(sim, request.channel.code),

    advanceClock: async (request, sim) => {
      const { seconds } = request.body;
      await sim.run(request.channel.code, (ctx) => {
        if (ctx.now + seconds * 1000 >= CLOCK_LIMIT_MS) {
          const most = Math.max(0, Math.floor((CLOCK_LIMIT_MS - ctx.now) / 1000) - 1);
          throw apiError('clockTooFar', { most });
        }
        const meta = ctx.meta;
        return {
          result: null,
          changes: [metaChange({ ...meta, clockOffsetMs: meta.clockOffsetMs + seconds * 1000 })],
        };
      });
      // Reading the clock applies whatever the supplier had due by the new "now".
      return clock(sim, request.channel.code);
    },

    actAsSupplierOnOrder: async (request, sim) => {
      const { params, body } = request;
      const order = await sim.run(request.channel.code, (ctx) =>
        supplierActOnOrder(ctx, params.ax_order_code, body.action, body.comment),
      );
      return { body: { ax_order_code: order.code, ax_order_status: order.status, comment: order.comment } };
    },

    actAsSupplierOnTicket: async (request, sim) => {
      const { params, body } = request;
      const { order, ticket } = await sim.run(request.channel.code, (ctx) =>
        supplierActOnTicket(ctx, params.ax_order_code, params.ticket_code, body.action),
      );
      return {
        body: { ax_order_code: order.code, ax_ticket_code: ticket.code, ax_ticket_status: ticket.status },
      };
    },

    answerQuestion: async (request, sim) => {
      const { params, body } = request;
      const question = await sim.run(request.channel.code, (ctx) =>
        answerQuestion(ctx, params.question_code, body.body),
      );
      return { body: answerOf(question) };
    },

    publishProductVersion: async (request, sim) => {
      const { params, body } = request;
      const product = await sim.run(request.channel.code, (ctx) =>
        publishVersion(ctx, params.product_code, {
          prices: body.prices,
          contents: body.contents,
          options: body.options?.map((o) => ({ optionCode: o.option_code, optionName: o.option_name })),
        }),
      );
      return { status: 201, body: { product_code: product.code, version: product.version } };
    },

    listSimOrders: async (request, sim) => {
      const { items, count, next } = await pageOf(sim, request, 'orders', (o: Order) => ({
        ax_order_code: o.code,
        channel_order_code: o.channelOrderCode,
        family: o.family,
        product_code: o.productCode,
        option_code: o.optionCode,
        inventory_code: o.inventoryCode,
        inventory_at: o.inventoryAt,
        quantity: o.quantity,
        ax_order_status: o.status,
        channel_order_status: o.channelStatus,
        comment: o.comment,
        supplier_profile: o.supplier,
        created_at: o.createdAt,
        tickets: o.tickets.map((t) => ({
          ax_ticket_code: t.code,
          channel_code: t.channelCode,
          ax_ticket_status: t.status,
        })),
      }));
      return { body: { orders: items, count, next } };
    },

    listSimRefunds: async (request, sim) => {
      const { items, count, next } = await pageOf(sim, request, 'refunds', (r: Refund) => ({
        ax_order_code: r.orderCode,
        ax_ticket_code: r.ticketCode,
        family: r.family,
        channel_refunded_price: r.channelRefundedPrice,
        channel_canceled_at: r.channelCanceledAt,
        channel_refunded_at: r.channelRefundedAt,
        channel_policy: r.channelPolicy,
        expected_refund_percent: r.expectedPercent,
        expected_refund_amount: r.expectedAmount,
        matches_policy: r.matchesPolicy,
        received_at: r.receivedAt,
      }));
      return { body: { refunds: items, count, next } };
    },

    listSimReviews: async (request, sim) => {
      const { items, count, next } = await pageOf(sim, request, 'reviews', (r: Review) => ({
        review_code: r.reviewCode,
        family: r.family,
        product_code: r.productCode,
        option_code: r.optionCode,
        channel_order_code: r.channelOrderCode,
        score_type: r.scoreType,
        score: r.score,
        title: r.title,
        body: r.body,
        reviewed_at: r.reviewedAt,
        received_at: r.receivedAt,
      }));
      return { body: { reviews: items, count, next } };
    },

    listSimQuestions: async (request, sim) => {
      const { items, count, next } = await pageOf(sim, request, 'questions', (q: Question) => ({
        question_code: q.code,
        family: q.family,
        product_code: q.productCode,
        option_code: q.optionCode,
        title: q.title,
        body: q.body,
        is_public: q.isPublic,
        quested_at: q.questedAt,
        received_at: q.receivedAt,
        answer: q.answer && { body: q.answer.body, answered_at: q.answer.answeredAt },
      }));
      return { body: { questions: items, count, next } };
    },

    getJournal: async (request) => {
      const { query } = request;
      const page = tools(request.channel.code).journal.page(query.limit, query.offset);
      // The entries are kept as JSON text: spliced in, not parsed and serialised again.
      return {
        json: Buffer.from(
          `{"entries":${page.json},"count":${page.count},"next":${JSON.stringify(page.next)}}`,
        ),
      };
    },

    getFaults: async (request) => {
      await tools(request.channel.code).shared?.refresh();
      return { body: { rules: tools(request.channel.code).faults.list() } };
    },

    putFaults: async (request) => {
      return { body: { rules: await setFaults(tools(request.channel.code), request.body.rules) } };
    },

    deleteFaults: async (request) => ({ body: { rules: await setFaults(tools(request.channel.code), []) } }),

    exportState: async (request, sim) => ({
      stream: await sim.exportStream(request.channel.code),
      type: 'application/json; charset=utf-8',
    }),

    importState: async (request, sim) => {
      await sim.importState(request.channel.code, request.body);
      return { body: { status: 'ok' } };
    },
  };
}
