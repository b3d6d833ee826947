import { describe, expect, it } from 'vitest';
import { DAY_TICKET, type Family, TOUR } from './support/families.ts';
import { operationById } from './support/spec.ts';
import {
  chooseOrderable,
  client,
  expectRawMessage,
  expectVendorError,
  MESSAGES,
  productDetail,
  unknownCode,
} from './support/world.ts';

/** Inventory (I1/I2): entries per option, `max = remain + ordered`, pagination per option, errors. */

async function everyOptionBalanced(family: Family) {
  const { codes } = await family.listProducts(client, { page: 1, page_size: 5 });
  for (const productCode of codes.slice(0, 3)) {
    const detail = await productDetail(family, productCode);
    const inventory = await family.inventory(client, productCode, { page: 1, page_size: 20 });
    expect(Object.keys(inventory).sort()).toEqual(detail.options.map((o) => o.option_code).sort());
    for (const [optionCode, entries] of Object.entries(inventory)) {
      for (const entry of entries) {
        expect(
          entry.max_quantity,
          `${family.ops.inventory} ${productCode} option ${optionCode} entry ${entry.inventory_code}: max = remain + ordered`,
        ).toBe(entry.remain_quantity + entry.ordered_quantity);
      }
    }
  }
}

async function pagesPerOption(family: Family) {
  const { productCode } = await chooseOrderable(family, 1);
  const whole = await family.inventory(client, productCode, { page: 1, page_size: 6 });
  const page1 = await family.inventory(client, productCode, { page: 1, page_size: 3 });
  const page2 = await family.inventory(client, productCode, { page: 2, page_size: 3 });
  for (const [optionCode, entries] of Object.entries(whole)) {
    expect(page1[optionCode]?.length ?? 0).toBeLessThanOrEqual(3);
    const joined = [...(page1[optionCode] ?? []), ...(page2[optionCode] ?? [])];
    expect(joined.map((e) => e.inventory_code)).toEqual(entries.map((e) => e.inventory_code));
  }
  const past = await family.inventory(client, productCode, { page: 100_000, page_size: 100 });
  for (const entries of Object.values(past)) expect(entries).toEqual([]);
}

async function defaultPage(family: Family) {
  const { productCode } = await chooseOrderable(family, 1);
  const unpaged = await family.inventory(client, productCode);
  const explicit = await family.inventory(client, productCode, { page: 1, page_size: 25 });
  for (const entries of Object.values(unpaged)) expect(entries.length).toBeLessThanOrEqual(25);
  expect(unpaged).toEqual(explicit);
}

async function badQuery(family: Family) {
  const { productCode } = await chooseOrderable(family, 1);
  const path = operationById(family.ops.inventory)!.path.replace('{product_code}', productCode);
  for (const query of ['page=0', 'page_size=abc']) {
    expectRawMessage(await client.raw('GET', `${path}?${query}`), 400, MESSAGES.invalidQuery);
  }
}

describe('tour inventory', () => {
  it('getTourInventory › an entry list for every option, max = remain + ordered in each entry', () =>
    everyOptionBalanced(TOUR));
  it('getTourInventory › pages apply per option: page 2 continues page 1', () => pagesPerOption(TOUR));
  it('getTourInventory › no page / page_size means page 1 of 25', () => defaultPage(TOUR));
  it('getTourInventory › 400 유효하지 않은 query입니다. for a bad page or page_size', () => badQuery(TOUR));
  it('getTourInventory › 404 찾을 수 없습니다. for an unknown product', () =>
    expectVendorError(TOUR.inventory(client, unknownCode()), 404, MESSAGES.notFound));
});

describe('day-ticket inventory', () => {
  it('getDayTicketInventory › an entry list for every option, max = remain + ordered in each entry', () =>
    everyOptionBalanced(DAY_TICKET));
  it('getDayTicketInventory › pages apply per option: page 2 continues page 1', () =>
    pagesPerOption(DAY_TICKET));
  it('getDayTicketInventory › no page / page_size means page 1 of 25', () => defaultPage(DAY_TICKET));
  it('getDayTicketInventory › 400 유효하지 않은 query입니다. for a bad page or page_size', () =>
    badQuery(DAY_TICKET));
  it('getDayTicketInventory › 404 찾을 수 없습니다. for an unknown product', () =>
    expectVendorError(DAY_TICKET.inventory(client, unknownCode()), 404, MESSAGES.notFound));
});
