/**
 * Money as decimal strings, with integer arithmetic inside: a value is held as a `bigint` count of
 * 10^-5 units (the docs' "소수점 5자리", five decimal places), so no float ever touches an amount.
 *
 * Canonical form (what `parseMoney` returns and what arithmetic helpers return unless a fixed number of
 * decimals is asked for): the shortest exact decimal — no leading zeros, no trailing fractional zeros,
 * no trailing `.`, no `-0`. `2222` → "2222", "2200.50" → "2200.5", "007.000" → "7", "-0.0" → "0".
 * Two inputs are equal amounts exactly when their canonical strings are equal. Fixed-decimal renderings
 * ("71200.00000" for the day-ticket price API, "88000.00" for tour prices) come from `fromUnits`.
 *
 * Rounding (percentOf, fromUnits with fewer than 5 decimals): half away from zero, i.e. half up for the
 * non-negative amounts the simulator deals in.
 */

export const SCALE = 5;
const UNIT = 10n ** BigInt(SCALE);
const DECIMAL = /^-?\d+(\.\d{1,5})?$/;

/**
 * A money value from a request: a finite JSON number whose `String(v)` has at most 5 decimals and no
 * exponent, or a string matching `-?\d+(\.\d{1,5})?` (surrounding whitespace ignored, as DRF does).
 * Returns the canonical string, or null when the value is not acceptable money.
 */
export function parseMoney(v: unknown): string | null {
  let text: string;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return null;
    text = String(v);
  } else if (typeof v === 'string') {
    text = v.trim();
  } else {
    return null;
  }
  if (!DECIMAL.test(text)) return null;
  return canonicalFromUnits(toUnits(text));
}

/** A decimal string (up to 5 decimals) as a count of 10^-5 units. Throws a RangeError otherwise. */
export function toUnits(s: string): bigint {
  if (!DECIMAL.test(s)) throw new RangeError(`not a decimal with at most 5 places: ${JSON.stringify(s)}`);
  const negative = s.startsWith('-');
  const [intPart, fracPart = ''] = (negative ? s.slice(1) : s).split('.');
  const units = BigInt(intPart!) * UNIT + BigInt(fracPart.padEnd(SCALE, '0'));
  return negative ? -units : units;
}

/** Divide with rounding half away from zero. `d` must be positive. */
function divRound(n: bigint, d: bigint): bigint {
  const negative = n < 0n;
  const abs = negative ? -n : n;
  const q = (abs * 2n + d) / (2n * d);
  return negative ? -q : q;
}

/**
 * Units as a decimal string with exactly `decimals` places (default 5): 7120000000n → "71200.00000";
 * with `decimals` 2 → "71200.00". Fewer than 5 places rounds half away from zero; 0 places gives no `.`.
 */
export function fromUnits(u: bigint, decimals = SCALE): string {
  if (!Number.isInteger(decimals) || decimals < 0) throw new RangeError(`bad decimals: ${decimals}`);
  let scaled: bigint;
  if (decimals <= SCALE) scaled = divRound(u, 10n ** BigInt(SCALE - decimals));
  else scaled = u * 10n ** BigInt(decimals - SCALE);
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(decimals + 1, '0');
  const intPart = digits.slice(0, digits.length - decimals);
  const fracPart = digits.slice(digits.length - decimals);
  const body = decimals === 0 ? intPart : `${intPart}.${fracPart}`;
  return negative ? `-${body}` : body;
}

/** Units in canonical form (shortest exact decimal; see the module comment). */
export function canonicalFromUnits(u: bigint): string {
  // fromUnits(u) always has a '.' and five places, so only fractional zeros are stripped.
  return fromUnits(u).replace(/0+$/, '').replace(/\.$/, '');
}

/** A decimal string re-rendered in canonical form. */
export function canonicalMoney(s: string): string {
  return canonicalFromUnits(toUnits(s));
}

/**
 * `percent`% of `amount`, exact, rounded half away from zero at 5 decimals, in canonical form.
 * `percent` may have decimals (12.5) but must print without an exponent.
 */
export function percentOf(amount: string, percent: number): string {
  const text = String(percent);
  if (!Number.isFinite(percent) || !/^-?\d+(\.\d+)?$/.test(text)) {
    throw new RangeError(`not a plain decimal percent: ${text}`);
  }
  const [intPart, fracPart = ''] = text.replace('-', '').split('.');
  const scale = 10n ** BigInt(fracPart.length);
  const p = (BigInt(intPart!) * scale + BigInt(fracPart || '0')) * (percent < 0 ? -1n : 1n);
  return canonicalFromUnits(divRound(toUnits(amount) * p, 100n * scale));
}

/** Sum of decimal strings, canonical. */
export function addMoney(...values: string[]): string {
  return canonicalFromUnits(values.reduce((sum, v) => sum + toUnits(v), 0n));
}

/** a − b, canonical. */
export function subtractMoney(a: string, b: string): string {
  return canonicalFromUnits(toUnits(a) - toUnits(b));
}

/** amount × an integer factor (a quantity), canonical. */
export function multiplyMoney(amount: string, factor: number): string {
  if (!Number.isSafeInteger(factor)) throw new RangeError(`not an integer factor: ${factor}`);
  return canonicalFromUnits(toUnits(amount) * BigInt(factor));
}

/** The amount as a JSON number, for the tour price API which emits floats ("80.00" → 80). */
export function toJsonNumber(s: string): number {
  return Number(canonicalMoney(s));
}

/** −1, 0 or 1 as `a` is less than, equal to or greater than `b` (numerically: "1.50" equals "1.5"). */
export function compareMoney(a: string, b: string): -1 | 0 | 1 {
  const x = toUnits(a);
  const y = toUnits(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
