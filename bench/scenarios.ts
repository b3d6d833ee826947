/**
 * What the benchmark asks of the servers: the read scenarios, and the valid write traffic (order create,
 * ticket cancel, order cancel) prepared through the simulator's own API — products registered, inventory
 * entries with stock picked from the inventory API — so that every request is one the simulator accepts.
 */
import type autocannon from 'autocannon';

export interface Channel {
  code: string;
  apiKey: string;
}
export const READ_CHANNEL: Channel = { code: 'demo-channel', apiKey: 'demo-key' };
export const WRITE_CHANNEL: Channel = { code: 'demo-channel-2', apiKey: 'demo-key-2' };

export const authHeaders = (channel: Channel): Record<string, string> => ({
  authorization: `Token ${channel.apiKey}`,
});

export interface ReadScenario {
  id: 'list' | 'detail' | 'inventory';
  title: string;
  path: string;
}

/** The delayed-confirm tour test product (how every regular product behaves), for the write mix. */
export const MIX_PRODUCT = '00000000-0000-4000-8000-000000000002';

/** Product list page (25 tours), product detail, inventory page (25 entries per option). */
export function readScenarios(productCode: string): ReadScenario[] {
  return [
    { id: 'list', title: 'product list page', path: '/v1/channel/products/tour?page=1&page_size=25' },
    { id: 'detail', title: 'product detail', path: `/v1/channel/products/tour/${productCode}` },
    {
      id: 'inventory',
      title: 'inventory',
      path: `/v1/channel/inventory/tour/${productCode}?page=1&page_size=25`,
    },
  ];
}

export interface Answer {
  status: number;
  text: string;
}

/** One API call as one channel: over HTTP (httpCaller) or in process (app.inject, see growth.ts). */
export type Call = (method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown) => Promise<Answer>;

export function httpCaller(baseUrl: string, channel: Channel): Call {
  return async (method, path, body) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...authHeaders(channel),
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: response.status, text: await response.text() };
  };
}

/** The JSON of a 2xx answer; anything else throws with what was asked and answered. */
export async function expectOk(call: Call, ...args: Parameters<Call>): Promise<unknown> {
  const { status, text } = await call(...args);
  if (status < 200 || status >= 300) {
    throw new Error(`${args[0]} ${args[1]}: HTTP ${status} ${text.slice(0, 500)}`);
  }
  return JSON.parse(text) as unknown;
}

type Family = 'tour' | 'day-ticket';

/** One orderable inventory entry of a registered product option, with what the simulator says is left. */
export interface Slot {
  family: Family;
  mappingCode: string;
  optionCode: string;
  inventoryAt: string;
  remain: number;
  /** RTI keys the product requires (sent in representative.additional). */
  rti: string[];
}

interface Detail {
  required_traveler_information: Record<string, boolean>;
  options: Array<{ option_code: string; option_name: string }>;
}

/**
 * Day `d` of an option is not on sale (`closedDays` of the catalogue). The tour inventory API says so
 * (`is_order`); the day-ticket one does not show it, so the caller who knows the catalogue may.
 */
export type ClosedDay = (optionCode: string, day: number) => boolean;

/** Registers a product (all options mapped) and lists its orderable entries with their stock. */
export async function prepareProduct(
  call: Call,
  family: Family,
  productCode: string,
  minRemain: number,
  closed?: ClosedDay,
): Promise<Slot[]> {
  const detail = (await expectOk(call, 'GET', `/v1/channel/products/${family}/${productCode}`)) as Detail;
  const mappingData = Object.fromEntries(detail.options.map((o, i) => [o.option_code, `option ${i + 1}`]));
  const registered = (await expectOk(
    call,
    'POST',
    `/v1/channel/products/${family}/registration/${productCode}`,
    {
      mapping_data: mappingData,
      channel_product_name: `bench ${productCode}`,
      channel_product_link: `https://example.com/bench/${productCode}`,
      channel_product_id: `bench-${productCode}`,
    },
  )) as { data: { channel_product_mapping_code: string } };
  const mappingCode = registered.data.channel_product_mapping_code;
  const rti = Object.entries(detail.required_traveler_information)
    .filter(([, required]) => required)
    .map(([key]) => key);
  const slots: Slot[] = [];
  const dayZero = new Map<string, number>();
  for (let page = 1; ; page++) {
    const inventory = (await expectOk(
      call,
      'GET',
      `/v1/channel/inventory/${family}/${productCode}?page=${page}&page_size=100`,
    )) as {
      option_codes: Record<
        string,
        Array<{ date: string; start_time?: string; is_order?: boolean; remain_quantity: number }>
      >;
    };
    let seen = 0;
    for (const [optionCode, entries] of Object.entries(inventory.option_codes)) {
      for (const e of entries) {
        seen++;
        // Entries are listed from day 0 (the sandbox's anchor date), one date per day.
        if (page === 1 && !dayZero.has(optionCode)) dayZero.set(optionCode, Date.parse(e.date));
        const day = Math.round((Date.parse(e.date) - dayZero.get(optionCode)!) / 86_400_000);
        if (e.is_order === false || closed?.(optionCode, day) || e.remain_quantity < minRemain) continue;
        const inventoryAt = family === 'tour' ? `${e.date}T${e.start_time}:00Z` : `${e.date}T00:00:00Z`;
        slots.push({ family, mappingCode, optionCode, inventoryAt, remain: e.remain_quantity, rti });
      }
    }
    if (seen === 0) break;
  }
  return slots;
}

const PERSON = {
  name: '홍길동',
  national_code: '82',
  phone: '01012345678',
  email: 'traveler@example.com',
};

/** A valid order body for `quantity` units of one slot. */
export function orderBody(slot: Slot, channelOrderId: string, quantity: number): Record<string, unknown> {
  const additional = Object.fromEntries(slot.rti.map((key) => [key, `value of ${key}`]));
  return {
    options: [
      {
        channel_product_mapping_code: slot.mappingCode,
        option_code: slot.optionCode,
        quantity,
        inventory_at: slot.inventoryAt,
        unit_selling_price: '2222',
        discount: '22',
        discount_method: '쿠폰 할인',
        amount_price: '2200',
        tickets: Array.from({ length: quantity }, (_, i) => ({
          ...PERSON,
          channel_code: `${channelOrderId}-t${i}`,
          additional,
        })),
      },
    ],
    order: {
      channel_order_id: channelOrderId,
      purchased_at: '2026-03-01T09:00:00Z',
      sub_total: String(2222 * quantity),
      total: String(2200 * quantity),
      status: 'New',
      is_voucher: true,
      currency: 'KRW',
    },
    purchaser: { ...PERSON, is_required_more_information: false },
    representative: { ...PERSON, additional },
  };
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * The durable write mix, per connection and in a loop: create an order of 2 units, cancel its first
 * ticket, cancel the order (which cancels the second ticket). Stock returns to where it was at the end
 * of each cycle, so the run never sells out; slots are used round-robin, each with room for several
 * overlapping cycles. A failed create starts the cycle over (autocannon: setupRequest returns nothing).
 */
export function writeMixRequests(
  slots: readonly Slot[],
  runId: string,
): Array<autocannon.Request & { kind: string }> {
  if (slots.length === 0) throw new Error('write mix: no inventory entries with enough stock');
  let next = 0;
  type Ctx = { order?: string; ticket?: string };
  return [
    {
      kind: 'order create',
      method: 'POST',
      path: '/v1/channel/orders/tour',
      headers: JSON_HEADERS,
      setupRequest: (request) => {
        const n = next++;
        const slot = slots[n % slots.length]!;
        return { ...request, body: JSON.stringify(orderBody(slot, `${runId}-${n}`, 2)) };
      },
      onResponse: (status, body, context) => {
        const ctx = context as Ctx;
        if (status !== 201) return;
        const line = (
          JSON.parse(body) as {
            data: {
              depth_combinations: Array<{
                ax_order_code: string;
                tickets: Array<{ ax_ticket_code: string }>;
              }>;
            };
          }
        ).data.depth_combinations[0];
        ctx.order = line?.ax_order_code;
        ctx.ticket = line?.tickets[0]?.ax_ticket_code;
      },
    },
    {
      kind: 'ticket cancel',
      method: 'PATCH',
      headers: JSON_HEADERS,
      body: JSON.stringify({ status: 'Traveler canceled' }),
      setupRequest: (request, context) => {
        const ctx = context as Ctx;
        if (!ctx.order || !ctx.ticket) return undefined as never;
        return { ...request, path: `/v1/channel/orders/tour/${ctx.order}/tickets/${ctx.ticket}` };
      },
    },
    {
      kind: 'order cancel',
      method: 'PATCH',
      headers: JSON_HEADERS,
      body: JSON.stringify({
        channel_status: 'Traveler cancel',
        comment: '여행자의 개인 사정으로 인한 취소',
      }),
      setupRequest: (request, context) => {
        const ctx = context as Ctx;
        if (!ctx.order) return undefined as never;
        return { ...request, path: `/v1/channel/orders/tour/${ctx.order}` };
      },
    },
  ];
}

/**
 * Order create only (1 unit each), spread over every slot with its stock counted down, so that no
 * request asks for more than the simulator said was left.
 */
export function createOnlyRequests(
  slots: readonly Slot[],
  runId: string,
): Array<autocannon.Request & { kind: string }> {
  const pool = slots.map((slot) => ({ slot, left: slot.remain }));
  let cursor = 0;
  let n = 0;
  return [
    {
      kind: 'order create',
      method: 'POST',
      headers: JSON_HEADERS,
      setupRequest: (request) => {
        for (let tries = 0; tries < pool.length && pool[cursor % pool.length]!.left <= 0; tries++) cursor++;
        const entry = pool[cursor % pool.length]!;
        entry.left--;
        cursor++;
        const slot = entry.slot;
        return {
          ...request,
          path: `/v1/channel/orders/${slot.family}`,
          body: JSON.stringify(orderBody(slot, `${runId}-${n++}`, 1)),
        };
      },
    },
  ];
}

/** Registers every product of `family` (codes from the list API) and returns all their slots. */
export async function prepareFamily(
  call: Call,
  family: Family,
  minRemain: number,
  closed?: ClosedDay,
): Promise<Slot[]> {
  const codes: string[] = [];
  for (let page = 1; ; page++) {
    const list = (await expectOk(
      call,
      'GET',
      `/v1/channel/products/${family}?page=${page}&page_size=100`,
    )) as { products: Array<{ product_code: string }> };
    if (list.products.length === 0) break;
    codes.push(...list.products.map((p) => p.product_code));
  }
  const slots: Slot[] = [];
  for (const code of codes) slots.push(...(await prepareProduct(call, family, code, minRemain, closed)));
  return slots;
}
