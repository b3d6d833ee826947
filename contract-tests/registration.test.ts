import { describe, expect, it, type TestContext } from 'vitest';
import { DAY_TICKET, type Family, TOUR } from './support/families.ts';
import { operationById } from './support/spec.ts';
import {
  client,
  expectFieldError,
  expectRawMessage,
  expectVendorError,
  MESSAGES,
  needsControl,
  needsWrites,
  productDetail,
  registrationBody,
  rejection,
  unknownCode,
} from './support/world.ts';

/**
 * Registration with option mapping (P5/P6) and the latest list (P7/P8): a registered product the supplier
 * changes shows up with its new version until the channel registers that version.
 */

async function firstListed(family: Family, index = 0): Promise<string> {
  const { codes } = await family.listProducts(client, { page: 1, page_size: 10 });
  const code = codes[index] ?? codes[0];
  if (!code) throw new Error(`${family.ops.list} lists no products`);
  return code;
}

async function registersWithAllOptions(ctx: TestContext, family: Family) {
  needsWrites(ctx);
  const productCode = await firstListed(family);
  const detail = await productDetail(family, productCode);
  const { status, data } = await family.register(client, productCode, registrationBody(detail));
  expect(status).toBe(201);
  expect(data.product_code).toBe(productCode);
  expect(data.channel_product_mapping_code.length).toBeGreaterThan(0);
  expect(data.channel_product_mapping_data_code).toBe(data.channel_product_mapping_code);
}

async function refusesUnmappedOption(family: Family) {
  const productCode = await firstListed(family);
  const detail = await productDetail(family, productCode);
  const body = registrationBody(detail);
  const [first] = detail.options;
  const partial = { ...body, mapping_data: { [first!.option_code]: 'only one' } };
  const unknownOption = {
    ...body,
    mapping_data: { ...body.mapping_data, [unknownCode()]: 'no such option' },
  };
  for (const invalid of detail.options.length > 1 ? [partial, unknownOption] : [unknownOption]) {
    const error = await rejection(family.register(client, productCode, invalid), 400);
    expectFieldError(error.body, 'mapping_data');
  }
}

async function namesMissingFields(family: Family) {
  const productCode = await firstListed(family);
  const path = operationById(family.ops.register)!.path.replace('{product_code}', productCode);
  const answer = await client.raw('POST', path, { body: {} });
  expect(answer.status, answer.rawBody).toBe(400);
  for (const field of [
    'mapping_data',
    'channel_product_name',
    'channel_product_link',
    'channel_product_id',
  ]) {
    expectFieldError(answer.data, field, MESSAGES.required);
  }
}

async function unknownProduct(family: Family) {
  const productCode = await firstListed(family);
  const body = registrationBody(await productDetail(family, productCode));
  await expectVendorError(family.register(client, unknownCode(), body), 404, MESSAGES.notFound);
}

async function latestListShape(family: Family) {
  const { status, data } = await family.updates(client, { page: 1, page_size: 100 });
  expect([200, 201], `${family.ops.updates} answered ${status}`).toContain(status);
  expect(new Set(data.map((d) => d.product_code)).size).toBe(data.length);
}

async function latestListBadQuery(family: Family) {
  const path = operationById(family.ops.updates)!.path;
  expectRawMessage(await client.raw('GET', `${path}?page=0`), 400, MESSAGES.invalidQuery);
}

async function listedAfterSupplierChange(ctx: TestContext, family: Family) {
  needsWrites(ctx);
  needsControl(ctx);
  const productCode = await firstListed(family, 1);
  const detail = await productDetail(family, productCode);
  const registered = await family.register(client, productCode, registrationBody(detail));
  const listed = async () =>
    (await family.updates(client, { page: 1, page_size: 100 })).data.find(
      (u) => u.product_code === productCode,
    );
  expect(await listed(), 'listed right after registering its current version').toBeUndefined();

  const published = await client.publishProductVersion({
    path: { product_code: productCode },
    body: { contents: { product_sub_title: `contract ${unknownCode().slice(0, 8)}` } },
  });
  expect(published.data.version).toBe(registered.data.version + 1);
  expect(await listed()).toMatchObject({ product_code: productCode, version: published.data.version });

  const again = await family.register(client, productCode, registrationBody(detail));
  expect(again.data.version).toBe(published.data.version);
  expect(await listed(), 'still listed after registering the new version').toBeUndefined();
}

describe('tour registration', () => {
  it('registerTourProduct › 201 with a mapping code for a listed product, all options mapped', (ctx) =>
    registersWithAllOptions(ctx, TOUR));
  it('registerTourProduct › 400 on mapping_data leaving out an option or naming an unknown one', () =>
    refusesUnmappedOption(TOUR));
  it('registerTourProduct › 400 이 필드는 필수 항목입니다. naming each missing field', () =>
    namesMissingFields(TOUR));
  it('registerTourProduct › 404 찾을 수 없습니다. for an unknown product', () => unknownProduct(TOUR));
  it('listTourProductUpdates › 201 (or 200) with the documented latest list', () => latestListShape(TOUR));
  it('listTourProductUpdates › 400 유효하지 않은 query입니다. for a bad page', () =>
    latestListBadQuery(TOUR));
  it('listTourProductUpdates › lists a registered product the supplier changed until it is re-registered', (ctx) =>
    listedAfterSupplierChange(ctx, TOUR));
});

describe('day-ticket registration', () => {
  it('registerDayTicketProduct › 201 with a mapping code for a listed product, all options mapped', (ctx) =>
    registersWithAllOptions(ctx, DAY_TICKET));
  it('registerDayTicketProduct › 400 on mapping_data leaving out an option or naming an unknown one', () =>
    refusesUnmappedOption(DAY_TICKET));
  it('registerDayTicketProduct › 400 이 필드는 필수 항목입니다. naming each missing field', () =>
    namesMissingFields(DAY_TICKET));
  it('registerDayTicketProduct › 404 찾을 수 없습니다. for an unknown product', () =>
    unknownProduct(DAY_TICKET));
  it('listDayTicketProductUpdates › 201 (or 200) with the documented latest list', () =>
    latestListShape(DAY_TICKET));
  it('listDayTicketProductUpdates › 400 유효하지 않은 query입니다. for a bad page', () =>
    latestListBadQuery(DAY_TICKET));
  it('listDayTicketProductUpdates › lists a registered product the supplier changed until it is re-registered', (ctx) =>
    listedAfterSupplierChange(ctx, DAY_TICKET));
});
