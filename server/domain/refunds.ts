import type { DomainContext, Outcome } from './context.ts';
import { fieldError, notFound } from './errors.ts';
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

function invalidPolicy(field: string, why: string, whyEn: string): never {
  throw fieldError(
    field,
    `환불 정책이 올바르지 않습니다: ${why}. {"환불 비율(%)": "이용일 며칠 전"} 형식으로 보내 주세요. 예: {"0": "1", "50": "3", "100": "7"} ` +
      `(invalid refund policy: ${whyEn}; send {"<percent 0-100>": "<days before the use date>"}, e.g. {"0": "1", "50": "3", "100": "7"})`,
  );
}

function integerText(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return String(v);
  if (typeof v === 'string' && INTEGER.test(v.trim())) return v.trim();
  return undefined;
}

/** Validated brackets of a policy, sorted by day threshold. 400 naming `field` when invalid. */
export function parsePolicy(policy: unknown, field = 'channel_policy'): Bracket[] {
  if (!policy || typeof policy !== 'object' || Array.isArray(policy)) {
    invalidPolicy(field, '객체가 아닙니다', 'not an object');
  }
  const entries = Object.entries(policy as Record<string, unknown>);
  if (entries.length === 0) invalidPolicy(field, '비어 있습니다', 'it is empty');
  const brackets: Bracket[] = [];
  const seenDays = new Set<number>();
  for (const [key, value] of entries) {
    const percentText = integerText(key);
    const daysText = integerText(value);
    if (percentText === undefined) {
      invalidPolicy(field, `비율 "${key}"이(가) 정수가 아닙니다`, `percent key "${key}" is not an integer`);
    }
    const percent = Number(percentText);
    if (percent > 100) {
      invalidPolicy(field, `비율 ${percent}%가 100%를 넘습니다`, `percent ${percent} is greater than 100`);
    }
    if (daysText === undefined) {
      invalidPolicy(
        field,
        `"${key}"의 일수 ${JSON.stringify(value)}이(가) 0 이상의 정수가 아닙니다`,
        `day count ${JSON.stringify(value)} of "${key}" is not a non-negative integer`,
      );
    }
    const days = Number(daysText);
    if (seenDays.has(days)) {
      invalidPolicy(field, `${days}일 기준이 두 번 있습니다`, `the ${days}-day threshold appears twice`);
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
    throw fieldError(
      field,
      `날짜/시간 형식이 올바르지 않습니다. RFC 3339 UTC(예: 2026-03-01T09:00:00Z) 또는 "YYYY-MM-DD hh:mm:ss"로 보내 주세요. ` +
        `(${JSON.stringify(value)} is not a valid date-time; send RFC 3339 UTC or "YYYY-MM-DD hh:mm:ss")`,
    );
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
    throw fieldError(
      input.fields.price,
      `금액 형식이 올바르지 않습니다. 소수점 5자리까지의 숫자 문자열로 보내 주세요. 예: "5000" ` +
        `(${JSON.stringify(input.price)} is not an amount; send a decimal string with at most 5 decimals, e.g. "5000")`,
    );
  }
  const canceledAtMs = parseDateField(input.canceledAt, input.fields.canceledAt);
  const refundedAtMs = parseDateField(input.refundedAt, input.fields.refundedAt);
  const inventoryAtMs = parseApiDateTime(order.inventoryAt);
  if (inventoryAtMs === null) throw new Error(`order ${order.code} has an unparseable inventoryAt`);
  const percent = expectedRefundPercent(input.policy, inventoryAtMs, canceledAtMs, input.fields.policy);

  if (!CANCELED_TICKET_STATUSES.includes(ticket.status)) {
    throw fieldError(
      'ax_ticket_status',
      `티켓이 취소되지 않았습니다. 먼저 티켓(또는 주문) 취소를 동기화한 뒤 환불을 보내 주세요. ` +
        `(the ticket must be cancelled before a refund is synced; current status: ${ticket.status})`,
    );
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
