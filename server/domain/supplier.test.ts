import { describe, expect, it } from 'vitest';
import { compactChanges } from './changes.ts';
import { currentProduct, type DomainContext } from './context.ts';
import { findEntry } from './inventory.ts';
import { type CreateOrderInput, cancelOrder, createOrder } from './orders.ts';
import { dueActions, scheduleFor, scheduleKey } from './schedule.ts';
import { applyDue } from './supplier.ts';
import {
  makeTestContext,
  TEST_NOW,
  TEST_TOUR_ADULT,
  TEST_TOUR_CODE,
  testDayTicket,
  testRegistration,
  testTour,
  withChanges,
} from './testing.ts';
import type { ScheduledAction, SupplierProfile } from './types.ts';

const SEC = 1000;
const MIN = 60 * SEC;
const AT = '2026-03-01T09:00:00Z';

function ctxFor(profile: SupplierProfile): DomainContext {
  const tour = testTour();
  tour.supplier = profile;
  const reg = testRegistration();
  return withChanges(makeTestContext({ products: [tour, testDayTicket()] }), [['registrations', 'map', reg]]);
}

function input(channelOrderCode: string, quantity = 2): CreateOrderInput {
  return {
    family: 'tour',
    channelOrderCode,
    requestHash: channelOrderCode,
    currency: 'USD',
    lines: [
      {
        mappingCode: 'map',
        optionCode: TEST_TOUR_ADULT,
        quantity,
        inventoryAt: AT,
        unitSellingPrice: '80',
        amountPrice: '80',
        tickets: Array.from({ length: quantity }, (_, i) => ({ channelCode: `c${i}`, traveler: {} })),
      },
    ],
    representative: { additional: { english_name: 'Rep' } },
    purchaser: {},
  };
}

function place(ctx: DomainContext, channelOrderCode = 'CO-1', quantity = 2) {
  const { result, changes } = createOrder(ctx, input(channelOrderCode, quantity));
  return { ctx: withChanges(ctx, changes), code: result.orders[0]!.code };
}

/** Moves the clock to `now` and applies whatever is due, like the store would. */
function tick(ctx: DomainContext, now: number): DomainContext {
  const at = { ...ctx, now };
  return withChanges(at, applyDue(at, dueActions(at.state, now)));
}

function remain(ctx: DomainContext): number {
  return findEntry(ctx, currentProduct(ctx, TEST_TOUR_CODE)!, TEST_TOUR_ADULT, AT)!.remain;
}

describe('scheduleFor', () => {
  it.each([
    ['instant-confirm', [['confirm', 0]]],
    [
      'delayed-confirm',
      [
        ['pending', 60 * SEC],
        ['confirm', 30 * MIN],
      ],
    ],
    ['always-reject', [['reject', 5 * MIN]]],
    ['manual', []],
  ] as const)('%s', (profile, expected) => {
    expect(scheduleFor(profile, 'o1', 1000)).toEqual(
      expected.map(([action, after]) => ({ orderCode: 'o1', action, at: 1000 + after })),
    );
  });

  it('keys entries by order and action', () => {
    expect(scheduleKey('o1', 'confirm')).toBe('o1:confirm');
  });
});

describe('dueActions', () => {
  it('returns due entries sorted by time, order code, then pending < confirm < reject', () => {
    const entries: ScheduledAction[] = [
      { orderCode: 'b', at: 10, action: 'confirm' },
      { orderCode: 'b', at: 10, action: 'pending' },
      { orderCode: 'a', at: 10, action: 'reject' },
      { orderCode: 'a', at: 5, action: 'confirm' },
      { orderCode: 'c', at: 11, action: 'confirm' },
    ];
    const state = makeTestContext().state;
    const schedule = Object.fromEntries(entries.map((e) => [scheduleKey(e.orderCode, e.action), e]));
    expect(dueActions({ ...state, schedule }, 10)).toEqual([entries[3], entries[2], entries[1], entries[0]]);
    expect(dueActions({ ...state, schedule }, 4)).toEqual([]);
  });
});

describe('supplier profiles over time', () => {
  it('instant-confirm confirms at once', () => {
    const { ctx, code } = place(ctxFor('instant-confirm'));
    expect(ctx.state.orders[code]!.status).toBe('New');
    const t0 = tick(ctx, TEST_NOW);
    expect(t0.state.orders[code]).toMatchObject({
      status: 'Supplier confirm',
      channelStatus: 'New',
      comment: 'Supplier 확정',
    });
    // What is left is the check-in, once the tour (09:00 in Seoul = TEST_NOW) has started.
    expect(Object.values(t0.state.schedule)).toEqual([{ orderCode: code, at: TEST_NOW + 1, action: 'use' }]);
    const used = tick(t0, TEST_NOW + 1);
    expect(used.state.orders[code]!.tickets.map((t) => t.status)).toEqual(['Used', 'Used']);
    expect(used.state.schedule).toEqual({});
  });

  it('checks in only a confirmed order, and never for the manual profile', () => {
    // delayed-confirm is still New at the tour's start (it confirms at +30 min): nothing to check in.
    const delayed = place(ctxFor('delayed-confirm'));
    const later = tick(delayed.ctx, TEST_NOW + 60 * MIN);
    expect(later.state.orders[delayed.code]).toMatchObject({ status: 'Supplier confirm' });
    expect(later.state.orders[delayed.code]!.tickets.map((t) => t.status)).toEqual(['New', 'New']);
    const manual = place(ctxFor('manual'));
    expect(manual.ctx.state.schedule).toEqual({});
  });

  it('delayed-confirm: pending at +60 s, confirm at +30 min', () => {
    const { ctx, code } = place(ctxFor('delayed-confirm'));
    const status = (c: DomainContext) => c.state.orders[code]!.status;
    let c = tick(ctx, TEST_NOW + 59 * SEC);
    expect(status(c)).toBe('New');
    c = tick(c, TEST_NOW + 60 * SEC);
    expect(status(c)).toBe('Supplier pending');
    expect(c.state.orders[code]!.updatedAt).toBe('2026-03-01T00:01:00Z');
    c = tick(c, TEST_NOW + 30 * MIN - 1);
    expect(status(c)).toBe('Supplier pending');
    c = tick(c, TEST_NOW + 30 * MIN);
    expect(status(c)).toBe('Supplier confirm');
    expect(c.state.schedule).toEqual({});
  });

  it('delayed-confirm: both steps in one catch-up, stamped with their due times', () => {
    const { ctx, code } = place(ctxFor('delayed-confirm'));
    const c = tick(ctx, TEST_NOW + 2 * 60 * MIN);
    expect(c.state.orders[code]).toMatchObject({
      status: 'Supplier confirm',
      updatedAt: '2026-03-01T00:30:00Z',
    });
    expect(c.state.schedule).toEqual({});
  });

  it('always-reject: reject at +5 min, tickets Supplier canceled, stock back', () => {
    const base = ctxFor('always-reject');
    const before = remain(base);
    const { ctx, code } = place(base);
    let c = tick(ctx, TEST_NOW + 5 * MIN - 1);
    expect(c.state.orders[code]!.status).toBe('New');
    c = tick(c, TEST_NOW + 5 * MIN);
    expect(c.state.orders[code]).toMatchObject({ status: 'Supplier reject', comment: 'Supplier 거절' });
    expect(c.state.orders[code]!.tickets.map((t) => t.status)).toEqual([
      'Supplier canceled',
      'Supplier canceled',
    ]);
    expect(remain(c)).toBe(before);
  });

  it('always-reject: two orders on one inventory released cumulatively in one batch', () => {
    const base = ctxFor('always-reject');
    const before = remain(base);
    const first = place(base, 'CO-1', 2);
    const second = place(first.ctx, 'CO-2', 1);
    expect(remain(second.ctx)).toBe(before - 3);
    const c = tick(second.ctx, TEST_NOW + 10 * MIN);
    expect(remain(c)).toBe(before);
    expect(c.state.stock).toEqual({ [c.state.orders[first.code]!.inventoryCode]: 0 });
  });

  it('manual: nothing scheduled, nothing happens', () => {
    const { ctx, code } = place(ctxFor('manual'));
    expect(ctx.state.schedule).toEqual({});
    expect(tick(ctx, TEST_NOW + 24 * 60 * MIN).state.orders[code]!.status).toBe('New');
  });
});

describe('applyDue', () => {
  it('skips a confirm after the channel cancelled first', () => {
    const { ctx, code } = place(ctxFor('delayed-confirm'));
    const cancelled = withChanges(
      ctx,
      cancelOrder(ctx, 'tour', code, { channelStatus: 'Traveler cancel' }).changes,
    );
    expect(dueActions(cancelled.state, TEST_NOW + 60 * MIN)).toEqual([]);
    expect(tick(cancelled, TEST_NOW + 60 * MIN).state.orders[code]!.status).toBe('Traveler cancel');
  });

  it('skips a stale action handed in anyway, deleting its entry only', () => {
    const { ctx, code } = place(ctxFor('delayed-confirm'));
    const stale = dueActions(ctx.state, TEST_NOW + 60 * MIN);
    const cancelled = withChanges(
      ctx,
      cancelOrder(ctx, 'tour', code, { channelStatus: 'Unavoidable cancel' }).changes,
    );
    const changes = applyDue({ ...cancelled, now: TEST_NOW + 60 * MIN }, stale);
    // The tour starts at TEST_NOW (09:00 in Korea), so its check-in is among them, first.
    expect(changes).toEqual([
      ['schedule', scheduleKey(code, 'use'), null],
      ['schedule', scheduleKey(code, 'pending'), null],
      ['schedule', scheduleKey(code, 'confirm'), null],
    ]);
  });

  it('ignores actions of unknown orders', () => {
    expect(applyDue(ctxFor('manual'), [{ orderCode: 'gone', at: 0, action: 'confirm' }])).toEqual([
      ['schedule', 'gone:confirm', null],
    ]);
  });
});

describe('compactChanges', () => {
  it('keeps the last write per key, in order of those writes', () => {
    expect(
      compactChanges([
        ['stock', 'a', 1],
        ['stock', 'b', 1],
        ['stock', 'a', 2],
        ['schedule', 'a', null],
      ]),
    ).toEqual([
      ['stock', 'b', 1],
      ['stock', 'a', 2],
      ['schedule', 'a', null],
    ]);
  });
});
