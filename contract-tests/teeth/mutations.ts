import type { Exchange, Mutation } from './proxy.ts';

/**
 * The deliberate breaks the contract suite must catch. Each names the operation it breaks (`affects`);
 * the self-test asserts the suite fails and that a failing test names that operation.
 */

type Json = Record<string, unknown>;

const is = (e: Exchange, method: string, pattern: RegExp, status: number) =>
  e.method === method && pattern.test(e.path) && e.status === status;

/** Fresh mutations (some keep state per run). */
export const mutations = (): Mutation[] => [
  {
    name: 'renamed response field',
    affects: 'getDayTicketPrice',
    description: 'getDayTicketPrice answers prices[].amount instead of prices[].price',
    rewrite(e) {
      if (!is(e, 'GET', /^\/v1\/channel\/price\/day-ticket\/[^/]+$/, 200)) return undefined;
      const body = e.body as { prices: Json[] };
      for (const price of body.prices) {
        price.amount = price.price;
        delete price.price;
      }
      return { body };
    },
  },
  {
    name: 'wrong success status code',
    affects: 'createTourOrder',
    description: 'createTourOrder answers 200 instead of the documented 201',
    rewrite(e) {
      return is(e, 'POST', /^\/v1\/channel\/orders\/tour$/, 201) ? { status: 200 } : undefined;
    },
  },
  {
    name: 'wrong error key',
    affects: 'getTourOrderConfirm',
    description: 'getTourOrderConfirm answers 404 {"error": "찾을 수 없습니다."} instead of {"detail": ...}',
    rewrite(e) {
      if (!is(e, 'GET', /^\/v1\/channel\/orders\/tour\/[^/]+$/, 404)) return undefined;
      const { detail, ...rest } = e.body as Json;
      return { body: { ...rest, error: detail } };
    },
  },
  {
    name: 'wrong error message',
    affects: 'getDayTicketProduct',
    description:
      'getDayTicketProduct answers 404 {"detail": "Not found."} instead of the documented Korean message',
    rewrite(e) {
      if (!is(e, 'GET', /^\/v1\/channel\/products\/day-ticket\/[^/]+$/, 404)) return undefined;
      return { body: { detail: 'Not found.' } };
    },
  },
  {
    name: 'broken enum value',
    affects: 'cancelTourTicket',
    description: 'cancelTourTicket answers ax_ticket_status "Traveler Canceled" (the old casing)',
    rewrite(e) {
      if (!is(e, 'PATCH', /^\/v1\/channel\/orders\/tour\/[^/]+\/tickets\/[^/]+$/, 200)) return undefined;
      const body = e.body as { data: Json };
      if (body.data.ax_ticket_status !== 'Traveler canceled') return undefined;
      body.data.ax_ticket_status = 'Traveler Canceled';
      return { body };
    },
  },
  {
    name: 'number served as a string',
    affects: 'getTourInventory',
    description: 'getTourInventory answers remain_quantity as a string ("13" instead of 13)',
    rewrite(e) {
      if (!is(e, 'GET', /^\/v1\/channel\/inventory\/tour\/[^/]+$/, 200)) return undefined;
      const body = e.body as { option_codes: Record<string, Json[]> };
      for (const entries of Object.values(body.option_codes)) {
        for (const entry of entries) entry.remain_quantity = String(entry.remain_quantity);
      }
      return { body };
    },
  },
  stockThatDoesNotMove(),
  {
    name: '404 turned into a 500',
    affects: 'getTourProduct',
    description: 'getTourProduct answers an unknown product with 500 (same body) instead of 404',
    rewrite(e) {
      return is(e, 'GET', /^\/v1\/channel\/products\/tour\/[^/]+$/, 404) ? { status: 500 } : undefined;
    },
  },
];

/** getDayTicketInventory replays the first answer it gave for each URL: orders and cancels never show. */
function stockThatDoesNotMove(): Mutation {
  const first = new Map<string, unknown>();
  return {
    name: 'stock that does not move',
    affects: 'getDayTicketInventory',
    description: 'getDayTicketInventory replays the first answer it gave for each URL',
    rewrite(e) {
      if (!is(e, 'GET', /^\/v1\/channel\/inventory\/day-ticket\/[^/]+$/, 200)) return undefined;
      if (!first.has(e.url)) {
        first.set(e.url, e.body);
        return undefined;
      }
      return { body: first.get(e.url) };
    },
  };
}

/**
 * Not a break: the vendor's older error spelling `{"message": ...}` on every 403 and 404. The suite
 * tolerates it (the vendor's docs show both keys), so it must still pass.
 */
export const TOLERATED: Mutation = {
  name: 'error message under "message" (tolerated)',
  affects: '',
  description: 'every 403 and 404 answers {"message": ...} instead of {"detail": ...}',
  rewrite(e) {
    if (e.status !== 403 && e.status !== 404) return undefined;
    const { detail, ...rest } = (e.body ?? {}) as Json;
    if (typeof detail !== 'string') return undefined;
    return { body: { ...rest, message: detail } };
  },
};
