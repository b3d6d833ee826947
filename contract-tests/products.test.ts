import { describe, expect, it } from 'vitest';
import { contractClient } from './support/client.ts';
import { DAY_TICKET, type Family, TOUR } from './support/families.ts';
import { operationById } from './support/spec.ts';
import {
  client,
  expectRawMessage,
  expectVendorError,
  MESSAGES,
  productDetail,
  unknownCode,
} from './support/world.ts';

/** Product list and detail (P1–P4): shapes, pagination, 400 / 403 / 404 in the vendor's words. */

async function listsProducts(family: Family) {
  const { status, codes } = await family.listProducts(client, { page: 1, page_size: 50 });
  expect(status).toBe(200);
  expect(codes.length, `${family.ops.list} lists no products`).toBeGreaterThan(0);
  expect(new Set(codes).size, 'product codes repeat').toBe(codes.length);
}

async function pagesWithoutGapsOrRepeats(family: Family) {
  const { codes: firstFour } = await family.listProducts(client, { page: 1, page_size: 4 });
  const { codes: page1 } = await family.listProducts(client, { page: 1, page_size: 2 });
  const { codes: page2 } = await family.listProducts(client, { page: 2, page_size: 2 });
  expect(page1.length).toBeLessThanOrEqual(2);
  expect(page2.length).toBeLessThanOrEqual(2);
  expect([...page1, ...page2]).toEqual(firstFour);
}

async function defaultPage(family: Family) {
  const { codes: unpaged } = await family.listProducts(client);
  const { codes: explicit } = await family.listProducts(client, { page: 1, page_size: 25 });
  expect(unpaged.length).toBeLessThanOrEqual(25);
  expect(unpaged).toEqual(explicit);
}

async function pagePastTheEnd(family: Family) {
  const { status, codes } = await family.listProducts(client, { page: 100_000, page_size: 100 });
  expect(status).toBe(200);
  expect(codes).toEqual([]);
}

async function badPagination(family: Family) {
  const path = operationById(family.ops.list)!.path;
  for (const query of ['page=0', 'page=abc', 'page_size=0', 'page=-1']) {
    expectRawMessage(await client.raw('GET', `${path}?${query}`), 400, MESSAGES.invalidQuery);
  }
}

async function deniedWithoutValidKey(family: Family) {
  const stranger = contractClient({ apiKey: `contract-invalid-${unknownCode()}`, channelCode: null });
  try {
    await expectVendorError(family.listProducts(stranger), 403, MESSAGES.denied);
  } finally {
    await stranger.close();
  }
}

async function detailOfListedProduct(family: Family) {
  const { codes } = await family.listProducts(client, { page: 1, page_size: 5 });
  for (const code of codes.slice(0, 3)) {
    const detail = await productDetail(family, code);
    expect(detail.options.length, `${family.ops.detail} ${code}: no options`).toBeGreaterThan(0);
    const optionCodes = detail.options.map((o) => o.option_code);
    expect(new Set(optionCodes).size, 'option codes repeat').toBe(optionCodes.length);
  }
}

describe('tour products', () => {
  it('listTourProducts › 200 with the documented product list', () => listsProducts(TOUR));
  it('listTourProducts › page 1 and 2 of size 2 are the first 4 products', () =>
    pagesWithoutGapsOrRepeats(TOUR));
  it('listTourProducts › no page / page_size means page 1 of 25', () => defaultPage(TOUR));
  it('listTourProducts › a page past the end is an empty list', () => pagePastTheEnd(TOUR));
  it('listTourProducts › 400 유효하지 않은 query입니다. for a bad page or page_size', () =>
    badPagination(TOUR));
  it('listTourProducts › 403 with the documented message for an unknown API key', () =>
    deniedWithoutValidKey(TOUR));
  it('getTourProduct › detail of a listed product with its options', () => detailOfListedProduct(TOUR));
  it('getTourProduct › 404 찾을 수 없습니다. for an unknown product', () =>
    expectVendorError(TOUR.getProduct(client, unknownCode()), 404, MESSAGES.notFound));
  it('getTourProduct › a day-ticket product code is not a tour (404)', async () => {
    const { codes } = await DAY_TICKET.listProducts(client, { page: 1, page_size: 1 });
    await expectVendorError(TOUR.getProduct(client, codes[0]!), 404, MESSAGES.notFound);
  });
});

describe('day-ticket products', () => {
  it('listDayTicketProducts › 200 with the documented product list', () => listsProducts(DAY_TICKET));
  it('listDayTicketProducts › page 1 and 2 of size 2 are the first 4 products', () =>
    pagesWithoutGapsOrRepeats(DAY_TICKET));
  it('listDayTicketProducts › no page / page_size means page 1 of 25', () => defaultPage(DAY_TICKET));
  it('listDayTicketProducts › a page past the end is an empty list', () => pagePastTheEnd(DAY_TICKET));
  it('listDayTicketProducts › 400 유효하지 않은 query입니다. for a bad page or page_size', () =>
    badPagination(DAY_TICKET));
  it('listDayTicketProducts › 403 with the documented message for an unknown API key', () =>
    deniedWithoutValidKey(DAY_TICKET));
  it('getDayTicketProduct › detail of a listed product with its options', () =>
    detailOfListedProduct(DAY_TICKET));
  it('getDayTicketProduct › 404 찾을 수 없습니다. for an unknown product', () =>
    expectVendorError(DAY_TICKET.getProduct(client, unknownCode()), 404, MESSAGES.notFound));
});
