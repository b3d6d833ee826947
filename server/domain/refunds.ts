import type { DomainContext, Outcome } from './context.ts';
import { apiError, notFound } from './errors.ts';
import { uuidFrom } from './ids.ts';
import { compareMoney, parseMoney, percentOf } from './money.ts';
import { getOrder } from './orders.ts';
import { formatRfc3339, parseApiDateTime, utcDayNumber } from './time.ts';
import type { Family, Refund, TicketStatus } from './types.ts';

/**
 * Refund syncs (R1/R2): a one-way record of a refund the channel already made. The simulator computes
 * what the channel's own policy implies and records whether the channel's figure matches; it never
 * refuses a mismatch.
 *
 * Policy format (the vendor's refund page): `{"<refund percent>": "<days before the use date>"}`, e.g.
 * `{"0": "1", "50": "3", "100": "7"}` — from 7 days before: 100 %, from 3 days before: 50 %, from 1
 * day before: nothing.
 */

const INTEGER = /^\d+$/;

interface Bracket {
  percent: number;
  days: number;
}

function integerText(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return String(v);
  if (typeof v === 'string' && INTEGER.test(v.trim())) return v.trim();
  return undefined;
}

/** Validated brackets of a policy, sorted by day threshold. 400 naming `field` when invalid. */
export function parsePolicy(policy: unknown, field = 'channel_policy'): Bracket[] {
  if (!policy || typeof policy !== 'object' || Array.isArray(policy)) {
    throw apiError('policyNotAnObject', { field });
  }
  const entries = Object.entries(policy as Record<string, unknown>);
  if (entries.length === 0) throw apiError('policyEmpty', { field });
  const brackets: Bracket[] = [];
  const seenDays = new Set<number>();
  for (const [key, value] of entries) {
    const percentText = integerText(key);
    const daysText = integerText(value);
    if (percentText === undefined) {
      throw apiError('policyPercentNotInteger', { field, key });
    }
    const percent = Number(percentText);
    if (percent > 100) {
      throw apiError('policyPercentOver100', { field, percent });
    }
    if (daysText === undefined) {
      throw apiError('policyDaysNotInteger', { field, key, days: String(JSON.stringify(value)) });
    }
    const days = Number(daysText);
    if (seenDays.has(days)) {
      throw apiError('policyThresholdTwice', { field, days });
    }
    seenDays.add(days);
    brackets.push({ percent, days });
  }
  return brackets.sort((a, b) => a.days - b.days);
}

/**
 * The refund percent `policy` implies for a cancellation at `canceledAtMs` of a use at `inventoryAtMs`.
 * daysBefore = UTC calendar days between the two. The bracket with the smallest threshold d such that
 * daysBefore ≤ d applies ("from d days before"); earlier than every threshold, the largest one applies.
 */
export function expectedRefundPercent(
  policy: Record<string, string>,
  inventoryAtMs: number,
  canceledAtMs: number,
  field = 'channel_policy',
): number {
  const brackets = parsePolicy(policy, field);
  const daysBefore = utcDayNumber(inventoryAtMs) - utcDayNumber(canceledAtMs);
  const bracket = brackets.find((b) => daysBefore <= b.days) ?? brackets[brackets.length - 1]!;
  return bracket.percent;
}

export interface RefundInput {
  price: string;
  canceledAt: string;
  refundedAt: string;
  policy: Record<string, string>;
  /** The names the request used for each value (they differ between tour, day-ticket and old versions). */
  fields: { price: string; canceledAt: string; refundedAt: string; policy: string };
}

const CANCELED_TICKET_STATUSES: readonly TicketStatus[] = ['Traveler canceled', 'Supplier canceled'];

function parseDateField(value: string, field: string): number {
  const ms = typeof value === 'string' ? parseApiDateTime(value) : null;
  if (ms === null) {
    throw apiError('refundDateTimeInvalid', { field, value: String(JSON.stringify(value)) });
  }
  return ms;
}

/**
 * R1/R2. Records a refund the channel made for one cancelled ticket, with what the channel's policy
 * implies (percent of the order's per-unit amount_price) and whether the channel's figure matches.
 * Every sync is kept: several refunds for one ticket get ids numbered 0, 1, 2…
 */
export function recordRefund(
  ctx: DomainContext,
  family: Family,
  orderCode: string,
  ticketCode: string,
  input: RefundInput,
): Outcome<Refund> {
  const order = getOrder(ctx, family, orderCode);
  const ticket = order.tickets.find((t) => t.code === ticketCode);
  if (!ticket) throw notFound();

  const price = parseMoney(input.price);
  if (price === null) {
    throw apiError('refundAmountInvalid', {
      field: input.fields.price,
      value: String(JSON.stringify(input.price)),
    });
  }
  const canceledAtMs = parseDateField(input.canceledAt, input.fields.canceledAt);
  const refundedAtMs = parseDateField(input.refundedAt, input.fields.refundedAt);
  const inventoryAtMs = parseApiDateTime(order.inventoryAt);
  if (inventoryAtMs === null) throw new Error(`order ${order.code} has an unparseable inventoryAt`);
  const percent = expectedRefundPercent(input.policy, inventoryAtMs, canceledAtMs, input.fields.policy);

  if (!CANCELED_TICKET_STATUSES.includes(ticket.status)) {
    throw apiError('ticketNotCancelled', { status: ticket.status });
  }

  let n = 0;
  while (ctx.state.refunds[uuidFrom('refund', orderCode, ticketCode, n)]) n++;
  const id = uuidFrom('refund', orderCode, ticketCode, n);
  const expectedAmount = percentOf(order.amountPrice, percent);
  const refund: Refund = {
    id,
    family,
    orderCode,
    ticketCode,
    channelRefundedPrice: price,
    channelCanceledAt: formatRfc3339(canceledAtMs),
    channelRefundedAt: formatRfc3339(refundedAtMs),
    channelPolicy: input.policy,
    expectedPercent: percent,
    expectedAmount,
    matchesPolicy: compareMoney(price, expectedAmount) === 0,
    receivedAt: formatRfc3339(ctx.now),
  };
  return { result: refund, changes: [['refunds', id, refund]] };
}
