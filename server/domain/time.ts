import type { ChannelMeta } from './types.ts';

/**
 * Date-time parsing and formatting, and the channel's virtual clock. Everything is UTC epoch
 * milliseconds inside the simulator; strings exist only at the edges.
 *
 * Accepted input forms (the vendor documents both RFC 3339 and a space-separated form):
 * - RFC 3339: `2022-01-21T10:41:25.409Z`, `2022-01-21T19:41:25+09:00` (lower-case `t`/`z` too, 1–9
 *   fraction digits, which are truncated to milliseconds);
 * - the docs' `YYYY-MM-DD hh:mm[:ss[.fff]]`, with a space or `T` and with or without a zone; no zone
 *   means UTC;
 * - a bare date `YYYY-MM-DD` (midnight UTC), used by day-ticket `inventory_at`.
 * Impossible dates and times (2023-02-30, 25:00, 10:60, leap second 60) are refused.
 */

export const DAY_MS = 86_400_000;

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):(\d{2}))?)?$/;
const BARE_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z: the instants a four-digit RFC 3339 year can show. */
export const EARLIEST_MS = -62_167_219_200_000;
export const LATEST_MS = 253_402_300_799_999;
/**
 * A channel's virtual clock stays before this instant (advanced or imported), far enough from year
 * 10 000 that nothing it stamps, plus the supplier's delays, needs a five-digit year.
 */
export const CLOCK_LIMIT_MS = Date.UTC(9000, 0, 1);

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function validDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Epoch milliseconds of an accepted date-time string, or null when the form or the value is invalid. */
export function parseApiDateTime(s: string): number | null {
  const m = DATE_TIME.exec(s);
  if (!m) return null;
  const [, ys, mos, ds, hs, mis, ss, frac, z, sign, ohs, oms] = m;
  const year = Number(ys);
  const month = Number(mos);
  const day = Number(ds);
  if (!validDate(year, month, day)) return null;
  const days = daysFromCivil(year, month, day);
  if (hs === undefined) return days * DAY_MS;
  const hour = Number(hs);
  const minute = Number(mis);
  const second = ss === undefined ? 0 : Number(ss);
  if (hour > 23 || minute > 59 || second > 59) return null;
  const millis = frac === undefined ? 0 : Number(frac.padEnd(3, '0').slice(0, 3));
  let offsetMinutes = 0;
  if (z === undefined && sign !== undefined) {
    const oh = Number(ohs);
    const om = Number(oms);
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (sign === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = days * DAY_MS + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
  // A zone offset can carry 9999-12-31T23:59-01:00 into year 10000, which no RFC 3339 answer can show.
  return ms < EARLIEST_MS || ms > LATEST_MS ? null : ms;
}

/** Epoch milliseconds (midnight UTC) of a bare `YYYY-MM-DD`, or null. */
export function parseDate(s: string): number | null {
  return BARE_DATE.test(s) ? parseApiDateTime(s) : null;
}

/** True unless `s` is a bare `YYYY-MM-DD` date (says nothing about validity). */
export function hasTimePart(s: string): boolean {
  return !BARE_DATE.test(s);
}

/** RFC 3339 UTC with `Z`; milliseconds only when non-zero (`2026-03-01T14:00:00Z`, `…T14:00:00.250Z`). */
export function formatRfc3339(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

/** `YYYY-MM-DD` of the UTC day containing `ms`. */
export function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `HH:MM` of `ms` in UTC. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

function requireDate(date: string): number {
  const ms = parseDate(date);
  if (ms === null) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  return ms;
}

/** `date` (YYYY-MM-DD) plus `n` days (n may be negative). Throws a RangeError for a malformed date. */
export function addDays(date: string, n: number): string {
  return formatDate(requireDate(date) + n * DAY_MS);
}

/** English weekday name (`Sunday` … `Saturday`) of a `YYYY-MM-DD` date. */
export function dayOfWeek(date: string): string {
  const day = utcDayNumber(requireDate(date));
  // 1970-01-01 was a Thursday (index 4).
  return WEEKDAYS[(((day + 4) % 7) + 7) % 7]!;
}

/** Whole UTC days since the epoch. */
export function utcDayNumber(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** The channel's virtual "now": the real clock plus the channel's offset. */
export function virtualNow(meta: ChannelMeta, realNowMs: number): number {
  return realNowMs + meta.clockOffsetMs;
}

/**
 * The calendar's time zone: Korea (Asia/Seoul), UTC+9 all year — Korea has kept no daylight saving time
 * since 1988, so a fixed offset is exact. The vendor is in Korea: a sandbox's "today", the dates of its
 * inventory and the start times of its tours are Korean wall-clock dates and times.
 */
export const CALENDAR_OFFSET_MS = 9 * 3_600_000;

/**
 * The Korean wall clock at `ms`, written as UTC epoch milliseconds: `formatDate` / `formatTime` of the
 * result show the date and time a clock in Seoul shows. Inventory entries carry their date and start
 * time the same way, so "has this entry's start passed?" is a comparison of two such numbers.
 */
export function calendarClock(ms: number): number {
  return ms + CALENDAR_OFFSET_MS;
}

/** `YYYY-MM-DD` of the Korean calendar day containing `ms`. */
export function calendarDate(ms: number): string {
  return formatDate(calendarClock(ms));
}
