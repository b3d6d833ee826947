import { describe, expect, it } from 'vitest';
import {
  addMoney,
  canonicalMoney,
  compareMoney,
  fromUnits,
  multiplyMoney,
  parseMoney,
  percentOf,
  subtractMoney,
  toJsonNumber,
  toUnits,
} from './money.ts';

describe('parseMoney', () => {
  it.each([
    [2222, '2222'],
    ['2222', '2222'],
    ['2200.50', '2200.5'],
    ['2200.00000', '2200'],
    ['71200.00000', '71200'],
    [22, '22'],
    [80.5, '80.5'],
    [0.00001, '0.00001'],
    ['0.00001', '0.00001'],
    [0, '0'],
    [-0, '0'],
    ['-0.0', '0'],
    ['007.10', '7.1'],
    [-12.5, '-12.5'],
    ['-12.50', '-12.5'],
    ['  4444 ', '4444'],
    ['123456789012345678901234567890.12345', '123456789012345678901234567890.12345'],
  ])('accepts %j as %j', (input, expected) => {
    expect(parseMoney(input)).toBe(expected);
  });

  it.each([
    ['0.000001'],
    [0.000001],
    [1e21],
    [1e-7],
    [0.1 + 0.2],
    ['1e3'],
    ['1.'],
    ['.5'],
    ['+5'],
    ['1,000'],
    [''],
    ['abc'],
    ['12.345678'],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    [null],
    [undefined],
    [true],
    [{}],
    [[1]],
  ])('rejects %j', (input) => {
    expect(parseMoney(input)).toBeNull();
  });

  it('is stable: canonical input comes back unchanged', () => {
    for (const s of ['2200.5', '0.00001', '-3', '71200']) expect(parseMoney(parseMoney(s))).toBe(s);
  });
});

describe('units', () => {
  it('converts to and from 10^-5 units', () => {
    expect(toUnits('71200')).toBe(7_120_000_000n);
    expect(toUnits('0.00001')).toBe(1n);
    expect(toUnits('-1.5')).toBe(-150_000n);
    expect(fromUnits(7_120_000_000n)).toBe('71200.00000');
    expect(fromUnits(8_800_000_000n, 2)).toBe('88000.00');
    expect(fromUnits(1n)).toBe('0.00001');
    expect(fromUnits(-150_000n)).toBe('-1.50000');
    expect(fromUnits(150_000n, 0)).toBe('2');
    expect(fromUnits(1n, 7)).toBe('0.0000100');
  });
  it('rounds half away from zero when fewer decimals are asked for', () => {
    expect(fromUnits(toUnits('1.005'), 2)).toBe('1.01');
    expect(fromUnits(toUnits('1.00499'), 2)).toBe('1.00');
    expect(fromUnits(toUnits('-1.005'), 2)).toBe('-1.01');
    expect(fromUnits(toUnits('-0.001'), 2)).toBe('0.00');
  });
  it('refuses malformed strings', () => {
    expect(() => toUnits('1.000001')).toThrow(RangeError);
    expect(() => toUnits('1e5')).toThrow(RangeError);
  });
  it('canonicalises', () => {
    expect(canonicalMoney('88000.00')).toBe('88000');
    expect(canonicalMoney('0.10000')).toBe('0.1');
    expect(canonicalMoney('100')).toBe('100');
  });
});

describe('percentOf', () => {
  it.each([
    ['10000', 100, '10000'],
    ['10000', 0, '0'],
    ['10000', 50, '5000'],
    ['2222', 30, '666.6'],
    ['0.00001', 50, '0.00001'],
    ['0.00001', 49, '0'],
    ['0.00003', 50, '0.00002'],
    ['100', 33.333, '33.333'],
    ['1', 12.5, '0.125'],
    ['0.00001', 12.5, '0'],
    ['10', 0.001, '0.0001'],
    ['-0.00003', 50, '-0.00002'],
  ])('%s × %d%% = %s', (amount, percent, expected) => {
    expect(percentOf(amount, percent)).toBe(expected);
  });
  it('refuses exponent-form percents', () => {
    expect(() => percentOf('1', 1e-7)).toThrow(RangeError);
    expect(() => percentOf('1', Number.NaN)).toThrow(RangeError);
  });
});

describe('arithmetic and comparison', () => {
  it('adds, subtracts, multiplies exactly', () => {
    expect(addMoney('0.1', '0.2')).toBe('0.3');
    expect(addMoney()).toBe('0');
    expect(subtractMoney('4444', '2222.00001')).toBe('2221.99999');
    expect(multiplyMoney('2222.5', 3)).toBe('6667.5');
    expect(() => multiplyMoney('1', 1.5)).toThrow(RangeError);
  });
  it('converts to JSON numbers for the price API', () => {
    expect(toJsonNumber('80.00')).toBe(80);
    expect(toJsonNumber('88000.50')).toBe(88000.5);
  });
  it('compares numerically', () => {
    expect(compareMoney('1.50', '1.5')).toBe(0);
    expect(compareMoney('2', '10')).toBe(-1);
    expect(compareMoney('10', '2')).toBe(1);
    expect(compareMoney('-1', '0')).toBe(-1);
  });
});
