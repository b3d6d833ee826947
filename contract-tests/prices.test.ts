import { describe, expect, it, type TestContext } from 'vitest';
import { DAY_TICKET, type Family, TOUR } from './support/families.ts';
import {
  client,
  expectVendorError,
  MESSAGES,
  needsControl,
  needsWrites,
  productDetail,
  unknownCode,
} from './support/world.ts';

/** Prices (P9/P10): one entry per option of the product; a supplier's new prices show at once. */

async function onePricePerOption(family: Family) {
  const { codes } = await family.listProducts(client, { page: 1, page_size: 5 });
  for (const productCode of codes.slice(0, 3)) {
    const detail = await productDetail(family, productCode);
    const prices = await family.prices(client, productCode);
    expect(prices.map((p) => p.option_code).sort()).toEqual(detail.options.map((o) => o.option_code).sort());
  }
}

async function followsSupplierChange(ctx: TestContext, family: Family) {
  needsWrites(ctx);
  needsControl(ctx);
  const { codes } = await family.listProducts(client, { page: 1, page_size: 10 });
  const productCode = codes.at(-1)!;
  const detail = await productDetail(family, productCode);
  const optionCode = detail.options[0]!.option_code;
  const change =
    family.name === 'tour'
      ? {
          unit_selling_price_usd: 81.5,
          selling_price_per_person_usd: 77.25,
          unit_selling_price_krw: 89650,
          selling_price_per_person_krw: 84975.5,
        }
      : { currency: 'KRW' as const, price: '71234.50000' };
  await client.publishProductVersion({
    path: { product_code: productCode },
    body: { prices: { [optionCode]: change } },
  });
  const prices = await family.prices(client, productCode);
  expect(prices.find((p) => p.option_code === optionCode)).toEqual({ option_code: optionCode, ...change });
}

describe('tour prices', () => {
  it('getTourPrice › one price per option of the product', () => onePricePerOption(TOUR));
  it('getTourPrice › 404 찾을 수 없습니다. for an unknown product', () =>
    expectVendorError(TOUR.prices(client, unknownCode()), 404, MESSAGES.notFound));
  it('getTourPrice › shows the prices of a version the supplier publishes', (ctx) =>
    followsSupplierChange(ctx, TOUR));
});

describe('day-ticket prices', () => {
  it('getDayTicketPrice › one price per option of the product', () => onePricePerOption(DAY_TICKET));
  it('getDayTicketPrice › 404 찾을 수 없습니다. for an unknown product', () =>
    expectVendorError(DAY_TICKET.prices(client, unknownCode()), 404, MESSAGES.notFound));
  it('getDayTicketPrice › shows the prices of a version the supplier publishes', (ctx) =>
    followsSupplierChange(ctx, DAY_TICKET));
});
