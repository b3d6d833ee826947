import { describe, expect, it } from 'vitest';
import { stateAfter } from './changes.ts';
import type { DomainContext } from './context.ts';
import { ApiError } from './errors.ts';
import {
  findEntry,
  type InventoryEntry,
  inventoryCode,
  isClosedDay,
  listEntries,
  release,
  reserve,
  reserveMany,
  seededOrdered,
  todayIndex,
} from './inventory.ts';
import {
  makeTestContext,
  TEST_ANCHOR_DATE,
  TEST_DAY_TICKET_CODE,
  TEST_NOW,
  TEST_TICKET_ADULT,
  TEST_TICKET_SOLD_OUT_DAY,
  TEST_TOUR_ADULT,
  TEST_TOUR_CHILD,
  TEST_TOUR_CLOSED_DAY,
  TEST_TOUR_CODE,
  TEST_TOUR_SOLD_OUT_DAY,
  testDayTicket,
  testTour,
  withChanges,
} from './testing.ts';
import { addDays } from './time.ts';
import type { Product } from './types.ts';
import { metaChange } from './types.ts';

function product(ctx: DomainContext, code: string): Product {
  return ctx.catalog.byCode.get(code)!;
}

function entry(
  ctx: DomainContext,
  at: string,
  option = TEST_TOUR_ADULT,
  code = TEST_TOUR_CODE,
): InventoryEntry {
  const e = findEntry(ctx, product(ctx, code), option, at);
  if (!e) throw new Error(`no entry at ${at}`);
  return e;
}

/** Expect a 400 naming `options` whose message contains every fragment. */
function expectOptionsError(fn: () => unknown, ...fragments: string[]) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    const err = e as ApiError;
    expect(err.status).toBe(400);
    expect(Object.keys(err.body)).toEqual(['options']);
    const [message] = err.body.options as string[];
    for (const f of fragments) expect(message).toContain(f);
    return;
  }
  throw new Error('expected an ApiError');
}

/** Day 3 of the test tour: neither closed nor sold out. */
const OPEN_DAY = '2026-03-04';

describe('seededOrdered', () => {
  const rule = testTour().options[0]!.inventory;
  it('is deterministic and within 0..capacity/2', () => {
    for (let day = 0; day < 14; day++) {
      if (day === TEST_TOUR_SOLD_OUT_DAY) continue;
      const n = seededOrdered(rule, 'opt', day, '09:00');
      expect(n).toBe(seededOrdered(rule, 'opt', day, '09:00'));
      expect(n).toBeGreaterThanOrEqual(0);
      expect(n).toBeLessThanOrEqual(5);
    }
  });
  it('fills sold-out days', () => {
    expect(seededOrdered(rule, 'opt', TEST_TOUR_SOLD_OUT_DAY, '09:00')).toBe(10);
  });
  it('varies with the inputs', () => {
    const values = new Set<number>();
    for (let day = 3; day < 14; day++) values.add(seededOrdered(rule, 'opt', day, '14:00'));
    expect(values.size).toBeGreaterThan(1);
  });
});

describe('listEntries', () => {
  const ctx = makeTestContext();
  const tour = product(ctx, TEST_TOUR_CODE);
  const entries = listEntries(ctx, tour, tour.options[0]!);

  it('has one entry per day and start time, in order', () => {
    expect(entries).toHaveLength(28);
    expect(entries[0]).toMatchObject({ day: 0, date: '2026-03-01', startTime: '09:00', dayOfWeek: 'Sunday' });
    expect(entries[1]).toMatchObject({ day: 0, date: '2026-03-01', startTime: '14:00' });
    expect(entries[27]).toMatchObject({
      day: 13,
      date: '2026-03-14',
      startTime: '14:00',
      dayOfWeek: 'Saturday',
    });
    expect(entries[1]!.at).toBe(Date.parse('2026-03-01T14:00:00Z'));
    expect(new Set(entries.map((e) => e.code)).size).toBe(28);
    expect(entries[0]!.code).toBe(inventoryCode(TEST_TOUR_ADULT, 0, '09:00'));
  });

  it('keeps max = remain + ordered and the rule figures', () => {
    for (const e of entries) {
      expect(e.max).toBe(10);
      expect(e.min).toBe(2);
      expect(e.remain + e.ordered).toBe(e.max);
      expect(e.remain).toBeGreaterThanOrEqual(0);
    }
  });

  it('marks the closed day and the sold-out day', () => {
    for (const e of entries) {
      expect(e.isOrder).toBe(e.day !== TEST_TOUR_CLOSED_DAY);
      if (e.day === TEST_TOUR_SOLD_OUT_DAY) expect(e.remain).toBe(0);
    }
  });

  it('adds the channel stock to the seeded quantity', () => {
    const code = entries[6]!.code;
    const after = listEntries(withChanges(ctx, [['stock', code, 3]]), tour, tour.options[0]!);
    expect(after[6]!.ordered).toBe(entries[6]!.ordered + 3);
    expect(after[6]!.remain).toBe(entries[6]!.remain - 3);
  });

  it('clamps ordered to max when stock overflows', () => {
    const code = entries[6]!.code;
    const after = listEntries(withChanges(ctx, [['stock', code, 99]]), tour, tour.options[0]!);
    expect(after[6]).toMatchObject({ ordered: 10, remain: 0, max: 10 });
  });

  it('gives day-tickets one entry per day with no start time', () => {
    const ticket = product(ctx, TEST_DAY_TICKET_CODE);
    const list = listEntries(ctx, ticket, ticket.options[0]!);
    expect(list).toHaveLength(14);
    expect(list.every((e) => e.startTime === null && e.isOrder && e.max === 20)).toBe(true);
    expect(list[0]!.at).toBe(Date.parse('2026-03-01T00:00:00Z'));
    expect(list[TEST_TICKET_SOLD_OUT_DAY]!.remain).toBe(0);
  });

  it('lists a page of positions exactly as slicing the whole list would', () => {
    for (const [from, to] of [
      [0, 5],
      [3, 4],
      [25, 50],
      [27, 28],
      [28, 40],
      [100, 125],
      [0, Number.POSITIVE_INFINITY],
    ] as const) {
      expect(listEntries(ctx, tour, tour.options[0]!, from, to)).toEqual(entries.slice(from, to));
    }
  });

  it('dates entries from the channel anchor', () => {
    const base = makeTestContext();
    const anchorDate = '2026-12-31';
    const moved = makeTestContext({
      state: stateAfter(base.state, [metaChange({ ...base.meta, anchorDate })]),
      now: Date.parse('2026-12-31T00:00:00Z'),
    });
    const list = listEntries(moved, tour, tour.options[0]!);
    expect(list[2]!.date).toBe('2027-01-01');
  });
});

describe('findEntry', () => {
  const ctx = makeTestContext();
  const tour = product(ctx, TEST_TOUR_CODE);
  const ticket = product(ctx, TEST_DAY_TICKET_CODE);

  it('finds a tour entry by date and start time in any accepted form', () => {
    for (const at of [
      '2026-03-04T14:00:00Z',
      '2026-03-04T14:00:00.000Z',
      '2026-03-04 14:00',
      '2026-03-04 14:00:00',
      '2026-03-04T23:00:00+09:00',
    ]) {
      const e = findEntry(ctx, tour, TEST_TOUR_ADULT, at);
      expect(e, at).toMatchObject({ day: 3, date: '2026-03-04', startTime: '14:00' });
      expect(e!.code).toBe(inventoryCode(TEST_TOUR_ADULT, 3, '14:00'));
    }
  });

  it('requires an exact start time for tours', () => {
    expect(findEntry(ctx, tour, TEST_TOUR_ADULT, '2026-03-04 10:00')).toBeUndefined();
    expect(findEntry(ctx, tour, TEST_TOUR_ADULT, '2026-03-04 14:00:30')).toBeUndefined();
  });

  it('refuses an ambiguous bare date for a tour with several start times', () => {
    expect(findEntry(ctx, tour, TEST_TOUR_ADULT, OPEN_DAY)).toBeUndefined();
  });

  it('accepts a bare date for a tour with one start time', () => {
    const single = testTour();
    single.options[0]!.inventory.startTimes = ['14:00'];
    const c = makeTestContext({ products: [single] });
    expect(findEntry(c, single, TEST_TOUR_ADULT, OPEN_DAY)).toMatchObject({ day: 3, startTime: '14:00' });
  });

  it('matches day-tickets by UTC date, whatever the time', () => {
    expect(findEntry(ctx, ticket, TEST_TICKET_ADULT, '2026-03-04')).toMatchObject({
      day: 3,
      startTime: null,
    });
    expect(findEntry(ctx, ticket, TEST_TICKET_ADULT, '2026-03-04T18:30:00Z')).toMatchObject({ day: 3 });
    // 00:00 in Seoul is the previous UTC day.
    expect(findEntry(ctx, ticket, TEST_TICKET_ADULT, '2026-03-04T00:00:00+09:00')).toMatchObject({ day: 2 });
  });

  it('returns undefined outside the window, for unknown options and for bad input', () => {
    // Before today: an entry, marked past (the order refusal says so).
    expect(findEntry(ctx, tour, TEST_TOUR_ADULT, '2026-02-28 14:00')).toMatchObject({ day: -1, past: true });
    expect(findEntry(ctx, tour, TEST_TOUR_ADULT, '2026-03-15 14:00')).toBeUndefined();
    expect(findEntry(ctx, tour, TEST_TOUR_ADULT, '2026-03-14 14:00')).toMatchObject({ day: 13 });
    expect(findEntry(ctx, tour, TEST_TICKET_ADULT, '2026-03-04 14:00')).toBeUndefined();
    expect(findEntry(ctx, tour, TEST_TOUR_ADULT, '2026-02-30 14:00')).toBeUndefined();
    expect(findEntry(ctx, tour, TEST_TOUR_ADULT, 'soon')).toBeUndefined();
  });

  it('agrees with listEntries', () => {
    const listed = listEntries(ctx, tour, tour.options[1]!)[7]!;
    expect(findEntry(ctx, tour, TEST_TOUR_CHILD, `${listed.date} ${listed.startTime}`)).toEqual(listed);
  });
});

describe('reserve / release', () => {
  const ctx = makeTestContext();

  it('moves units from remain to ordered and back, keeping max = remain + ordered', () => {
    const before = entry(ctx, `${OPEN_DAY} 09:00`);
    const change = reserve(ctx, before, 2);
    expect(change).toEqual(['stock', before.code, 2]);
    const ctx2 = withChanges(ctx, [change]);
    const after = entry(ctx2, `${OPEN_DAY} 09:00`);
    expect(after).toMatchObject({ ordered: before.ordered + 2, remain: before.remain - 2, max: before.max });
    expect(after.remain + after.ordered).toBe(after.max);

    const ctx3 = withChanges(ctx2, [release(ctx2, before.code, 1)]);
    const released = entry(ctx3, `${OPEN_DAY} 09:00`);
    expect(released).toMatchObject({ ordered: before.ordered + 1, remain: before.remain - 1 });
    expect(released.remain + released.ordered).toBe(released.max);
  });

  it('can take the last unit, then reports sold out', () => {
    const e = entry(ctx, `${OPEN_DAY} 09:00`);
    const full = withChanges(ctx, [reserve(ctx, e, e.remain)]);
    const after = entry(full, `${OPEN_DAY} 09:00`);
    expect(after.remain).toBe(0);
    expectOptionsError(() => reserve(full, after, 1), 'sold out', TEST_TOUR_ADULT, OPEN_DAY, '09:00');
  });

  it('never releases below zero', () => {
    const code = inventoryCode(TEST_TOUR_ADULT, 3, '09:00');
    expect(release(ctx, code, 5)).toEqual(['stock', code, 0]);
    expect(release(withChanges(ctx, [['stock', code, 2]]), code, 5)).toEqual(['stock', code, 0]);
  });

  it('refuses a closed day', () => {
    const e = entry(ctx, '2026-03-02 14:00');
    expect(e.isOrder).toBe(false);
    expectOptionsError(() => reserve(ctx, e, 1), 'not on sale', TEST_TOUR_ADULT, '2026-03-02 14:00');
  });

  it('refuses a seeded sold-out day', () => {
    const e = entry(ctx, '2026-03-03 09:00');
    expectOptionsError(() => reserve(ctx, e, 1), '매진', 'sold out', 'remain 0', 'quantity 1');
  });

  it('refuses more than remains, naming remain and quantity', () => {
    const e = entry(ctx, `${OPEN_DAY} 14:00`);
    expectOptionsError(
      () => reserve(ctx, e, e.remain + 1),
      'not enough',
      `remain ${e.remain}`,
      `quantity ${e.remain + 1}`,
      OPEN_DAY,
    );
  });

  it('refuses a non-positive quantity', () => {
    const e = entry(ctx, `${OPEN_DAY} 14:00`);
    expectOptionsError(() => reserve(ctx, e, 0), 'positive integer');
    expectOptionsError(() => reserve(ctx, e, 1.5), 'positive integer');
  });
});

describe('reserveMany', () => {
  const ctx = makeTestContext();

  it('sums lines hitting the same entry into one write', () => {
    const a = entry(ctx, `${OPEN_DAY} 09:00`);
    const b = entry(ctx, `${OPEN_DAY} 09:00`, TEST_TOUR_CHILD);
    const changes = reserveMany(ctx, [
      { entry: a, quantity: 1 },
      { entry: b, quantity: 1 },
      { entry: a, quantity: 2 },
    ]);
    expect(changes).toEqual([
      ['stock', a.code, 3],
      ['stock', b.code, 1],
    ]);
  });

  it('is all or nothing when the sum exceeds what remains', () => {
    const a = entry(ctx, `${OPEN_DAY} 09:00`);
    const b = entry(ctx, `${OPEN_DAY} 14:00`);
    expect(a.remain).toBeGreaterThan(1);
    const half = Math.ceil(a.remain / 2);
    // Each line alone fits; together they do not.
    expect(() => reserve(ctx, a, half)).not.toThrow();
    expect(() => reserve(ctx, a, a.remain - half + 1)).not.toThrow();
    expectOptionsError(
      () =>
        reserveMany(ctx, [
          { entry: b, quantity: 1 },
          { entry: a, quantity: half },
          { entry: a, quantity: a.remain - half + 1 },
        ]),
      'not enough',
      `remain ${a.remain}`,
      `quantity ${a.remain + 1}`,
    );
  });

  it('counts stock already written for earlier orders', () => {
    const a = entry(ctx, `${OPEN_DAY} 09:00`);
    const ctx2 = withChanges(ctx, [reserve(ctx, a, a.remain - 1)]);
    const a2 = entry(ctx2, `${OPEN_DAY} 09:00`);
    expect(reserveMany(ctx2, [{ entry: a2, quantity: 1 }])).toEqual([['stock', a.code, a.remain]]);
    expectOptionsError(
      () =>
        reserveMany(ctx2, [
          { entry: a2, quantity: 1 },
          { entry: a2, quantity: 1 },
        ]),
      'remain 1',
      'quantity 2',
    );
  });

  it('returns nothing for no lines', () => {
    expect(reserveMany(ctx, [])).toEqual([]);
  });
});

describe('the calendar follows the virtual clock (Korea time)', () => {
  const HOUR = 3_600_000;
  const DAY = 24 * HOUR;
  const tour = testTour();
  const ticket = testDayTicket();
  const at = (now: number) => makeTestContext({ now });

  it('today is the Korean date: 15:00 UTC is already tomorrow in Seoul', () => {
    // TEST_NOW is 2026-03-01T00:00Z = 09:00 in Seoul; 15:00Z is 00:00 the next day there.
    expect(todayIndex(at(TEST_NOW))).toBe(0);
    expect(todayIndex(at(TEST_NOW + 14 * HOUR + 59 * 60_000))).toBe(0);
    expect(todayIndex(at(TEST_NOW + 15 * HOUR))).toBe(1);
  });

  it('rolls the window: after N days the first date is the new today and the length is the same', () => {
    const before = listEntries(at(TEST_NOW - 10 * HOUR), ticket, ticket.options[0]!);
    for (const n of [1, 3, 10, 45]) {
      const list = listEntries(at(TEST_NOW + n * DAY), ticket, ticket.options[0]!);
      expect(list).toHaveLength(before.length);
      expect(list[0]!.date).toBe(addDays(TEST_ANCHOR_DATE, n));
      expect(list.at(-1)!.date).toBe(addDays(TEST_ANCHOR_DATE, n + 13));
    }
  });

  it('keeps an entry its code and stock whatever day the window starts on', () => {
    const code = inventoryCode(TEST_TICKET_ADULT, 5, null);
    const later = withChanges(at(TEST_NOW + 3 * DAY), [['stock', code, 4]]);
    const e = listEntries(later, ticket, ticket.options[0]!).find((x) => x.code === code)!;
    expect(e).toMatchObject({ day: 5, date: '2026-03-06' });
    expect(e.ordered).toBe(seededOrdered(ticket.options[0]!.inventory, TEST_TICKET_ADULT, 5, null) + 4);
  });

  it("drops today's tour start times that have passed, and nothing else", () => {
    const first = (now: number) => listEntries(at(now), tour, tour.options[0]!).slice(0, 3);
    expect(first(TEST_NOW).map((e) => `${e.date} ${e.startTime}`)).toEqual([
      '2026-03-01 09:00',
      '2026-03-01 14:00',
      '2026-03-02 09:00',
    ]);
    // 09:01 in Seoul: the 09:00 tour has started.
    expect(first(TEST_NOW + 60_000).map((e) => `${e.date} ${e.startTime}`)).toEqual([
      '2026-03-01 14:00',
      '2026-03-02 09:00',
      '2026-03-02 14:00',
    ]);
    expect(listEntries(at(TEST_NOW + 60_000), tour, tour.options[0]!)).toHaveLength(14 * 2 - 1);
    expect(findEntry(at(TEST_NOW + 60_000), tour, TEST_TOUR_ADULT, '2026-03-01T09:00:00Z')).toMatchObject({
      past: true,
    });
    expect(findEntry(at(TEST_NOW + 60_000), tour, TEST_TOUR_ADULT, '2026-03-01T14:00:00Z')).toMatchObject({
      past: false,
    });
  });

  it('a day-ticket date is good all day in Korea, and past the next day', () => {
    const late = at(TEST_NOW + 14 * HOUR); // 23:00 in Seoul
    expect(findEntry(late, ticket, TEST_TICKET_ADULT, '2026-03-01')).toMatchObject({ past: false });
    const next = at(TEST_NOW + 15 * HOUR);
    expect(findEntry(next, ticket, TEST_TICKET_ADULT, '2026-03-01')).toMatchObject({ past: true });
    expect(listEntries(next, ticket, ticket.options[0]!)[0]!.date).toBe('2026-03-02');
  });

  it('repeats closed and sold-out days with the window, so every window has as many', () => {
    for (const n of [0, 5, 14, 31]) {
      // 09:00 in Seoul: today's 09:00 and 14:00 tours are both still ahead.
      const list = listEntries(at(TEST_NOW + n * DAY), tour, tour.options[0]!);
      expect(list.filter((e) => !e.isOrder)).toHaveLength(2);
      expect(list.filter((e) => e.remain === 0 && e.isOrder)).toHaveLength(2);
    }
    expect(isClosedDay(tour.options[0]!.inventory, TEST_TOUR_CLOSED_DAY + 14)).toBe(true);
  });

  it('lists a closed day-ticket date with remain 0 (its answer has no is_order)', () => {
    const closed = testDayTicket();
    closed.options[0]!.inventory.closedDays = [4];
    const e = listEntries(makeTestContext({ products: [closed] }), closed, closed.options[0]!)[4]!;
    expect(e).toMatchObject({ isOrder: false, remain: 0, ordered: e.max });
    expect(() => reserve(makeTestContext({ products: [closed] }), e, 1)).toThrow(/not on sale on this date/);
  });

  it('lists only the days of a day-ticket sale period', () => {
    const limited = testDayTicket();
    limited.salePeriod = { fromDay: 2, toDay: 5 };
    const ctx = makeTestContext({ products: [limited] });
    expect(listEntries(ctx, limited, limited.options[0]!).map((e) => e.day)).toEqual([2, 3, 4, 5]);
    expect(findEntry(ctx, limited, TEST_TICKET_ADULT, '2026-03-07')).toBeUndefined();
    // The sale ends with the clock: day 6 onwards, nothing to list.
    expect(listEntries(at(TEST_NOW + 6 * DAY), limited, limited.options[0]!)).toEqual([]);
  });
});
