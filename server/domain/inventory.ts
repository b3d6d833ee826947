/**
 * Inventory entries, materialised on demand from an option's compact `InventoryRule`, and stock
 * reservation. An entry's `ordered` quantity is a deterministic seeded amount (a hash of option, day
 * and start time) plus what this channel ordered (`state.stock[inventoryCode]`); the invariant
 * `max = remain + ordered` always holds, as in every example the vendor shows.
 *
 * Day `d` is the channel's day zero (its anchor date) plus `d` days; an entry keeps its code, seeded
 * amount and stock whatever the clock does. What is *listed* follows the virtual clock on the Korean
 * calendar (time.ts `calendarClock`): the window is `rule.days` days long and starts at today; a tour
 * entry of today whose start time has passed is gone from it, and nothing before today is in it. A
 * rule's sold-out and closed days repeat with the window's length (day `d` is closed when
 * `d mod days` is listed), so the window holds as many of each whatever day it starts on. A day-ticket
 * with a sale period (`Product.salePeriod`) lists only the days inside it.
 *
 * Tours have one entry per (day, start time); day-tickets one per day, with a null start time. A closed
 * day-ticket day is listed with `remain_quantity` 0: the vendor's day-ticket answer has no `is_order`,
 * so remain 0 is the only way it can say "not on sale".
 */

import type { DomainContext } from './context.ts';
import { type ApiError, apiError, type ItemAt } from './errors.ts';
import { uuidFrom } from './ids.ts';
import {
  calendarClock,
  DAY_MS,
  dayOfWeek,
  formatDate,
  formatTime,
  hasTimePart,
  parseApiDateTime,
  parseDate,
  utcDayNumber,
} from './time.ts';
import type { Change, InventoryRule, Product, ProductOption } from './types.ts';

export interface InventoryEntry {
  code: string;
  optionCode: string;
  day: number;
  /** YYYY-MM-DD (Korean calendar). */
  date: string;
  /** HH:MM for tours (Korean wall clock), null for day-tickets. */
  startTime: string | null;
  dayOfWeek: string;
  /** On sale. Computed for both families; the HTTP layer shows it for tours only. */
  isOrder: boolean;
  max: number;
  min: number;
  remain: number;
  ordered: number;
  /**
   * The date (plus the start time for tours) as written — Korean wall-clock date and time, in UTC epoch
   * milliseconds (`2026-03-01 09:00` is `Date.UTC(2026, 2, 1, 9)`); compare with `calendarClock(now)`.
   */
  at: number;
  /** Its date (tour: date and start time) is before the virtual now: never listed, never orderable. */
  past: boolean;
}

export function inventoryCode(optionCode: string, day: number, startTime: string | null): string {
  return uuidFrom('inventory', optionCode, day, startTime ?? '');
}

function codeAt(
  option: ProductOption,
  times: ReadonlyArray<string | null>,
  day: number,
  slot: number,
): string {
  return inventoryCode(option.code, day, times[slot] ?? null);
}

/** 32-bit FNV-1a over the UTF-16 code units of `s` (deterministic on every machine). */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Length of an option's window in days. */
function windowDays(rule: InventoryRule): number {
  return Math.max(0, Math.ceil(rule.days));
}

/** Day `day` as the rule's day lists see it: they repeat every `days` days. */
function ruleDay(rule: InventoryRule, day: number): number {
  const days = windowDays(rule);
  return days === 0 ? day : ((day % days) + days) % days;
}

/** Whether the rule closes day `day` (is_order false). */
export function isClosedDay(rule: InventoryRule, day: number): boolean {
  return rule.closedDays.includes(ruleDay(rule, day));
}

/**
 * The ordered quantity an entry starts with: the whole capacity on sold-out days, otherwise a
 * pseudo-random 0..floor(capacity / 2) from a hash of (option, day, start time).
 */
export function seededOrdered(
  rule: InventoryRule,
  optionCode: string,
  day: number,
  startTime: string | null,
): number {
  const capacity = Math.max(0, rule.capacity);
  if (rule.soldOutDays.includes(ruleDay(rule, day))) return capacity;
  return fnv1a(`${optionCode}|${day}|${startTime ?? ''}`) % (Math.floor(capacity / 2) + 1);
}

/** Start times an option's entries have: the rule's for tours (one null slot if it lists none), null for day-tickets. */
function slots(product: Product, option: ProductOption): Array<string | null> {
  if (product.family === 'tour' && option.inventory.startTimes.length > 0) return option.inventory.startTimes;
  return [null];
}

function minutesOf(time: string | null): number {
  if (time === null) return 0;
  const [h, m] = time.split(':');
  return Number(h) * 60 + Number(m);
}

function anchorMs(ctx: DomainContext): number {
  const ms = parseDate(ctx.meta.anchorDate);
  if (ms === null) throw new RangeError(`bad anchorDate: ${ctx.meta.anchorDate}`);
  return ms;
}

/** The day of the channel that is "today": the Korean date of the virtual now, counted from day zero. */
export function todayIndex(ctx: DomainContext): number {
  return utcDayNumber(calendarClock(ctx.now)) - utcDayNumber(anchorMs(ctx));
}

/**
 * What an option lists now: days `first` (inclusive) to `end` (exclusive), and which start-time slots
 * of the first day are still ahead (every slot when the first day is not today).
 */
export interface InventoryWindow {
  first: number;
  end: number;
  firstDaySlots: number[];
  slotsPerDay: number;
  /** How many entries the window lists. */
  size: number;
}

export function inventoryWindow(
  ctx: DomainContext,
  product: Product,
  option: ProductOption,
): InventoryWindow {
  const rule = option.inventory;
  const today = todayIndex(ctx);
  let first = today;
  let end = today + windowDays(rule);
  const sale = product.salePeriod;
  if (sale) {
    first = Math.max(first, sale.fromDay);
    end = Math.min(end, sale.toDay + 1);
  }
  const times = slots(product, option);
  const all = times.map((_, i) => i);
  if (end <= first) return { first, end: first, firstDaySlots: [], slotsPerDay: times.length, size: 0 };
  let firstDaySlots = all;
  if (first === today && product.family === 'tour') {
    const wall = calendarClock(ctx.now);
    const dayStart = anchorMs(ctx) + first * DAY_MS;
    firstDaySlots = all.filter((i) => dayStart + minutesOf(times[i] ?? null) * 60_000 >= wall);
  }
  const size = firstDaySlots.length + (end - first - 1) * times.length;
  return { first, end, firstDaySlots, slotsPerDay: times.length, size };
}

/** Day and slot of position `i` of a window's list. */
function positionIn(w: InventoryWindow, i: number): { day: number; slot: number } {
  if (i < w.firstDaySlots.length) return { day: w.first, slot: w.firstDaySlots[i]! };
  const rest = i - w.firstDaySlots.length;
  return { day: w.first + 1 + Math.floor(rest / w.slotsPerDay), slot: rest % w.slotsPerDay };
}

/** Date and weekday of day `day` of the channel: the anchor date plus `day` days. */
interface DayName {
  date: string;
  dayOfWeek: string;
}

/** The date and weekday of day `day` after `anchor` (the channel's anchor date, parsed). */
function dayName(anchor: number, day: number): DayName {
  // addDays(anchorDate, day), without parsing the anchor date again.
  const date = formatDate(anchor + day * DAY_MS);
  return { date, dayOfWeek: dayOfWeek(date) };
}

function makeEntry(
  ctx: DomainContext,
  product: Product,
  option: ProductOption,
  day: number,
  times: ReadonlyArray<string | null>,
  slot: number,
  anchor: number,
): InventoryEntry {
  const rule = option.inventory;
  const startTime = times[slot] ?? null;
  const code = codeAt(option, times, day, slot);
  const name = dayName(anchor, day);
  const max = Math.max(0, rule.capacity);
  const closed = isClosedDay(rule, day);
  const tour = product.family === 'tour';
  const ordered =
    closed && !tour
      ? max
      : Math.min(max, seededOrdered(rule, option.code, day, startTime) + (ctx.state.stock[code] ?? 0));
  const at = anchor + day * DAY_MS + minutesOf(startTime) * 60_000;
  const wall = calendarClock(ctx.now);
  return {
    code,
    optionCode: option.code,
    day,
    date: name.date,
    startTime: tour ? startTime : null,
    dayOfWeek: name.dayOfWeek,
    isOrder: !closed,
    max,
    min: rule.minQuantity,
    remain: max - ordered,
    ordered,
    at,
    // A day-ticket is good for its whole date (its `at` is the date's midnight); a tour until it starts.
    past: at < (tour ? wall : Math.floor(wall / DAY_MS) * DAY_MS),
  };
}

/**
 * The entries one option lists now (see `inventoryWindow`), by day then start time: all of them, or
 * only positions `from` (inclusive) to `to` (exclusive) of that list — a page costs its own size, not
 * the option's days × start times.
 */
export function listEntries(
  ctx: DomainContext,
  product: Product,
  option: ProductOption,
  from = 0,
  to = Number.POSITIVE_INFINITY,
): InventoryEntry[] {
  const w = inventoryWindow(ctx, product, option);
  const anchor = anchorMs(ctx);
  const times = slots(product, option);
  const entries: InventoryEntry[] = [];
  for (let i = Math.max(0, from); i < Math.min(w.size, to); i++) {
    const { day, slot } = positionIn(w, i);
    entries.push(makeEntry(ctx, product, option, day, times, slot, anchor));
  }
  return entries;
}

/**
 * The virtual instant at which what `listEntries` shows of `product` next changes with the clock alone
 * (no order, no clock move): when the next of today's tour start times passes (its entry leaves the
 * window), else at the next Korean midnight (the window moves a day). An answer built from the
 * inventory holds until then.
 */
export function inventoryChangesAt(ctx: DomainContext, product: Product): number {
  const wall = calendarClock(ctx.now);
  let until = (Math.floor(wall / DAY_MS) + 1) * DAY_MS;
  if (product.family === 'tour') {
    const today = todayIndex(ctx);
    for (const option of product.options) {
      const w = inventoryWindow(ctx, product, option);
      if (w.size === 0 || w.first !== today) continue;
      const times = slots(product, option);
      const dayStart = anchorMs(ctx) + today * DAY_MS;
      // An entry is listed while its start is not before the wall clock: it leaves 1 ms after it.
      for (const i of w.firstDaySlots) {
        until = Math.min(until, dayStart + minutesOf(times[i] ?? null) * 60_000 + 1);
      }
    }
  }
  return ctx.now + (until - wall);
}

/**
 * The entry an order's `(option_code, inventory_at)` designates, or undefined. `inventory_at` names an
 * entry by its date and start time as the inventory lists them, written as UTC (`{date}T{start_time}:00Z`;
 * an offset is applied first, so `…T18:00:00+09:00` is the 09:00 entry). Tours: with a time part, the
 * entry whose start is exactly that time (HH:MM, zero seconds); with a bare date, the day's only start
 * time (undefined when the option has several). Day-tickets: the day's entry, whatever the time part
 * says. A date past the end of the window or outside the sale period has no entry; a date already
 * passed has one, marked `past`, so that the refusal can say so.
 */
export function findEntry(
  ctx: DomainContext,
  product: Product,
  optionCode: string,
  inventoryAt: string,
): InventoryEntry | undefined {
  const option = product.options.find((o) => o.code === optionCode);
  if (!option) return undefined;
  const ms = parseApiDateTime(inventoryAt);
  if (ms === null) return undefined;
  const anchor = anchorMs(ctx);
  const day = utcDayNumber(ms) - utcDayNumber(anchor);
  if (day >= todayIndex(ctx) + windowDays(option.inventory)) return undefined;
  const sale = product.salePeriod;
  if (sale && (day < sale.fromDay || day > sale.toDay)) return undefined;
  const times = slots(product, option);
  let slot: number;
  if (product.family !== 'tour' || times[0] === null) {
    slot = 0;
  } else if (hasTimePart(inventoryAt)) {
    if (ms % 60_000 !== 0) return undefined;
    slot = times.indexOf(formatTime(ms));
    if (slot === -1) return undefined;
  } else {
    if (times.length !== 1) return undefined;
    slot = 0;
  }
  return makeEntry(ctx, product, option, day, times, slot, anchor);
}

/**
 * Where a refusal to reserve goes: a field of the request (`{"options": ["<why>"]}` by default), or a
 * field of one element of a list (an order line's non_field_errors).
 */
export interface RefuseAt {
  field: string;
  item?: ItemAt;
}

const ON_OPTIONS: RefuseAt = { field: 'options' };

/** Why `quantity` units of `entry` cannot be ordered (the 400, placed `at`), or undefined when they can. */
export function inventoryProblem(
  entry: InventoryEntry,
  quantity: number,
  at: RefuseAt = ON_OPTIONS,
): ApiError | undefined {
  const where = {
    ...at,
    option: entry.optionCode,
    when: entry.startTime === null ? entry.date : `${entry.date} ${entry.startTime}`,
    quantity,
  };
  if (!Number.isSafeInteger(quantity) || quantity < 1) return apiError('stockQuantityInvalid', where);
  if (!entry.isOrder) return apiError(entry.startTime === null ? 'notOnSaleDate' : 'notOnSale', where);
  if (entry.remain === 0) return apiError('soldOut', where);
  if (entry.remain < quantity) return apiError('notEnoughStock', { ...where, remain: entry.remain });
  return undefined;
}

/** Reserve `quantity` units of one entry: the stock write, or a 400 (placed `at`) when it cannot be ordered. */
export function reserve(
  ctx: DomainContext,
  entry: InventoryEntry,
  quantity: number,
  at: RefuseAt = ON_OPTIONS,
): Change {
  const problem = inventoryProblem(entry, quantity, at);
  if (problem !== undefined) throw problem;
  return ['stock', entry.code, (ctx.state.stock[entry.code] ?? 0) + quantity];
}

/**
 * Reserve several lines at once, all or nothing: quantities of lines hitting the same entry are summed
 * and checked together (the refusal is the first such line's); one stock write per entry, in
 * first-seen order.
 */
export function reserveMany(
  ctx: DomainContext,
  lines: ReadonlyArray<{ entry: InventoryEntry; quantity: number; at?: RefuseAt }>,
): Change[] {
  const totals = new Map<string, { entry: InventoryEntry; quantity: number; at?: RefuseAt }>();
  for (const { entry, quantity, at } of lines) {
    if (!Number.isSafeInteger(quantity) || quantity < 1) reserve(ctx, entry, quantity, at);
    const seen = totals.get(entry.code);
    if (seen) seen.quantity += quantity;
    else totals.set(entry.code, { entry, quantity, at });
  }
  return [...totals.values()].map(({ entry, quantity, at }) => reserve(ctx, entry, quantity, at));
}

/** Give back `quantity` units of an inventory (cancel): the stock write, never below 0. */
export function release(ctx: DomainContext, inventoryCode: string, quantity: number): Change {
  return ['stock', inventoryCode, Math.max(0, (ctx.state.stock[inventoryCode] ?? 0) - quantity)];
}
