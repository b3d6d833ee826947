import { describe, expect, it } from 'vitest';
import type { DomainContext } from './context.ts';
import { MESSAGES } from './errors.ts';
import { uuidFrom } from './ids.ts';
import { cancelTicket, createOrder } from './orders.ts';
import { expectedRefundPercent, parsePolicy, type RefundInput, recordRefund } from './refunds.ts';
import {
  catchApiError as apiError,
  makeTestContext,
  TEST_TOUR_ADULT,
  testRegistration,
  withChanges,
} from './testing.ts';
import { parseApiDateTime } from './time.ts';

const POLICY = { '0': '1', '50': '3', '100': '7' };
const ms = (s: string) => parseApiDateTime(s)!;

describe('expectedRefundPercent', () => {
  const use = ms('2026-03-20T09:00:00Z');
  it.each([
    [10, 100],
    [7, 100],
    [5, 100],
    [4, 100],
    [3, 50],
    [2, 50],
    [1, 0],
    [0, 0],
    [-2, 0],
  ])('%i days before → %i %%', (days, percent) => {
    // Cancel at 15:00 UTC, `days` calendar days before the use day.
    const cancel = ms('2026-03-20T15:00:00Z') - days * 86_400_000;
    expect(expectedRefundPercent(POLICY, use, cancel)).toBe(percent);
  });

  it('does not depend on the order of the policy keys', () => {
    expect(expectedRefundPercent({ '100': '7', '0': '1', '50': '3' }, use, ms('2026-03-18T00:00:00Z'))).toBe(
      50,
    );
  });

  it('counts UTC calendar days: 23:59:59 vs 00:00:00 the next day', () => {
    const useAt = ms('2026-03-10T09:00:00Z');
    expect(expectedRefundPercent(POLICY, useAt, ms('2026-03-06T23:59:59Z'))).toBe(100); // 4 days
    expect(expectedRefundPercent(POLICY, useAt, ms('2026-03-07T00:00:00Z'))).toBe(50); // 3 days
    expect(expectedRefundPercent(POLICY, useAt, ms('2026-03-08T23:59:59Z'))).toBe(50); // 2 days
    expect(expectedRefundPercent(POLICY, useAt, ms('2026-03-09T00:00:00Z'))).toBe(0); // 1 day
  });

  it('uses the UTC day of an inventory_at sent with an offset', () => {
    // 2026-03-10T08:00+09:00 is 2026-03-09T23:00Z: the use day is the 9th in UTC.
    const useAt = ms('2026-03-10T08:00:00+09:00');
    expect(expectedRefundPercent(POLICY, useAt, ms('2026-03-07T12:00:00Z'))).toBe(50); // 2 days
    expect(expectedRefundPercent(POLICY, useAt, ms('2026-03-08T12:00:00Z'))).toBe(0); // 1 day
  });

  it('applies a single bracket everywhere', () => {
    expect(expectedRefundPercent({ '80': '2' }, ms('2026-03-10'), ms('2026-01-01'))).toBe(80);
    expect(expectedRefundPercent({ '80': '2' }, ms('2026-03-10'), ms('2026-03-10'))).toBe(80);
  });

  it.each([
    ['empty', {}],
    ['non-integer percent', { abc: '1' }],
    ['decimal percent', { '50.5': '1' }],
    ['percent over 100', { '150': '1' }],
    ['non-integer days', { '50': 'x' }],
    ['negative days', { '50': '-1' }],
    ['decimal days', { '50': '1.5' }],
    ['duplicate threshold', { '0': '3', '50': '3' }],
  ])('400 channel_policy for %s', (_name, policy) => {
    const e = apiError(() => expectedRefundPercent(policy as Record<string, string>, 0, 0));
    expect(e.status).toBe(400);
    expect(Object.keys(e.body)).toEqual(['channel_policy']);
  });

  it('names the field the request used', () => {
    expect(Object.keys(apiError(() => expectedRefundPercent({}, 0, 0, 'policy')).body)).toEqual(['policy']);
    expect(Object.keys(apiError(() => parsePolicy(null, 'policy')).body)).toEqual(['policy']);
  });
});

// ---------------------------------------------------------------------------------------------------
// recordRefund

const TOUR_FIELDS = {
  price: 'channel_refunded_price',
  canceledAt: 'channel_canceled_at',
  refundedAt: 'channel_refunded_at',
  policy: 'channel_policy',
};

function refundInput(over: Partial<RefundInput> = {}): RefundInput {
  return {
    price: '40',
    canceledAt: '2026-03-09 00:00:00', // 2 days before the use day (11th) → 50 %
    refundedAt: '2026-03-09 01:00:00',
    policy: POLICY,
    fields: TOUR_FIELDS,
    ...over,
  };
}

/** One tour order (2 tickets, amount_price 80) for day 10 (2026-03-11 09:00Z), ticket 0 cancelled. */
function setup() {
  const reg = testRegistration();
  let ctx: DomainContext = withChanges(makeTestContext(), [['registrations', 'map', reg]]);
  const created = createOrder(ctx, {
    family: 'tour',
    channelOrderCode: 'CO-1',
    requestHash: 'h',
    currency: 'USD',
    lines: [
      {
        mappingCode: 'map',
        optionCode: TEST_TOUR_ADULT,
        quantity: 2,
        inventoryAt: '2026-03-11T09:00:00Z',
        unitSellingPrice: '80',
        amountPrice: '80',
        tickets: [
          { channelCode: 'a', traveler: {} },
          { channelCode: 'b', traveler: {} },
        ],
      },
    ],
    representative: { additional: { english_name: 'Rep' } },
    purchaser: {},
  });
  ctx = withChanges(ctx, created.changes);
  const order = created.result.orders[0]!;
  const [t0, t1] = order.tickets;
  ctx = withChanges(
    ctx,
    cancelTicket(ctx, 'tour', order.code, t0!.code, { status: 'Traveler canceled' }).changes,
  );
  return { ctx, order, cancelled: t0!.code, live: t1!.code };
}

describe('recordRefund', () => {
  it('records the channel figures with what the policy implies', () => {
    const { ctx, order, cancelled } = setup();
    const { result, changes } = recordRefund(ctx, 'tour', order.code, cancelled, refundInput());
    const id = uuidFrom('refund', order.code, cancelled, 0);
    expect(result).toEqual({
      id,
      family: 'tour',
      orderCode: order.code,
      ticketCode: cancelled,
      channelRefundedPrice: '40',
      channelCanceledAt: '2026-03-09T00:00:00Z',
      channelRefundedAt: '2026-03-09T01:00:00Z',
      channelPolicy: POLICY,
      expectedPercent: 50,
      expectedAmount: '40',
      matchesPolicy: true,
      receivedAt: '2026-03-01T00:00:00Z',
    });
    expect(changes).toEqual([['refunds', id, result]]);
  });

  it('records a mismatch without refusing it, and keeps every sync', () => {
    const { ctx, order, cancelled } = setup();
    const first = recordRefund(ctx, 'tour', order.code, cancelled, refundInput({ price: '80.00' }));
    expect(first.result).toMatchObject({
      channelRefundedPrice: '80',
      expectedAmount: '40',
      matchesPolicy: false,
    });
    const ctx2 = withChanges(ctx, first.changes);
    const second = recordRefund(ctx2, 'tour', order.code, cancelled, refundInput({ price: '40.00000' }));
    expect(second.result.id).toBe(uuidFrom('refund', order.code, cancelled, 1));
    expect(second.result.matchesPolicy).toBe(true);
    expect(Object.keys(withChanges(ctx2, second.changes).state.refunds)).toHaveLength(2);
  });

  it('404 for an unknown order, the other family, or a ticket not in the order', () => {
    const { ctx, order, cancelled } = setup();
    for (const e of [
      apiError(() => recordRefund(ctx, 'tour', 'nope', cancelled, refundInput())),
      apiError(() => recordRefund(ctx, 'day-ticket', order.code, cancelled, refundInput())),
      apiError(() => recordRefund(ctx, 'tour', order.code, 'nope', refundInput())),
    ]) {
      expect(e.status).toBe(404);
      expect(e.body).toEqual({ detail: MESSAGES.notFound });
    }
  });

  it('400 ax_ticket_status when the ticket is not cancelled', () => {
    const { ctx, order, live } = setup();
    const e = apiError(() => recordRefund(ctx, 'tour', order.code, live, refundInput()));
    expect(e.body).toEqual({
      ax_ticket_status: [
        '티켓이 취소되지 않았습니다. 먼저 티켓(또는 주문) 취소를 동기화한 뒤 환불을 보내 주세요. (the ticket must be cancelled before a refund is synced; current status: New)',
      ],
    });
  });

  it('400 naming each field as the request sent it', () => {
    const { ctx, order, cancelled } = setup();
    const dayTicketFields = {
      price: 'price',
      canceledAt: 'canceled_datetime',
      refundedAt: 'refunded_datetime',
      policy: 'policy',
    };
    const cases: Array<[Partial<RefundInput>, string]> = [
      [{ canceledAt: 'yesterday' }, 'channel_canceled_at'],
      [{ refundedAt: '2026-13-01 00:00' }, 'channel_refunded_at'],
      [{ price: 'free' }, 'channel_refunded_price'],
      [{ policy: {} }, 'channel_policy'],
      [{ canceledAt: 'x', fields: dayTicketFields }, 'canceled_datetime'],
      [{ policy: { '101': '1' }, fields: dayTicketFields }, 'policy'],
    ];
    for (const [over, field] of cases) {
      const e = apiError(() => recordRefund(ctx, 'tour', order.code, cancelled, refundInput(over)));
      expect(e.status).toBe(400);
      expect(Object.keys(e.body)).toEqual([field]);
    }
  });
});
