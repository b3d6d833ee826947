import { describe, expect, it } from 'vitest';
import { testMeta } from './testing.ts';
import {
  addDays,
  dayOfWeek,
  formatDate,
  formatRfc3339,
  formatTime,
  hasTimePart,
  parseApiDateTime,
  parseDate,
  utcDayNumber,
  virtualNow,
} from './time.ts';

const at = (iso: string) => Date.parse(iso);

describe('parseApiDateTime', () => {
  it.each([
    ['2022-01-21T10:41:25.409Z', '2022-01-21T10:41:25.409Z'],
    ['2022-01-21t10:41:25.409z', '2022-01-21T10:41:25.409Z'],
    ['2022-01-21T10:41:25Z', '2022-01-21T10:41:25.000Z'],
    ['2022-01-21T19:41:25+09:00', '2022-01-21T10:41:25.000Z'],
    ['2022-01-21T05:11:25-05:30', '2022-01-21T10:41:25.000Z'],
    ['2022-01-21T10:41:25.4Z', '2022-01-21T10:41:25.400Z'],
    ['2022-01-21T10:41:25.123456789Z', '2022-01-21T10:41:25.123Z'],
    ['2022-01-21T10:41:25.40900+00:00', '2022-01-21T10:41:25.409Z'],
    ['2017-05-23 23:30:00', '2017-05-23T23:30:00.000Z'],
    ['2022-01-21 10:00', '2022-01-21T10:00:00.000Z'],
    ['2022-01-21 10:00:00.000', '2022-01-21T10:00:00.000Z'],
    ['2022-01-21T10:00', '2022-01-21T10:00:00.000Z'],
    ['2022-01-21T10:00+09:00', '2022-01-21T01:00:00.000Z'],
    ['2022-01-21', '2022-01-21T00:00:00.000Z'],
    ['2024-02-29 00:00', '2024-02-29T00:00:00.000Z'],
    ['2000-02-29', '2000-02-29T00:00:00.000Z'],
    ['2022-01-21T23:59:59.999Z', '2022-01-21T23:59:59.999Z'],
    ['2022-01-01T00:30:00+01:00', '2021-12-31T23:30:00.000Z'],
  ])('accepts %s', (input, expected) => {
    expect(parseApiDateTime(input)).toBe(at(expected));
  });

  it.each([
    '',
    '2023-02-30',
    '2023-02-29',
    '1900-02-29',
    '2023-13-01',
    '2023-00-10',
    '2023-04-31',
    '2023-01-00',
    '2023-01-01 25:00',
    '2023-01-01 24:00',
    '2023-01-01 10:60',
    '2023-01-01 10:00:60',
    '2023-01-01T10:00:00+24:00',
    '2023-01-01T10:00:00+09:60',
    '2023-01-01T10:00:00.Z',
    '2023-01-01T10:00:00.1234567890Z',
    '2023-01-01T10Z',
    '2023-01-01T10:00:00+0900',
    '2023-01-01T10:00:00 Z',
    '2023-1-01',
    '23-01-01',
    '2023/01/01',
    '2023-01-01Z',
    ' 2023-01-01',
    '2023-01-01T',
    '2023-01-01  10:00',
    'tomorrow',
  ])('rejects %j', (input) => {
    expect(parseApiDateTime(input)).toBeNull();
  });
});

describe('hasTimePart / parseDate', () => {
  it('tells a bare date from a date-time', () => {
    expect(hasTimePart('2023-03-01')).toBe(false);
    expect(hasTimePart('2023-03-01 14:00')).toBe(true);
    expect(hasTimePart('2023-03-01T14:00:00Z')).toBe(true);
  });
  it('parses only bare dates', () => {
    expect(parseDate('2023-03-01')).toBe(at('2023-03-01T00:00:00Z'));
    expect(parseDate('2023-03-01T00:00:00Z')).toBeNull();
    expect(parseDate('2023-02-30')).toBeNull();
  });
});

describe('formatting', () => {
  it('formats RFC 3339 without zero milliseconds', () => {
    expect(formatRfc3339(at('2026-03-01T14:00:00Z'))).toBe('2026-03-01T14:00:00Z');
    expect(formatRfc3339(at('2026-03-01T14:00:00.250Z'))).toBe('2026-03-01T14:00:00.250Z');
    expect(formatRfc3339(at('2026-03-01T14:00:00.001Z'))).toBe('2026-03-01T14:00:00.001Z');
  });
  it('round-trips through parse', () => {
    for (const s of ['2026-03-01T14:00:00Z', '1999-12-31T23:59:59.999Z']) {
      expect(formatRfc3339(parseApiDateTime(s)!)).toBe(s);
    }
  });
  it('formats dates and times in UTC', () => {
    expect(formatDate(at('2026-03-01T23:59:59Z'))).toBe('2026-03-01');
    expect(formatTime(at('2026-03-01T09:05:59Z'))).toBe('09:05');
  });
});

describe('calendar helpers', () => {
  it('adds days across months, years and leap days', () => {
    expect(addDays('2026-03-01', 0)).toBe('2026-03-01');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-03-01', 59)).toBe('2026-04-29');
  });
  it('refuses a malformed date', () => {
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
    expect(() => dayOfWeek('nope')).toThrow(RangeError);
  });
  it('names weekdays in English', () => {
    expect(dayOfWeek('1970-01-01')).toBe('Thursday');
    expect(dayOfWeek('2023-03-05')).toBe('Sunday');
    expect(dayOfWeek('2026-03-01')).toBe('Sunday');
    expect(dayOfWeek('2026-03-07')).toBe('Saturday');
    expect(dayOfWeek('1969-12-31')).toBe('Wednesday');
  });
  it('counts UTC days', () => {
    expect(utcDayNumber(0)).toBe(0);
    expect(utcDayNumber(86_399_999)).toBe(0);
    expect(utcDayNumber(86_400_000)).toBe(1);
    expect(utcDayNumber(-1)).toBe(-1);
  });
  it('adds the channel offset to the real clock', () => {
    expect(virtualNow(testMeta({ clockOffsetMs: 3_600_000 }), 1_000)).toBe(3_601_000);
    expect(virtualNow(testMeta(), 1_000)).toBe(1_000);
  });
});
