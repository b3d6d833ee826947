import { describe, expect, it } from 'vitest';
import { DAY_TICKET, type Family, type InventoryEntry, TOUR } from './support/families.ts';
import {
  client,
  currentEntry,
  needsControl,
  needsWrites,
  orderStatus,
  placeOrder,
  placeUndecidedOrder,
  rejection,
} from './support/world.ts';

const DAY_MS = 86_400_000;
/** The Korean calendar date (UTC+9, no daylight saving time) at `ms`: the spec's "today". */
const koreanDate = (ms: number) => new Date(ms + 9 * 3_600_000).toISOString().slice(0, 10);

/** Every date a product's inventory lists (all options, all pages). */
async function listedDates(family: Family, productCode: string): Promise<string[]> {
  const dates = new Set<string>();
  for (let page = 1; page < 50; page++) {
    const byOption = await family.inventory(client, productCode, { page, page_size: 100 });
    const entries = Object.values(byOption).flat() as InventoryEntry[];
    if (entries.length === 0) break;
    for (const e of entries) dates.add(e.date);
  }
  return [...dates].sort();
}

/**
 * The simulator's control API (openapi/simulator.yaml), and the vendor-API statuses after the supplier
 * acts: confirm, reject, use and cancel a ticket. Runs where GET /__sim/health answers.
 */

describe('health and clock', () => {
  it('getHealth › 200 {"status": "ok", "version"}', async (ctx) => {
    needsControl(ctx);
    const { data } = await client.getHealth();
    expect(data.status).toBe('ok');
  });

  it('advanceClock › moves getClock forward by exactly the seconds asked', async (ctx) => {
    needsWrites(ctx);
    needsControl(ctx);
    const before = (await client.getClock()).data;
    const after = (await client.advanceClock({ body: { seconds: 90 } })).data;
    expect(after.offset_seconds - before.offset_seconds).toBe(90);
    expect(Date.parse(after.now) - Date.parse(before.now)).toBeGreaterThanOrEqual(90_000);
    const read = (await client.getClock()).data;
    expect(read.offset_seconds).toBe(after.offset_seconds);
  });

  it('advanceClock › the inventory window rolls: first date ≥ the new Korean today, same length (getDayTicketInventory)', async (ctx) => {
    needsWrites(ctx);
    needsControl(ctx);
    const { codes } = await DAY_TICKET.listProducts(client, { page: 1, page_size: 5 });
    const before = await listedDates(DAY_TICKET, codes[0]!);
    const after = (await client.advanceClock({ body: { seconds: 2 * 86_400 } })).data;
    const today = koreanDate(Date.parse(after.now));
    const moved = await listedDates(DAY_TICKET, codes[0]!);
    expect(moved[0]! >= today, `${moved[0]} is before today, ${today}`).toBe(true);
    expect(moved[0]! > before[0]!).toBe(true);
    expect(moved.length).toBe(before.length);
  });

  it('advanceClock › after the use time the supplier checks travelers in: Used, and cancelTourTicket is refused', async (ctx) => {
    needsWrites(ctx);
    needsControl(ctx);
    const placed = await placeUndecidedOrder(TOUR, 1);
    const code = placed.line.ax_order_code;
    await client.actAsSupplierOnOrder({ path: { ax_order_code: code }, body: { action: 'confirm' } });
    const { entry } = placed.choice;
    // The tour's start in Korea (UTC+9), as an instant.
    const start = Date.parse(`${entry.date}T${entry.start_time}:00+09:00`);
    const now = Date.parse((await client.getClock()).data.now);
    await client.advanceClock({ body: { seconds: Math.ceil((start - now) / 1000) + 60 } });
    const ticket = placed.line.tickets[0]!.ax_ticket_code;
    const { data } = await client.listSimOrders();
    const order = data.orders.find((o) => o.ax_order_code === code)!;
    expect(order.tickets.map((t) => t.ax_ticket_status)).toEqual(['Used']);
    await rejection(TOUR.cancelTicket(client, code, ticket, { status: 'Traveler canceled' }), 400);
    expect(start - now).toBeLessThan(120 * DAY_MS);
  });

  it('advanceClock › 400 for negative seconds, and the clock stays', async (ctx) => {
    needsControl(ctx);
    const before = (await client.getClock()).data;
    await rejection(client.advanceClock({ body: { seconds: -60 } }), 400);
    expect((await client.getClock()).data.offset_seconds).toBe(before.offset_seconds);
  });
});

describe('the supplier decides', () => {
  it('actAsSupplierOnOrder › confirm shows as Supplier confirm with its comment in getTourOrderConfirm', async (ctx) => {
    needsWrites(ctx);
    needsControl(ctx);
    const placed = await placeUndecidedOrder(TOUR, 1);
    const code = placed.line.ax_order_code;
    const acted = await client.actAsSupplierOnOrder({
      path: { ax_order_code: code },
      body: { action: 'confirm', comment: 'Supplier 확정' },
    });
    expect(acted.data.ax_order_status).toBe('Supplier confirm');
    const [state] = await TOUR.confirm(client, code);
    expect(state).toMatchObject({
      ax_order_code: code,
      ax_order_status: 'Supplier confirm',
      comment: 'Supplier 확정',
    });
  });

  it('actAsSupplierOnOrder › reject shows as Supplier reject in getDayTicketOrderConfirm and the stock comes back (getDayTicketInventory)', async (ctx) => {
    needsWrites(ctx);
    needsControl(ctx);
    const placed = await placeUndecidedOrder(DAY_TICKET, 2);
    const code = placed.line.ax_order_code;
    expect((await currentEntry(placed.choice)).remain_quantity).toBe(placed.before.remain_quantity - 2);
    await client.actAsSupplierOnOrder({
      path: { ax_order_code: code },
      body: { action: 'reject', comment: '마감' },
    });
    expect(await orderStatus(DAY_TICKET, code)).toBe('Supplier reject');
    const after = await currentEntry(placed.choice);
    expect(after.remain_quantity, 'remain after the supplier rejects').toBe(placed.before.remain_quantity);
    expect(after.ordered_quantity).toBe(placed.before.ordered_quantity);
  });

  it('cancelTourOrder › 400 for an order the supplier rejected (actAsSupplierOnOrder)', async (ctx) => {
    needsWrites(ctx);
    needsControl(ctx);
    const placed = await placeUndecidedOrder(TOUR, 1);
    const code = placed.line.ax_order_code;
    await client.actAsSupplierOnOrder({ path: { ax_order_code: code }, body: { action: 'reject' } });
    await rejection(TOUR.cancelOrder(client, code, { channel_status: 'Traveler cancel' }), 400);
    expect(await orderStatus(TOUR, code)).toBe('Supplier reject');
  });

  it('actAsSupplierOnTicket › a Used ticket cannot be cancelled by the channel (cancelTourTicket 400)', async (ctx) => {
    needsWrites(ctx);
    needsControl(ctx);
    const placed = await placeOrder(TOUR, 1);
    const path = {
      ax_order_code: placed.line.ax_order_code,
      ticket_code: placed.line.tickets[0]!.ax_ticket_code,
    };
    const used = await client.actAsSupplierOnTicket({ path, body: { action: 'use' } });
    expect(used.data.ax_ticket_status).toBe('Used');
    await rejection(
      TOUR.cancelTicket(client, path.ax_order_code, path.ticket_code, { status: 'Traveler canceled' }),
      400,
    );
  });

  it('actAsSupplierOnTicket › cancel: Supplier canceled, one unit back (getDayTicketInventory), refund accepted (refundDayTicketTicket)', async (ctx) => {
    needsWrites(ctx);
    needsControl(ctx);
    const placed = await placeOrder(DAY_TICKET, 2);
    const path = {
      ax_order_code: placed.line.ax_order_code,
      ticket_code: placed.line.tickets[0]!.ax_ticket_code,
    };
    const cancelled = await client.actAsSupplierOnTicket({ path, body: { action: 'cancel' } });
    expect(cancelled.data.ax_ticket_status).toBe('Supplier canceled');
    expect((await currentEntry(placed.choice)).remain_quantity).toBe(placed.before.remain_quantity - 1);
    const refund = await DAY_TICKET.refund(client, path.ax_order_code, path.ticket_code);
    expect(refund.data).toEqual({ status_code: 200 });
  });
});

describe('records', () => {
  it('listSimOrders › lists an order placed through the channel API with its tickets', async (ctx) => {
    needsWrites(ctx);
    needsControl(ctx);
    const placed = await placeOrder(TOUR, 2);
    const { data } = await client.listSimOrders();
    const order = data.orders.find((o) => o.ax_order_code === placed.line.ax_order_code);
    expect(order).toMatchObject({
      channel_order_code: placed.order.channel_order_code,
      product_code: placed.choice.productCode,
      option_code: placed.choice.optionCode,
      quantity: 2,
    });
    expect(order!.tickets.map((t) => t.ax_ticket_code).sort()).toEqual(
      placed.line.tickets.map((t) => t.ax_ticket_code).sort(),
    );
  });

  it('listSimRefunds › records the refund the channel reported (refundTourTicket)', async (ctx) => {
    needsWrites(ctx);
    needsControl(ctx);
    const placed = await placeOrder(TOUR, 1);
    const code = placed.line.ax_order_code;
    const ticket = placed.line.tickets[0]!.ax_ticket_code;
    await TOUR.cancelTicket(client, code, ticket, { status: 'Traveler canceled' });
    await TOUR.refund(client, code, ticket);
    const { data } = await client.listSimRefunds();
    expect(data.refunds.find((r) => r.ax_ticket_code === ticket)).toMatchObject({
      ax_order_code: code,
      channel_refunded_price: '2200',
    });
  });
});
