import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { SimulatorComponents } from '../client/index.ts';
import { SUPPLIER_TEST_PRODUCTS } from '../fixtures/catalog.ts';
import { buildSimulator } from '../server/app.ts';
import {
  allEntries,
  allProducts,
  type Call,
  caller,
  inventoryAtOf,
  koreanDate,
  type ListedEntry,
  orderBody,
  register,
} from './support/sandbox.ts';

/**
 * The virtual clock drives the calendar, seen through the channel API: "today" is the virtual now in
 * Korea (UTC+9), the inventory window rolls with it, past dates are neither listed nor orderable, the
 * day-tickets' sale period is counted in sandbox days, and the supplier checks travelers in after use.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const code = (profile: string, family: string) =>
  SUPPLIER_TEST_PRODUCTS.find((p) => p.profile === profile && p.family === family)!.code;
const INSTANT_TOUR = code('instant-confirm', 'tour');
const MANUAL_TOUR = code('manual', 'tour');
const INSTANT_TICKET = code('instant-confirm', 'day-ticket');

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** A simulator whose real clock stands still at `realNow` (so only the virtual clock moves). */
async function simulatorAt(realNow: number): Promise<Call> {
  app = await buildSimulator({ realNow: () => realNow });
  return caller(app);
}

async function advance(call: Call, ms: number) {
  const answer = await call('POST', '/__sim/clock/advance', { seconds: ms / 1000 });
  expect(answer.status).toBe(200);
}

const dates = (entries: Record<string, ListedEntry[]>) =>
  [...new Set(Object.values(entries).flatMap((list) => list.map((e) => e.date)))].sort();

describe('today is the virtual now in Korea', () => {
  it('starts the window at the Korean date: 15:00 UTC is already the next day', async () => {
    const realNow = Date.UTC(2026, 4, 10, 15, 30);
    const call = await simulatorAt(realNow);
    const entries = await allEntries(call, 'day-ticket', INSTANT_TICKET);
    expect(dates(entries)[0]).toBe('2026-05-11');
  });

  it("does not list today's tours that have started, and refuses them with 'the date has passed'", async () => {
    // 10:30 in Seoul: the 09:00 tour has started, the 14:00 one has not.
    const call = await simulatorAt(Date.UTC(2026, 4, 10, 1, 30));
    const tour = await register(call, 'tour', INSTANT_TOUR);
    const entries = await allEntries(call, 'tour', INSTANT_TOUR);
    const first = entries[tour.options[0]!]!.slice(0, 2).map((e) => `${e.date} ${e.start_time}`);
    expect(first).toEqual(['2026-05-10 14:00', '2026-05-11 09:00']);
    const answer = await call(
      'POST',
      '/v1/channel/orders/tour',
      orderBody({ ...tour, optionCode: tour.options[0]!, inventoryAt: '2026-05-10T09:00:00Z' }),
    );
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      options: [{ inventory_at: [expect.stringContaining('이미 지난 날짜입니다. (the date has passed')] }],
    });
  });
});

describe('the window rolls with the clock', () => {
  it.each([1, 3, 45, 400])(
    'after %i days the first date is the new today and the length is the same',
    async (n) => {
      const realNow = Date.UTC(2026, 4, 10, 3, 0);
      const call = await simulatorAt(realNow);
      const tours = (await allProducts(call, 'tour')).slice(0, 6);
      const before = new Map<string, number>();
      for (const product of tours) before.set(product, dates(await allEntries(call, 'tour', product)).length);
      await advance(call, n * DAY);
      const today = koreanDate(realNow + n * DAY);
      for (const product of tours) {
        const after = dates(await allEntries(call, 'tour', product));
        expect(after[0]! >= today, `${product}: ${after[0]} before ${today}`).toBe(true);
        expect(after.length).toBe(before.get(product));
      }
    },
  );

  it('serves no page kept from before a clock move', async () => {
    const call = await simulatorAt(Date.UTC(2026, 4, 10, 3, 0));
    const url = `/v1/channel/inventory/day-ticket/${INSTANT_TICKET}?page=1&page_size=5`;
    const first = (await call('GET', url)).body;
    expect((await call('GET', url)).body).toEqual(first);
    await advance(call, DAY);
    const moved = (await call('GET', url)).body;
    for (const [option, entries] of Object.entries(moved.option_codes as Record<string, ListedEntry[]>)) {
      expect(entries[0]!.date).toBe('2026-05-11');
      expect(entries[0]!.inventory_code).toBe(first.option_codes[option][1].inventory_code);
    }
  });

  it('refuses an order for a date the clock has moved past, and changes nothing', async () => {
    const call = await simulatorAt(Date.UTC(2026, 4, 10, 3, 0));
    const ticket = await register(call, 'day-ticket', INSTANT_TICKET);
    const entry = (await allEntries(call, 'day-ticket', INSTANT_TICKET))[ticket.options[0]!]![1]!;
    await advance(call, 3 * DAY);
    const body = orderBody({ ...ticket, optionCode: ticket.options[0]!, inventoryAt: inventoryAtOf(entry) });
    const answer = await call('POST', '/v1/channel/orders/day-ticket', body);
    expect(answer.status).toBe(400);
    expect(answer.body.options[0].inventory_at[0]).toContain(
      `the date has passed: ${entry.date} is before now`,
    );
    expect((await call('GET', '/__sim/orders')).body.orders).toEqual([]);
  });
});

describe('day-ticket validity follows the clock', () => {
  it('shows the sale period in sandbox dates and stops the inventory when it ends', async () => {
    const realNow = Date.UTC(2026, 4, 10, 3, 0);
    const call = await simulatorAt(realNow);
    const list = (await call('GET', '/v1/channel/products/day-ticket?page=1&page_size=100')).body
      .products as Array<Record<string, string>>;
    for (const p of list) {
      expect(p.start_date_of_the_sale! <= '2026-05-10', p.product_code).toBe(true);
      expect(p.end_date_of_the_sale! > '2027-03-01', p.product_code).toBe(true);
    }
    const product = list[0]!;
    const ticket = await register(call, 'day-ticket', product.product_code!);
    const end = Date.parse(`${product.end_date_of_the_sale}T00:00:00Z`);
    // To the sale's last day: it is still listed (and orderable), alone.
    await advance(call, end - Date.parse('2026-05-10T00:00:00Z'));
    const last = await allEntries(call, 'day-ticket', ticket.code);
    expect(dates(last)).toEqual([product.end_date_of_the_sale]);
    // The day after: nothing to list, nothing to order; the product list still shows the same dates.
    await advance(call, DAY);
    const after = await allEntries(call, 'day-ticket', ticket.code);
    expect(Object.values(after).flat()).toEqual([]);
    const body = orderBody({
      ...ticket,
      optionCode: ticket.options[0]!,
      inventoryAt: `${product.end_date_of_the_sale}T00:00:00Z`,
    });
    expect((await call('POST', '/v1/channel/orders/day-ticket', body)).status).toBe(400);
    const again = (await call('GET', '/v1/channel/products/day-ticket?page=1&page_size=100')).body.products;
    expect(again[0]).toEqual(product);
  });
});

describe('after the use time the supplier checks travelers in', () => {
  async function orderTomorrow(call: Call, productCode: string) {
    const tour = await register(call, 'tour', productCode);
    const entry = (await allEntries(call, 'tour', productCode))[tour.options[0]!]!.find(
      (e) => e.date === '2026-05-11' && e.start_time === '14:00',
    )!;
    const created = await call(
      'POST',
      '/v1/channel/orders/tour',
      orderBody({ ...tour, optionCode: tour.options[0]!, inventoryAt: inventoryAtOf(entry), quantity: 2 }),
    );
    expect(created.status).toBe(201);
    const line = created.body.data.depth_combinations[0];
    return { order: line.ax_order_code as string, ticket: line.tickets[0].ax_ticket_code as string };
  }

  const ticketStatuses = async (call: Call, order: string) =>
    ((await call('GET', '/__sim/orders')).body.orders as SimulatorComponents['schemas']['SimOrder'][])
      .filter((o) => o.ax_order_code === order)
      .flatMap((o) => o.tickets)
      .map((t) => t.ax_ticket_status);

  it('marks the tickets Used once the tour has started, so a cancel after use is refused', async () => {
    // 2026-05-10 12:00 in Seoul; the order is for 2026-05-11 14:00 in Seoul = 05:00 UTC.
    const call = await simulatorAt(Date.UTC(2026, 4, 10, 3, 0));
    const { order, ticket } = await orderTomorrow(call, INSTANT_TOUR);
    await advance(call, DAY + HOUR + 59 * 60_000);
    expect(await ticketStatuses(call, order)).toEqual(['New', 'New']);
    // At the start time it is still New; once it has passed, Used.
    await advance(call, 60_000);
    expect(await ticketStatuses(call, order)).toEqual(['New', 'New']);
    await advance(call, 1_000);
    expect(await ticketStatuses(call, order)).toEqual(['Used', 'Used']);
    const cancel = await call('PATCH', `/v1/channel/orders/tour/${order}/tickets/${ticket}`, {
      status: 'Traveler canceled',
    });
    expect(cancel.status).toBe(400);
    expect(cancel.body.status[0]).toContain('"Used"');
  });

  it('leaves the manual profile to the control API', async () => {
    const call = await simulatorAt(Date.UTC(2026, 4, 10, 3, 0));
    const { order, ticket } = await orderTomorrow(call, MANUAL_TOUR);
    await call('POST', `/__sim/orders/${order}/supplier`, { action: 'confirm' });
    await advance(call, 3 * DAY);
    expect(await ticketStatuses(call, order)).toEqual(['New', 'New']);
    const cancel = await call('PATCH', `/v1/channel/orders/tour/${order}/tickets/${ticket}`, {
      status: 'Traveler canceled',
    });
    expect(cancel.status).toBe(200);
  });
});
