/**
 * Inventory entries, materialised on demand from an option's compact `InventoryRule`, and stock
 * reservation. An entry's `ordered` quantity is a deterministic seeded amount (a hash of option, day
 * and start time) plus what this channel ordered (`state.stock[inventoryCode]`); the invariant
 * `max = remain + ordered` always holds (api fact sheet §5.6).
 *
 * Day `d` of a rule is the channel's anchor date plus `d` days. Tours have one entry per (day, start
 * time); day-tickets one per day, with a null start time.
 */

import type { DomainContext } from './context.ts';
import { fieldError } from './errors.ts';
import { uuidFrom } from './ids.ts';
import {
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
  /** YYYY-MM-DD. */
  date: string;
  /** HH:MM for tours, null for day-tickets. */
  startTime: string | null;
  dayOfWeek: string;
  /** On sale. Computed for both families; the HTTP layer shows it for tours only. */
  isOrder: boolean;
  max: number;
  min: number;
  remain: number;
  ordered: number;
  /** Epoch ms of the date (plus the start time for tours), UTC. */
  at: number;
}

export function inventoryCode(optionCode: string, day: number, startTime: string | null): string {
  return uuidFrom('inventory', optionCode, day, startTime ?? '');
}

/**
 * Inventory codes are a SHA-256 of (option, day, start time), needed for every entry of every inventory
 * page and order: each option's codes are kept by position (day × start times + slot) once made, for the
 * most recently used options (bounded, about 25 KB per option at most).
 */
const OPTIONS_WITH_CODES = 2_000;
const codesByOption = new Map<ProductOption, Array<string | undefined>>();

function codesOf(option: ProductOption): Array<string | undefined> {
  let codes = codesByOption.get(option);
  if (codes === undefined) {
    if (codesByOption.size >= OPTIONS_WITH_CODES) codesByOption.clear();
    codes = [];
    codesByOption.set(option, codes);
  }
  return codes;
}

function codeAt(
  option: ProductOption,
  times: ReadonlyArray<string | null>,
  day: number,
  slot: number,
  codes = codesOf(option),
): string {
  const position = day * times.length + slot;
  let code = codes[position];
  if (code === undefined) {
    code = inventoryCode(option.code, day, times[slot] ?? null);
    codes[position] = code;
  }
  return code;
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
  if (rule.soldOutDays.includes(day)) return capacity;
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
  const ms = parseDate(ctx.state.meta.meta.anchorDate);
  if (ms === null) throw new RangeError(`bad anchorDate: ${ctx.state.meta.meta.anchorDate}`);
  return ms;
}

/** Date and weekday of day `day` of the channel: the anchor date plus `day` days. */
interface DayName {
  date: string;
  dayOfWeek: string;
}

/** Names of recent days by their epoch milliseconds (bounded): every entry of a day shows them. */
const dayNames = new Map<number, DayName>();

/** The date and weekday of day `day` after `anchor` (the channel's anchor date, parsed). */
function dayName(anchor: number, day: number): DayName {
  const ms = anchor + day * DAY_MS;
  let name = dayNames.get(ms);
  if (name === undefined) {
    // addDays(anchorDate, day), without parsing the anchor date again.
    const date = formatDate(ms);
    name = { date, dayOfWeek: dayOfWeek(date) };
    if (dayNames.size >= 10_000) dayNames.clear();
    dayNames.set(ms, name);
  }
  return name;
}

function makeEntry(
  ctx: DomainContext,
  product: Product,
  option: ProductOption,
  day: number,
  times: ReadonlyArray<string | null>,
  slot: number,
  anchor: number,
  closed: boolean,
): InventoryEntry {
  const rule = option.inventory;
  const startTime = times[slot] ?? null;
  const code = codeAt(option, times, day, slot);
  const name = dayName(anchor, day);
  const max = Math.max(0, rule.capacity);
  const ordered = Math.min(
    max,
    seededOrdered(rule, option.code, day, startTime) + (ctx.state.stock[code] ?? 0),
  );
  return {
    code,
    optionCode: option.code,
    day,
    date: name.date,
    startTime: product.family === 'tour' ? startTime : null,
    dayOfWeek: name.dayOfWeek,
    isOrder: !closed,
    max,
    min: rule.minQuantity,
    remain: max - ordered,
    ordered,
    at: anchor + day * DAY_MS + minutesOf(startTime) * 60_000,
  };
}

/**
 * The entries of one option, by day then start time: all of them, or only positions `from` (inclusive)
 * to `to` (exclusive) of that list — a page costs its own size, not the option's days × start times.
 */
export function listEntries(
  ctx: DomainContext,
  product: Product,
  option: ProductOption,
  from = 0,
  to = Number.POSITIVE_INFINITY,
): InventoryEntry[] {
  const rule = option.inventory;
  const anchor = anchorMs(ctx);
  const closed = new Set(rule.closedDays);
  const times = slots(product, option);
  const total = Math.max(0, Math.ceil(rule.days)) * times.length;
  const entries: InventoryEntry[] = [];
  for (let i = Math.max(0, from); i < Math.min(total, to); i++) {
    const day = Math.floor(i / times.length);
    entries.push(makeEntry(ctx, product, option, day, times, i % times.length, anchor, closed.has(day)));
  }
  return entries;
}

/** The codes of the entries `listEntries` would give for the same arguments, without building them. */
export function listEntryCodes(
  product: Product,
  option: ProductOption,
  from = 0,
  to = Number.POSITIVE_INFINITY,
): string[] {
  const times = slots(product, option);
  const total = Math.max(0, Math.ceil(option.inventory.days)) * times.length;
  const known = codesOf(option);
  const codes: string[] = [];
  for (let i = Math.max(0, from); i < Math.min(total, to); i++) {
    codes.push(known[i] ?? codeAt(option, times, Math.floor(i / times.length), i % times.length, known));
  }
  return codes;
}

/**
 * The entry an order's `(option_code, inventory_at)` designates, or undefined. The day is the UTC date
 * of `inventoryAt`. Tours: with a time part, the entry whose start is exactly that instant (HH:MM, zero
 * seconds); with a bare date, the day's only start time (undefined when the option has several).
 * Day-tickets: the day's entry, whatever the time part says.
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
  if (day < 0 || day >= option.inventory.days) return undefined;
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
  return makeEntry(ctx, product, option, day, times, slot, anchor, option.inventory.closedDays.includes(day));
}

function describe(entry: InventoryEntry): string {
  return `option ${entry.optionCode}, ${entry.date}${entry.startTime === null ? '' : ` ${entry.startTime}`}`;
}

/** Throws the 400 (`options`) explaining why `quantity` units of `entry` cannot be ordered, if they cannot. */
function check(entry: InventoryEntry, quantity: number): void {
  if (!Number.isSafeInteger(quantity) || quantity < 1) {
    throw fieldError(
      'options',
      `주문 수량은 1 이상의 정수여야 합니다. (quantity must be a positive integer; got ${quantity} for ${describe(entry)})`,
    );
  }
  if (!entry.isOrder) {
    throw fieldError(
      'options',
      `판매 중이 아닌 인벤토리입니다. (inventory not on sale: ${describe(entry)}; is_order is false — choose another date or time from the inventory API)`,
    );
  }
  if (entry.remain === 0) {
    throw fieldError(
      'options',
      `매진된 인벤토리입니다. (sold out: ${describe(entry)}, remain 0, quantity ${quantity}; choose another date or time from the inventory API)`,
    );
  }
  if (entry.remain < quantity) {
    throw fieldError(
      'options',
      `남은 수량이 부족합니다. (not enough inventory: ${describe(entry)}, remain ${entry.remain}, quantity ${quantity}; order at most ${entry.remain})`,
    );
  }
}

/** Reserve `quantity` units of one entry: the stock write, or a 400 (`options`) when it cannot be ordered. */
export function reserve(ctx: DomainContext, entry: InventoryEntry, quantity: number): Change {
  check(entry, quantity);
  return ['stock', entry.code, (ctx.state.stock[entry.code] ?? 0) + quantity];
}

/**
 * Reserve several lines at once, all or nothing: quantities of lines hitting the same entry are summed
 * and checked together; one stock write per entry, in first-seen order.
 */
export function reserveMany(
  ctx: DomainContext,
  lines: ReadonlyArray<{ entry: InventoryEntry; quantity: number }>,
): Change[] {
  const totals = new Map<string, { entry: InventoryEntry; quantity: number }>();
  for (const { entry, quantity } of lines) {
    if (!Number.isSafeInteger(quantity) || quantity < 1) check(entry, quantity);
    const seen = totals.get(entry.code);
    if (seen) seen.quantity += quantity;
    else totals.set(entry.code, { entry, quantity });
  }
  return [...totals.values()].map(({ entry, quantity }) => reserve(ctx, entry, quantity));
}

/** Give back `quantity` units of an inventory (cancel): the stock write, never below 0. */
export function release(ctx: DomainContext, inventoryCode: string, quantity: number): Change {
  return ['stock', inventoryCode, Math.max(0, (ctx.state.stock[inventoryCode] ?? 0) - quantity)];
}
