import { describe, expect, it } from 'vitest';
import { currentProduct, type DomainContext } from './context.ts';
import { invalidChoice, MESSAGES } from './errors.ts';
import { uuidFrom } from './ids.ts';
import { findEntry } from './inventory.ts';
import {
  type CreateOrderInput,
  type CreateOrderLine,
  cancelOrder,
  cancelTicket,
  createOrder,
  getOrder,
} from './orders.ts';
import { scheduleKey } from './schedule.ts';
import { supplierActOnOrder, supplierActOnTicket } from './supplier.ts';
import {
  catchApiError as apiError,
  makeTestContext,
  TEST_DAY_TICKET_CODE,
  TEST_TICKET_ADULT,
  TEST_TOUR_ADULT,
  TEST_TOUR_CHILD,
  TEST_TOUR_CODE,
  testDayTicket,
  testTour,
  withChanges,
} from './testing.ts';
import type { Family, Product, Registration } from './types.ts';

// ---------------------------------------------------------------------------------------------------
// Fixtures

const TOUR_MAP = 'map-tour';
const TICKET_MAP = 'map-ticket';
const DAY0_0900 = '2026-03-01T09:00:00Z';

function registration(mappingCode: string, productCode: string, family: Family): Registration {
  return {
    mappingCode,
    productCode,
    family,
    version: 1,
    mappingData: {},
    channelProductName: 'x',
    channelProductLink: 'https://channel.example/x',
    channelProductId: 'x',
    registeredAt: '2026-03-01T00:00:00Z',
  };
}

function baseCtx(products?: Product[]): DomainContext {
  return withChanges(makeTestContext(products ? { products } : {}), [
    ['registrations', TOUR_MAP, registration(TOUR_MAP, TEST_TOUR_CODE, 'tour')],
    ['registrations', TICKET_MAP, registration(TICKET_MAP, TEST_DAY_TICKET_CODE, 'day-ticket')],
  ]);
}

function tourLine(over: Partial<CreateOrderLine> = {}): CreateOrderLine {
  const quantity = over.quantity ?? 2;
  return {
    mappingCode: TOUR_MAP,
    optionCode: TEST_TOUR_ADULT,
    quantity,
    inventoryAt: DAY0_0900,
    unitSellingPrice: '80',
    amountPrice: '80',
    tickets: Array.from({ length: quantity }, (_, i) => ({
      channelCode: `ch-${i}`,
      traveler: { name: `T${i}` },
    })),
    ...over,
  };
}

function orderInput(lines: CreateOrderLine[], over: Partial<CreateOrderInput> = {}): CreateOrderInput {
  return {
    family: 'tour',
    channelOrderCode: 'CO-1',
    requestHash: 'hash-1',
    currency: 'USD',
    lines,
    representative: { name: 'Rep', additional: { english_name: 'Rep Lee' } },
    purchaser: { name: 'Buyer' },
    ...over,
  };
}

type Path = Array<string | number>;
const LEGACY_NAMES = { optionCode: 'dc_code', inventoryAt: 'use_date' };

/** The messages at `path` of an error body; fails unless that is a list of strings. */
function messagesAt(body: unknown, path: Path): string[] {
  let node = body;
  for (const key of path) node = (node as Record<string | number, unknown>)[key];
  expect(Array.isArray(node) && node.every((m) => typeof m === 'string'), JSON.stringify(body)).toBe(true);
  return node as string[];
}

function remain(ctx: DomainContext, optionCode = TEST_TOUR_ADULT, at = DAY0_0900): number {
  return findEntry(ctx, currentProduct(ctx, TEST_TOUR_CODE)!, optionCode, at)!.remain;
}

/** A context holding one created tour order (quantity 2 by default); returns it with the order's code. */
function withOrder(ctx = baseCtx(), line = tourLine()) {
  const { result, changes } = createOrder(ctx, orderInput([line]));
  const order = result.orders[0]!;
  return { ctx: withChanges(ctx, changes), order, code: order.code };
}

// ---------------------------------------------------------------------------------------------------
// Create

describe('createOrder', () => {
  it('creates one order per line with one New ticket per unit', () => {
    const ctx = baseCtx();
    const { result, changes } = createOrder(ctx, orderInput([tourLine()]));
    expect(result.replayed).toBe(false);
    expect(result.channelOrderCode).toBe('CO-1');
    expect(result.orders).toHaveLength(1);
    const order = result.orders[0]!;
    const code = uuidFrom('order', 'test-channel', 'CO-1', 0);
    expect(order).toMatchObject({
      code,
      family: 'tour',
      channelOrderCode: 'CO-1',
      status: 'New',
      channelStatus: 'New',
      comment: '새 주문',
      productCode: TEST_TOUR_CODE,
      productVersion: 1,
      optionCode: TEST_TOUR_ADULT,
      mappingCode: TOUR_MAP,
      inventoryAt: '2026-03-01T09:00:00Z',
      quantity: 2,
      unitSellingPrice: '80',
      amountPrice: '80',
      currency: 'USD',
      supplier: 'instant-confirm',
      createdAt: '2026-03-01T00:00:00Z',
      updatedAt: '2026-03-01T00:00:00Z',
    });
    expect(order.tickets).toEqual([
      {
        code: uuidFrom('ticket', code, 0),
        channelCode: 'ch-0',
        status: 'New',
        traveler: { name: 'T0' },
        updatedAt: '2026-03-01T00:00:00Z',
      },
      {
        code: uuidFrom('ticket', code, 1),
        channelCode: 'ch-1',
        status: 'New',
        traveler: { name: 'T1' },
        updatedAt: '2026-03-01T00:00:00Z',
      },
    ]);
    expect(changes.map(([c, k]) => `${c}:${k}`).sort()).toEqual(
      [
        `orders:${code}`,
        'channelOrders:CO-1',
        `stock:${order.inventoryCode}`,
        `schedule:${code}:confirm`,
        `schedule:${code}:use`,
      ].sort(),
    );
    // The supplier checks the travelers in once the tour has started: 09:00 in Korea is 00:00 UTC.
    expect(changes).toContainEqual([
      'schedule',
      `${code}:use`,
      { orderCode: code, at: Date.parse('2026-03-01T00:00:00Z') + 1, action: 'use' },
    ]);
    expect(changes).toContainEqual([
      'channelOrders',
      'CO-1',
      {
        channelOrderCode: 'CO-1',
        family: 'tour',
        requestHash: 'hash-1',
        orderCodes: [code],
        createdAt: '2026-03-01T00:00:00Z',
      },
    ]);
    expect(changes).toContainEqual([
      'schedule',
      `${code}:confirm`,
      { orderCode: code, at: ctx.now, action: 'confirm' },
    ]);
  });

  it('derives the same codes every time (deterministic)', () => {
    const a = createOrder(baseCtx(), orderInput([tourLine(), tourLine({ optionCode: TEST_TOUR_CHILD })]));
    const b = createOrder(baseCtx(), orderInput([tourLine(), tourLine({ optionCode: TEST_TOUR_CHILD })]));
    expect(a).toEqual(b);
    expect(a.result.orders.map((o) => o.code)).toEqual([
      uuidFrom('order', 'test-channel', 'CO-1', 0),
      uuidFrom('order', 'test-channel', 'CO-1', 1),
    ]);
  });

  it('decrements the stock of each line', () => {
    const ctx = baseCtx();
    const before = remain(ctx);
    const beforeChild = remain(ctx, TEST_TOUR_CHILD);
    const { changes } = createOrder(
      ctx,
      orderInput([tourLine({ quantity: 3 }), tourLine({ optionCode: TEST_TOUR_CHILD, quantity: 1 })]),
    );
    const after = withChanges(ctx, changes);
    expect(remain(after)).toBe(before - 3);
    expect(remain(after, TEST_TOUR_CHILD)).toBe(beforeChild - 1);
  });

  it('does not touch ctx.state', () => {
    const ctx = baseCtx();
    const snapshot = JSON.stringify(ctx.state);
    createOrder(ctx, orderInput([tourLine()]));
    expect(JSON.stringify(ctx.state)).toBe(snapshot);
  });

  it('creates day-ticket orders at the day entry, with the delayed-confirm schedule', () => {
    const ctx = baseCtx();
    const line: CreateOrderLine = {
      ...tourLine({ quantity: 1 }),
      mappingCode: TICKET_MAP,
      optionCode: TEST_TICKET_ADULT,
      inventoryAt: '2026-03-05',
    };
    const { result, changes } = createOrder(
      ctx,
      orderInput([line], { family: 'day-ticket', currency: 'KRW' }),
    );
    const order = result.orders[0]!;
    expect(order).toMatchObject({
      family: 'day-ticket',
      inventoryAt: '2026-03-05T00:00:00Z',
      supplier: 'delayed-confirm',
    });
    expect(changes.filter(([c]) => c === 'schedule').map(([, k]) => k)).toEqual([
      scheduleKey(order.code, 'pending'),
      scheduleKey(order.code, 'confirm'),
      scheduleKey(order.code, 'use'),
    ]);
    // A day-ticket is checked in once its date is over in Korea: 2026-03-06 00:00 KST.
    expect(changes).toContainEqual([
      'schedule',
      scheduleKey(order.code, 'use'),
      { orderCode: order.code, at: Date.parse('2026-03-05T15:00:00Z') + 1, action: 'use' },
    ]);
  });

  it('replays an identical request as it was created, without changes', () => {
    const { ctx, order } = withOrder();
    // The supplier moved on since; the replay still shows the creation answer.
    const confirmed = withChanges(ctx, supplierActOnOrder(ctx, order.code, 'confirm').changes);
    const replay = createOrder(confirmed, orderInput([tourLine()]));
    expect(replay.changes).toEqual([]);
    expect(replay.result).toEqual({ replayed: true, channelOrderCode: 'CO-1', orders: [order] });
  });

  it('refuses the same channel order id with a different body', () => {
    const { ctx } = withOrder();
    const e = apiError(() =>
      createOrder(ctx, orderInput([tourLine({ quantity: 1 })], { requestHash: 'hash-2' })),
    );
    expect(e.status).toBe(400);
    // A field of the nested `order` object: DRF nests the error the same way.
    expect(Object.keys(e.body)).toEqual(['order']);
    expect(String(messagesAt(e.body, ['order', 'channel_order_id'])[0])).toContain('CO-1');
  });

  it('refuses the same channel order id for the other family', () => {
    const { ctx } = withOrder();
    const e = apiError(() => createOrder(ctx, orderInput([tourLine()], { family: 'day-ticket' })));
    expect(messagesAt(e.body, ['order', 'channel_order_id'])).toHaveLength(1);
  });

  // Where DRF puts each error: a field of line 0 is `{"options": [{"<field>": [...]}]}`, a rule about
  // several fields of the line goes under that element's non_field_errors, one about the request as a
  // whole under the top-level non_field_errors.
  const bad: Array<[string, () => CreateOrderInput, Path, string?]> = [
    [
      'unknown mapping code',
      () => orderInput([tourLine({ mappingCode: 'nope' })]),
      ['options', 0, 'channel_product_mapping_code'],
    ],
    [
      'mapping code of the other family',
      () => orderInput([tourLine({ mappingCode: TICKET_MAP })]),
      ['options', 0, 'channel_product_mapping_code'],
    ],
    [
      'option of another product',
      () => orderInput([tourLine({ optionCode: TEST_TICKET_ADULT })]),
      ['options', 0, 'option_code'],
    ],
    [
      'tickets ≠ quantity',
      () => orderInput([{ ...tourLine(), quantity: 3 }]),
      ['options', 0, 'non_field_errors'],
    ],
    ['quantity 0', () => orderInput([tourLine({ quantity: 0 })]), ['options', 0, 'quantity']],
    [
      'unparseable inventory_at',
      () => orderInput([tourLine({ inventoryAt: 'tomorrow 9am' })]),
      ['options', 0, 'inventory_at'],
    ],
    [
      'no start time at 10:00',
      () => orderInput([tourLine({ inventoryAt: '2026-03-01T10:00:00Z' })]),
      ['options', 0, 'inventory_at'],
      'no inventory',
    ],
    [
      'date beyond the inventory',
      () => orderInput([tourLine({ inventoryAt: '2026-06-01T09:00:00Z' })]),
      ['options', 0, 'inventory_at'],
      'no inventory',
    ],
    [
      'date before day zero',
      () => orderInput([tourLine({ inventoryAt: '2026-02-28T09:00:00Z' })]),
      ['options', 0, 'inventory_at'],
      'the date has passed',
    ],
    [
      'RTI missing',
      () => orderInput([tourLine()], { representative: { name: 'Rep' } }),
      ['non_field_errors'],
      'additional.english_name',
    ],
    [
      'RTI blank',
      () => orderInput([tourLine()], { representative: { additional: { english_name: ' ' } } }),
      ['non_field_errors'],
    ],
    [
      'closed day',
      () => orderInput([tourLine({ inventoryAt: '2026-03-02T09:00:00Z' })]),
      ['options', 0, 'non_field_errors'],
      'is_order is false',
    ],
    [
      'sold-out day',
      () => orderInput([tourLine({ inventoryAt: '2026-03-03T09:00:00Z' })]),
      ['options', 0, 'non_field_errors'],
      'sold out',
    ],
    ['more than remains', () => orderInput([tourLine({ quantity: 11 })]), ['options', 0, 'non_field_errors']],
    ['no lines', () => orderInput([]), ['options']],
  ];
  it.each(bad)('400 for %s, at %j, with no changes', (_name, input, path, mention) => {
    const ctx = baseCtx();
    const e = apiError(() => createOrder(ctx, input()));
    expect(e.status).toBe(400);
    expect(Object.keys(e.body)).toEqual([path[0]]);
    const messages = messagesAt(e.body, path);
    expect(messages).toHaveLength(1);
    if (mention) expect(messages[0]).toContain(mention);
    expect(ctx.state.orders).toEqual({});
    expect(ctx.state.stock).toEqual({});
  });

  it('answers a failing line at its position, with {} for every other line', () => {
    const e = apiError(() =>
      createOrder(baseCtx(), orderInput([tourLine(), tourLine({ optionCode: 'zzz' }), tourLine()])),
    );
    expect(e.body).toEqual({ options: [{}, { option_code: [expect.stringContaining('"zzz"')] }, {}] });
  });

  it('names the fields as the request sent them (legacy spellings)', () => {
    const input = orderInput([tourLine(), { ...tourLine({ optionCode: 'zzz' }), names: LEGACY_NAMES }]);
    input.names = { lines: 'depth_combinations', channelOrderCode: 'channel_order_code' };
    const e = apiError(() => createOrder(baseCtx(), input));
    expect(e.body).toEqual({ depth_combinations: [{}, { dc_code: [expect.any(String)] }] });
  });

  it('accepts RTI values given in every ticket instead of the representative', () => {
    const line = tourLine();
    line.tickets = line.tickets.map((t, i) => ({
      ...t,
      traveler: { additional: { english_name: `T${i}` } },
    }));
    const { result } = createOrder(baseCtx(), orderInput([line], { representative: { name: 'Rep' } }));
    expect(result.orders).toHaveLength(1);
  });

  it('refuses RTI values given in only some tickets', () => {
    const line = tourLine();
    line.tickets[0]!.traveler = { additional: { english_name: 'T0' } };
    const e = apiError(() => createOrder(baseCtx(), orderInput([line], { representative: { name: 'Rep' } })));
    expect(Object.keys(e.body)).toEqual(['non_field_errors']);
  });

  it('reserves nothing when line 2 cannot be served (all or nothing)', () => {
    const ctx = baseCtx();
    const e = apiError(() =>
      createOrder(
        ctx,
        orderInput([
          tourLine(),
          tourLine({ optionCode: TEST_TOUR_CHILD, inventoryAt: '2026-03-03T09:00:00Z' }),
        ]),
      ),
    );
    expect(Object.keys(e.body)).toEqual(['options']);
    expect(ctx.state.stock).toEqual({});
  });

  it('sums lines hitting the same inventory', () => {
    const ctx = baseCtx();
    const r = remain(ctx);
    const e = apiError(() =>
      createOrder(ctx, orderInput([tourLine({ quantity: r }), tourLine({ quantity: 1 })])),
    );
    expect(Object.keys(e.body)).toEqual(['options']);
  });
});

describe('getOrder', () => {
  it('finds an order of its family, 404 otherwise', () => {
    const { ctx, code } = withOrder();
    expect(getOrder(ctx, 'tour', code).code).toBe(code);
    expect(apiError(() => getOrder(ctx, 'day-ticket', code)).status).toBe(404);
    expect(apiError(() => getOrder(ctx, 'tour', 'unknown')).body).toEqual({ detail: MESSAGES.notFound });
  });
});

// ---------------------------------------------------------------------------------------------------
// Cancel order

describe('cancelOrder', () => {
  it('Traveler cancel: both statuses, tickets Traveler canceled, stock and schedule released', () => {
    const base = baseCtx();
    const before = remain(base);
    const { ctx, code } = withOrder(base);
    expect(remain(ctx)).toBe(before - 2);
    expect(ctx.state.schedule[scheduleKey(code, 'confirm')]).toBeDefined();
    const later = { ...ctx, now: ctx.now + 60_000 };
    const { result, changes } = cancelOrder(later, 'tour', code, { channelStatus: 'Traveler cancel' });
    expect(result.status).toBe('Traveler cancel');
    expect(result.channelStatus).toBe('Traveler cancel');
    expect(result.comment).toBe('여행자 취소');
    expect(result.updatedAt).toBe('2026-03-01T00:01:00Z');
    expect(result.tickets.map((t) => t.status)).toEqual(['Traveler canceled', 'Traveler canceled']);
    const after = withChanges(ctx, changes);
    expect(remain(after)).toBe(before);
    expect(after.state.schedule).toEqual({});
    expect(after.state.orders[code]).toEqual(result);
  });

  it('Unavoidable cancel: tickets Supplier canceled; comment stored', () => {
    const { ctx, code } = withOrder();
    const { result } = cancelOrder(ctx, 'tour', code, {
      channelStatus: 'Unavoidable cancel',
      comment: '기상 악화',
    });
    expect(result.status).toBe('Unavoidable cancel');
    expect(result.comment).toBe('기상 악화');
    expect(result.tickets.map((t) => t.status)).toEqual(['Supplier canceled', 'Supplier canceled']);
  });

  it('is allowed after Supplier confirm', () => {
    const { ctx, code } = withOrder();
    const confirmed = withChanges(ctx, supplierActOnOrder(ctx, code, 'confirm').changes);
    expect(cancelOrder(confirmed, 'tour', code, { channelStatus: 'Traveler cancel' }).result.status).toBe(
      'Traveler cancel',
    );
  });

  it('releases only the units still New (a cancelled one was released, a used one keeps its stock)', () => {
    const base = baseCtx();
    const before = remain(base);
    let { ctx, order } = withOrder(base, tourLine({ quantity: 3 }));
    const [t0, t1] = order.tickets;
    ctx = withChanges(
      ctx,
      cancelTicket(ctx, 'tour', order.code, t0!.code, { status: 'Traveler canceled' }).changes,
    );
    ctx = withChanges(ctx, supplierActOnTicket(ctx, order.code, t1!.code, 'use').changes);
    expect(remain(ctx)).toBe(before - 2);
    const { result, changes } = cancelOrder(ctx, 'tour', order.code, { channelStatus: 'Traveler cancel' });
    expect(result.tickets.map((t) => t.status)).toEqual(['Traveler canceled', 'Used', 'Traveler canceled']);
    expect(remain(withChanges(ctx, changes))).toBe(before - 1);
  });

  it('is idempotent for the current status', () => {
    const { ctx, code } = withOrder();
    const cancelled = withChanges(
      ctx,
      cancelOrder(ctx, 'tour', code, { channelStatus: 'Traveler cancel' }).changes,
    );
    const again = cancelOrder(cancelled, 'tour', code, {
      channelStatus: 'Traveler cancel',
      comment: 'again',
    });
    expect(again.changes).toEqual([]);
    expect(again.result).toEqual(cancelled.state.orders[code]);
    expect(cancelOrder(ctx, 'tour', code, { channelStatus: 'New' }).changes).toEqual([]);
  });

  it('only syncs channelStatus when the supplier already set the same status', () => {
    const { ctx, code } = withOrder();
    const byS = withChanges(ctx, supplierActOnOrder(ctx, code, 'unavoidable-cancel').changes);
    expect(byS.state.orders[code]!.channelStatus).toBe('New');
    const { result, changes } = cancelOrder(byS, 'tour', code, { channelStatus: 'Unavoidable cancel' });
    expect(changes).toHaveLength(1);
    expect(result.channelStatus).toBe('Unavoidable cancel');
    expect(result.tickets).toEqual(byS.state.orders[code]!.tickets);
  });

  it.each([
    ['Traveler cancel', 'Unavoidable cancel'],
    ['Traveler cancel', 'New'],
    ['Supplier reject', 'Traveler cancel'],
    ['Supplier confirm', 'New'],
  ] as const)('refuses from %s to %s, naming the current status', (current, requested) => {
    const { ctx, code } = withOrder();
    const moved =
      current === 'Traveler cancel'
        ? cancelOrder(ctx, 'tour', code, { channelStatus: current }).changes
        : supplierActOnOrder(ctx, code, current === 'Supplier reject' ? 'reject' : 'confirm').changes;
    const e = apiError(() =>
      cancelOrder(withChanges(ctx, moved), 'tour', code, { channelStatus: requested }),
    );
    expect(e.status).toBe(400);
    expect((e.body.channel_status as string[])[0]).toContain(current);
  });

  it('refuses values outside New / Traveler cancel / Unavoidable cancel', () => {
    const { ctx, code } = withOrder();
    for (const v of ['Supplier confirm', 'traveler cancel', 'Cancelled']) {
      expect(apiError(() => cancelOrder(ctx, 'tour', code, { channelStatus: v })).body).toEqual({
        channel_status: [invalidChoice(v)],
      });
    }
  });

  it('404 for an unknown order or the other family', () => {
    const { ctx, code } = withOrder();
    expect(
      apiError(() => cancelOrder(ctx, 'day-ticket', code, { channelStatus: 'Traveler cancel' })).status,
    ).toBe(404);
    expect(apiError(() => cancelOrder(ctx, 'tour', 'x', { channelStatus: 'Traveler cancel' })).status).toBe(
      404,
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// Cancel ticket

describe('cancelTicket', () => {
  it('cancels one ticket, releases one unit, leaves the order status', () => {
    const base = baseCtx();
    const before = remain(base);
    const { ctx, order } = withOrder(base);
    const t = order.tickets[1]!;
    const { result, changes } = cancelTicket(ctx, 'tour', order.code, t.code, {
      status: 'traveler CANCELED',
    });
    expect(result.ticket.status).toBe('Traveler canceled');
    expect(result.order.status).toBe('New');
    expect(result.order.tickets.map((x) => x.status)).toEqual(['New', 'Traveler canceled']);
    expect(remain(withChanges(ctx, changes))).toBe(before - 1);
  });

  it('is idempotent, and keeps the order status when every ticket is cancelled', () => {
    const { ctx: c0, order } = withOrder();
    let ctx = c0;
    for (const t of order.tickets) {
      ctx = withChanges(
        ctx,
        cancelTicket(ctx, 'tour', order.code, t.code, { status: 'Traveler Canceled' }).changes,
      );
    }
    expect(ctx.state.orders[order.code]!.status).toBe('New');
    expect(
      cancelTicket(ctx, 'tour', order.code, order.tickets[0]!.code, { status: 'Traveler canceled' }).changes,
    ).toEqual([]);
  });

  it('refuses other statuses with invalidChoice', () => {
    const { ctx, order } = withOrder();
    expect(
      apiError(() => cancelTicket(ctx, 'tour', order.code, order.tickets[0]!.code, { status: 'New' })).body,
    ).toEqual({
      status: [invalidChoice('New')],
    });
  });

  it('refuses Used and Supplier canceled tickets (also after a supplier reject)', () => {
    const { ctx, order } = withOrder();
    const [t0, t1] = order.tickets;
    const used = withChanges(ctx, supplierActOnTicket(ctx, order.code, t0!.code, 'use').changes);
    const e1 = apiError(() =>
      cancelTicket(used, 'tour', order.code, t0!.code, { status: 'Traveler canceled' }),
    );
    expect(Object.keys(e1.body)).toEqual(['status']);
    expect((e1.body.status as string[])[0]).toContain('Used');
    const rejected = withChanges(ctx, supplierActOnOrder(ctx, order.code, 'reject').changes);
    const e2 = apiError(() =>
      cancelTicket(rejected, 'tour', order.code, t1!.code, { status: 'Traveler canceled' }),
    );
    expect((e2.body.status as string[])[0]).toContain('Supplier canceled');
  });

  it('404 for a ticket of another order, an unknown order or the other family', () => {
    const { ctx, order } = withOrder();
    const other = createOrder(ctx, orderInput([tourLine({ quantity: 1 })], { channelOrderCode: 'CO-2' }));
    const ctx2 = withChanges(ctx, other.changes);
    const foreign = other.result.orders[0]!.tickets[0]!.code;
    const s = { status: 'Traveler canceled' };
    expect(apiError(() => cancelTicket(ctx2, 'tour', order.code, foreign, s)).status).toBe(404);
    expect(apiError(() => cancelTicket(ctx2, 'tour', 'x', foreign, s)).status).toBe(404);
    expect(
      apiError(() => cancelTicket(ctx2, 'day-ticket', order.code, order.tickets[0]!.code, s)).status,
    ).toBe(404);
  });
});

// ---------------------------------------------------------------------------------------------------
// Supplier actions

describe('supplierActOnOrder', () => {
  const manual = () => {
    const tour = testTour();
    tour.supplier = 'manual';
    return baseCtx([tour, testDayTicket()]);
  };

  it('pending then confirm, with the vendor Korean labels as default comments', () => {
    const { ctx, code } = withOrder(manual());
    const p = supplierActOnOrder(ctx, code, 'pending');
    expect(p.result).toMatchObject({
      status: 'Supplier pending',
      channelStatus: 'New',
      comment: 'Supplier 대기',
    });
    const ctx2 = withChanges(ctx, p.changes);
    const c = supplierActOnOrder(ctx2, code, 'confirm', '확정되었습니다');
    expect(c.result).toMatchObject({ status: 'Supplier confirm', comment: '확정되었습니다' });
    const e = apiError(() => supplierActOnOrder(withChanges(ctx2, c.changes), code, 'reject'));
    expect(Object.keys(e.body)).toEqual(['action']);
    expect((e.body.action as string[])[0]).toContain('Supplier confirm');
  });

  it('reject cancels New tickets and releases their stock', () => {
    const base = manual();
    const before = remain(base);
    const { ctx, order } = withOrder(base);
    const used = withChanges(
      ctx,
      supplierActOnTicket(ctx, order.code, order.tickets[0]!.code, 'use').changes,
    );
    const { result, changes } = supplierActOnOrder(used, order.code, 'reject');
    expect(result).toMatchObject({ status: 'Supplier reject', comment: 'Supplier 거절' });
    expect(result.tickets.map((t) => t.status)).toEqual(['Used', 'Supplier canceled']);
    expect(remain(withChanges(used, changes))).toBe(before - 1);
  });

  it('unavoidable-cancel from Supplier confirm', () => {
    const { ctx, code } = withOrder(manual());
    const confirmed = withChanges(ctx, supplierActOnOrder(ctx, code, 'confirm').changes);
    const { result } = supplierActOnOrder(confirmed, code, 'unavoidable-cancel');
    expect(result).toMatchObject({ status: 'Unavoidable cancel', comment: '불가피한 취소' });
    expect(result.tickets.every((t) => t.status === 'Supplier canceled')).toBe(true);
  });

  it('drops the schedule entries that no longer apply', () => {
    const tour = testTour();
    tour.supplier = 'delayed-confirm';
    const { ctx, code } = withOrder(baseCtx([tour, testDayTicket()]));
    const p = withChanges(ctx, supplierActOnOrder(ctx, code, 'pending').changes);
    expect(Object.keys(p.state.schedule).sort()).toEqual([
      scheduleKey(code, 'confirm'),
      scheduleKey(code, 'use'),
    ]);
    const c = withChanges(p, supplierActOnOrder(p, code, 'confirm').changes);
    // Confirmed: the check-in at the use time still applies.
    expect(Object.keys(c.state.schedule)).toEqual([scheduleKey(code, 'use')]);
    const cancelled = withChanges(c, supplierActOnOrder(c, code, 'unavoidable-cancel').changes);
    expect(cancelled.state.schedule).toEqual({});
  });

  it('404 for an unknown order; 400 for an unknown action', () => {
    const { ctx, code } = withOrder(manual());
    expect(apiError(() => supplierActOnOrder(ctx, 'x', 'confirm')).status).toBe(404);
    expect(Object.keys(apiError(() => supplierActOnOrder(ctx, code, 'fly' as never)).body)).toEqual([
      'action',
    ]);
  });
});

describe('supplierActOnTicket', () => {
  it('use: New → Used, stock kept; twice → 400', () => {
    const { ctx, order } = withOrder();
    const t = order.tickets[0]!;
    const { result, changes } = supplierActOnTicket(ctx, order.code, t.code, 'use');
    expect(result.ticket.status).toBe('Used');
    expect(changes.filter(([c]) => c === 'stock')).toEqual([]);
    const e = apiError(() => supplierActOnTicket(withChanges(ctx, changes), order.code, t.code, 'use'));
    expect(Object.keys(e.body)).toEqual(['action']);
  });

  it('cancel: New → Supplier canceled, one unit released', () => {
    const base = baseCtx();
    const before = remain(base);
    const { ctx, order } = withOrder(base);
    const { result, changes } = supplierActOnTicket(ctx, order.code, order.tickets[0]!.code, 'cancel');
    expect(result.ticket.status).toBe('Supplier canceled');
    expect(result.order.status).toBe('New');
    expect(remain(withChanges(ctx, changes))).toBe(before - 1);
  });

  it('404 for an unknown order or ticket', () => {
    const { ctx, order } = withOrder();
    expect(apiError(() => supplierActOnTicket(ctx, 'x', order.tickets[0]!.code, 'use')).status).toBe(404);
    expect(apiError(() => supplierActOnTicket(ctx, order.code, 'x', 'use')).status).toBe(404);
  });
});
