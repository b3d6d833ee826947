/**
 * The catalogue as one channel sees it: product lists and details (current versions), registration
 * with option mapping (P5/P6), the latest list (P7/P8) and the supplier publishing a new version
 * (POST /__sim/products/{code}/versions).
 *
 * Mapping codes: `uuidFrom('mapping', channel, productCode, version, stableHash(body))` where body is
 * the normalised registration input (mapping data and the three channel_product_* fields). So an
 * identical re-registration yields the same code (idempotent: the first record, with its
 * registeredAt, is kept), and any difference — another mapping, another channel product name — yields a
 * new code. Every code ever issued stays in `registrations`; `latestRegistration` points to the last one.
 */
import { currentProduct, type DomainContext, type Outcome } from './context.ts';
import { apiError, invalidQuery, notFound, Problems } from './errors.ts';
import { stableHash, uuidFrom } from './ids.ts';
import { fromUnits, parseMoney, toUnits } from './money.ts';
import { formatRfc3339 } from './time.ts';
import type { DayTicketPrice, Family, Product, ProductOption, Registration, TourPrice } from './types.ts';

function familyList(ctx: DomainContext, family: Family): readonly Product[] {
  return family === 'tour' ? ctx.catalog.tours : ctx.catalog.dayTickets;
}

/** One page of `items` (page ≥ 1, pageSize ≥ 1, integers; otherwise the documented invalid-query 400). */
function pageOf<T>(items: readonly T[], page: number, pageSize: number): T[] {
  if (!Number.isSafeInteger(page) || page < 1 || !Number.isSafeInteger(pageSize) || pageSize < 1) {
    throw invalidQuery();
  }
  return items.slice((page - 1) * pageSize, page * pageSize);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Products of one family, current versions, in catalogue order; a page past the end is empty. */
export function listProducts(ctx: DomainContext, family: Family, page: number, pageSize: number): Product[] {
  return pageOf(familyList(ctx, family), page, pageSize).map((p) => currentProduct(ctx, p.code) ?? p);
}

/** The current version of a product of `family`; 404 when unknown or of the other family. */
export function getProduct(ctx: DomainContext, family: Family, code: string): Product {
  const product = currentProduct(ctx, code);
  if (!product || product.family !== family) throw notFound();
  return product;
}

export interface RegistrationInput {
  mappingData: Record<string, unknown>;
  channelProductName: string;
  channelProductLink: string;
  channelProductId: string;
}

/**
 * Register (or re-register) the current version of a product on this channel with its option mapping.
 * 404 for an unknown product or the wrong family; 400 `{"mapping_data": [...]}` listing every problem:
 * a key that is not an option of the current version, a value that is not a non-empty string, an
 * option left unmapped, an option name used twice.
 */
export function registerProduct(
  ctx: DomainContext,
  family: Family,
  code: string,
  input: RegistrationInput,
): Outcome<Registration> {
  const product = getProduct(ctx, family, code);
  const data: unknown = input.mappingData;
  if (!isRecord(data)) {
    throw apiError('mappingNotAnObject');
  }
  const optionCodes = new Set(product.options.map((o) => o.code));
  const problems = new Problems();
  const mapping: Record<string, string> = {};
  const keyByName = new Map<string, string>();
  for (const [key, value] of Object.entries(data)) {
    if (!optionCodes.has(key)) {
      problems.add('mappingKeyUnknown', { product: code, version: product.version, key });
      continue;
    }
    if (typeof value !== 'string' || value.trim() === '') {
      problems.add('mappingNameNotText', { key });
      continue;
    }
    const name = value.trim();
    const other = keyByName.get(name);
    if (other !== undefined) {
      problems.add('mappingNameTwice', { name, other, key });
    } else {
      keyByName.set(name, key);
    }
    mapping[key] = value;
  }
  const missing = product.options.filter((o) => !Object.hasOwn(data, o.code)).map((o) => o.code);
  if (missing.length > 0) {
    problems.add('mappingIncomplete', { missing: missing.join(', ') });
  }
  problems.throwIfAny();

  const body = {
    mappingData: mapping,
    channelProductName: input.channelProductName,
    channelProductLink: input.channelProductLink,
    channelProductId: input.channelProductId,
  };
  const mappingCode = uuidFrom('mapping', ctx.channel, code, product.version, stableHash(body));
  const existing = ctx.state.registrations[mappingCode];
  const registration: Registration = existing ?? {
    mappingCode,
    productCode: code,
    family,
    version: product.version,
    ...body,
    registeredAt: formatRfc3339(ctx.now),
  };
  const changes: Outcome<Registration>['changes'] = [];
  if (!existing) changes.push(['registrations', mappingCode, registration]);
  if (ctx.state.latestRegistration[code] !== mappingCode)
    changes.push(['latestRegistration', code, mappingCode]);
  return { result: registration, changes };
}

/**
 * The latest list: products of `family` this channel registered whose current version is newer than
 * the version it last registered, in catalogue order, paged. O(registered products), not O(catalogue).
 */
export function listUpdates(
  ctx: DomainContext,
  family: Family,
  page: number,
  pageSize: number,
): Array<{ code: string; title: string; version: number }> {
  const updated: Product[] = [];
  for (const [productCode, mappingCode] of Object.entries(ctx.state.latestRegistration)) {
    const registration = ctx.state.registrations[mappingCode];
    const product = currentProduct(ctx, productCode);
    if (!registration || !product || product.family !== family) continue;
    if (product.version > registration.version) updated.push(product);
  }
  updated.sort((a, b) => a.index - b.index || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return pageOf(updated, page, pageSize).map((p) => ({ code: p.code, title: p.title, version: p.version }));
}

export interface PublishInput {
  /** By option code (of the resulting option list): tour price keys, or day-ticket `{currency, price}`. */
  prices?: Record<string, Record<string, unknown>>;
  /** Merged shallowly into the contents; values must be strings or string arrays. */
  contents?: Record<string, unknown>;
  /** Replaces the option list; entries with an existing `optionCode` keep its price and inventory. */
  options?: Array<{ optionCode?: string; optionName: string }>;
}

const TOUR_PRICE_KEYS: Record<string, keyof TourPrice> = {
  unit_selling_price_usd: 'unitUsd',
  selling_price_per_person_usd: 'perPersonUsd',
  unit_selling_price_krw: 'unitKrw',
  selling_price_per_person_krw: 'perPersonKrw',
};

function isTourPrice(p: TourPrice | DayTicketPrice): p is TourPrice {
  return 'unitUsd' in p;
}

/** A non-negative price with at most `decimals` places, rendered with exactly that many; or null. */
function priceText(v: unknown, decimals: number): string | null {
  const money = parseMoney(v);
  if (money === null) return null;
  const units = toUnits(money);
  if (units < 0n || units % 10n ** BigInt(5 - decimals) !== 0n) return null;
  return fromUnits(units, decimals);
}

function newTourPrice(
  base: TourPrice | DayTicketPrice,
  input: Record<string, unknown>,
  problems: Problems,
  code: string,
) {
  const price: TourPrice = isTourPrice(base)
    ? { ...base }
    : { unitUsd: '0.00', perPersonUsd: '0.00', unitKrw: '0.00', perPersonKrw: '0.00' };
  const keys = Object.keys(input);
  if (keys.length === 0) problems.add('priceEmpty', { option: code });
  for (const key of keys) {
    const field = TOUR_PRICE_KEYS[key];
    if (field === undefined) {
      problems.add('tourPriceKeyUnknown', {
        key,
        option: code,
        keys: Object.keys(TOUR_PRICE_KEYS).join(', '),
      });
      continue;
    }
    const text = priceText(input[key], 2);
    if (text === null) {
      problems.add('tourPriceInvalid', { key, option: code });
      continue;
    }
    price[field] = text;
  }
  return price;
}

function newDayTicketPrice(
  base: TourPrice | DayTicketPrice,
  input: Record<string, unknown>,
  problems: Problems,
  code: string,
): DayTicketPrice {
  const price: DayTicketPrice = isTourPrice(base) ? { currency: 'KRW', price: '0.00000' } : { ...base };
  const keys = Object.keys(input);
  if (keys.length === 0) problems.add('priceEmpty', { option: code });
  for (const key of keys) {
    const value = input[key];
    if (key === 'currency') {
      if (value === 'KRW' || value === 'USD') price.currency = value;
      else problems.add('dayTicketCurrencyInvalid', { option: code });
    } else if (key === 'price') {
      const text = priceText(value, 5);
      if (text === null) {
        problems.add('dayTicketPriceInvalid', { option: code });
      } else {
        price.price = text;
      }
    } else {
      problems.add('dayTicketPriceKeyUnknown', { key, option: code });
    }
  }
  return price;
}

function newOptions(current: Product, version: number, input: unknown, problems: Problems): ProductOption[] {
  if (!Array.isArray(input) || input.length === 0) {
    problems.add('optionsEmpty');
    return current.options;
  }
  const byCode = new Map(current.options.map((o) => [o.code, o]));
  const template = current.options[0];
  const names = new Set<string>();
  const codes = new Set<string>();
  const result: ProductOption[] = [];
  input.forEach((item: unknown, index) => {
    if (!isRecord(item)) {
      problems.add('optionNotAnObject', { index });
      return;
    }
    const { optionCode, optionName } = item;
    if (typeof optionName !== 'string' || optionName.trim() === '') {
      problems.add('optionNameNotText', { index });
      return;
    }
    const name = optionName.trim();
    if (names.has(name)) {
      problems.add('optionNameRepeated', { name });
    }
    names.add(name);
    if (optionCode !== undefined && optionCode !== null) {
      const existing = typeof optionCode === 'string' ? byCode.get(optionCode) : undefined;
      if (!existing) {
        problems.add('optionCodeUnknown', { index, code: String(optionCode), product: current.code });
        return;
      }
      if (codes.has(existing.code)) {
        problems.add('optionListedTwice', { option: existing.code });
        return;
      }
      codes.add(existing.code);
      result.push({ ...existing, name });
      return;
    }
    if (!template) {
      problems.add('optionNothingToCopy', { product: current.code });
      return;
    }
    result.push({
      code: uuidFrom('option', current.code, version, index),
      name,
      price: structuredClone(template.price),
      inventory: structuredClone(template.inventory),
    });
  });
  return result;
}

/**
 * The supplier publishes a change: a new version of the product (version + 1) with the given option
 * list, prices (keyed by option codes of the resulting list) and contents merged in. 404 for an unknown
 * product; 400 naming `options`, `prices` and/or `contents` for bad input.
 */
export function publishVersion(ctx: DomainContext, code: string, input: PublishInput): Outcome<Product> {
  const current = currentProduct(ctx, code);
  if (!current) throw notFound();
  const version = current.version + 1;
  const problems = new Problems();

  let options = current.options;
  if (input.options !== undefined) {
    options = newOptions(current, version, input.options, problems);
  }

  if (input.prices !== undefined) {
    const prices: unknown = input.prices;
    if (!isRecord(prices)) {
      problems.add('pricesNotAnObject');
    } else {
      const byCode = new Map(options.map((o, i) => [o.code, i]));
      options = [...options];
      for (const [optionCode, priceInput] of Object.entries(prices)) {
        const i = byCode.get(optionCode);
        if (i === undefined) {
          problems.add('priceOptionUnknown', { option: optionCode, product: code });
          continue;
        }
        if (!isRecord(priceInput)) {
          problems.add('priceNotAnObject', { option: optionCode });
          continue;
        }
        const option = options[i]!;
        const price =
          current.family === 'tour'
            ? newTourPrice(option.price, priceInput, problems, optionCode)
            : newDayTicketPrice(option.price, priceInput, problems, optionCode);
        options[i] = { ...option, price };
      }
    }
  }

  let contents = current.contents;
  if (input.contents !== undefined) {
    const patch: unknown = input.contents;
    if (!isRecord(patch)) {
      problems.add('contentsNotAnObject');
    } else {
      contents = { ...current.contents };
      for (const [key, value] of Object.entries(patch)) {
        if (
          typeof value === 'string' ||
          (Array.isArray(value) && value.every((v) => typeof v === 'string'))
        ) {
          contents[key] = typeof value === 'string' ? value : [...value];
        } else {
          problems.add('contentsValueInvalid', { key });
        }
      }
    }
  }

  problems.throwIfAny();

  const product: Product = { ...current, version, options, contents };
  return { result: product, changes: [['products', code, product]] };
}
