import { describe, expect, it } from 'vitest';
import {
  getProduct,
  listProducts,
  listUpdates,
  publishVersion,
  type RegistrationInput,
  registerProduct,
} from './catalog.ts';
import type { DomainContext } from './context.ts';
import { MESSAGES } from './errors.ts';
import { uuidFrom } from './ids.ts';
import { findEntry, inventoryCode } from './inventory.ts';
import {
  catchApiError,
  makeTestContext,
  TEST_DAY_TICKET_CODE,
  TEST_TICKET_ADULT,
  TEST_TICKET_CHILD,
  TEST_TOUR_ADULT,
  TEST_TOUR_CHILD,
  TEST_TOUR_CODE,
  testDayTicket,
  testTour,
  withChanges,
} from './testing.ts';
import type { Product } from './types.ts';

/** Messages of a 400 naming exactly `field`. */
function fieldMessages(fn: () => unknown, field: string): string[] {
  const err = catchApiError(fn);
  expect(err.status).toBe(400);
  expect(Object.keys(err.body)).toEqual([field]);
  return err.body[field] as string[];
}

function tourRegistration(mappingData: Record<string, unknown> = {}): RegistrationInput {
  return {
    mappingData: { [TEST_TOUR_ADULT]: '성인', [TEST_TOUR_CHILD]: '아동', ...mappingData },
    channelProductName: '[프랑스]파리 시티 투어',
    channelProductLink: 'https://channel.example/p/1',
    channelProductId: 'channel-1',
  };
}

/** A catalogue with `n` extra tours after the test tour (indexes 1..n). */
function manyTours(n: number): Product[] {
  const products: Product[] = [testTour(), testDayTicket()];
  for (let i = 1; i <= n; i++) {
    products.push({ ...testTour(), code: uuidFrom('test', 'tour', i), index: i, title: `Tour ${i}` });
  }
  return products;
}

/** Register a test-catalogue tour (every test tour shares the test tour's option codes). */
function register(ctx: DomainContext, code = TEST_TOUR_CODE) {
  return registerProduct(ctx, 'tour', code, tourRegistration());
}

describe('listProducts / getProduct', () => {
  it('lists one family in catalogue order, paged', () => {
    const ctx = makeTestContext({ products: manyTours(4) });
    expect(listProducts(ctx, 'tour', 1, 25).map((p) => p.index)).toEqual([0, 1, 2, 3, 4]);
    expect(listProducts(ctx, 'tour', 1, 2).map((p) => p.index)).toEqual([0, 1]);
    expect(listProducts(ctx, 'tour', 3, 2).map((p) => p.index)).toEqual([4]);
    expect(listProducts(ctx, 'tour', 4, 2)).toEqual([]);
    expect(listProducts(ctx, 'tour', 1000, 25)).toEqual([]);
    expect(listProducts(ctx, 'day-ticket', 1, 25).map((p) => p.code)).toEqual([TEST_DAY_TICKET_CODE]);
  });

  it('rejects invalid paging with the documented query error', () => {
    const ctx = makeTestContext();
    for (const [page, size] of [
      [0, 25],
      [1, 0],
      [-1, 25],
      [1.5, 25],
      [Number.NaN, 25],
    ] as const) {
      const err = catchApiError(() => listProducts(ctx, 'tour', page, size));
      expect(err.status).toBe(400);
      expect(err.body).toEqual({ detail: MESSAGES.invalidQuery });
    }
  });

  it('shows re-published versions', () => {
    const ctx = makeTestContext();
    const { changes } = publishVersion(ctx, TEST_TOUR_CODE, { contents: { introduction: 'New text' } });
    const ctx2 = withChanges(ctx, changes);
    expect(listProducts(ctx2, 'tour', 1, 25)[0]!.version).toBe(2);
    expect(getProduct(ctx2, 'tour', TEST_TOUR_CODE).contents.introduction).toBe('New text');
  });

  it('404s for unknown products and the other family', () => {
    const ctx = makeTestContext();
    expect(getProduct(ctx, 'day-ticket', TEST_DAY_TICKET_CODE).code).toBe(TEST_DAY_TICKET_CODE);
    for (const [family, code] of [
      ['tour', TEST_DAY_TICKET_CODE],
      ['day-ticket', TEST_TOUR_CODE],
      ['tour', uuidFrom('nothing')],
    ] as const) {
      const err = catchApiError(() => getProduct(ctx, family, code));
      expect(err.status).toBe(404);
      expect(err.body).toEqual({ detail: MESSAGES.notFound });
    }
  });
});

describe('registerProduct', () => {
  const ctx = makeTestContext();

  it('registers the current version and points latestRegistration at it', () => {
    const { result, changes } = registerProduct(ctx, 'tour', TEST_TOUR_CODE, tourRegistration());
    expect(result).toMatchObject({
      productCode: TEST_TOUR_CODE,
      family: 'tour',
      version: 1,
      mappingData: { [TEST_TOUR_ADULT]: '성인', [TEST_TOUR_CHILD]: '아동' },
      channelProductName: '[프랑스]파리 시티 투어',
      channelProductId: 'channel-1',
      registeredAt: '2026-03-01T00:00:00Z',
    });
    expect(result.mappingCode).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(changes).toEqual([
      ['registrations', result.mappingCode, result],
      ['latestRegistration', TEST_TOUR_CODE, result.mappingCode],
    ]);
  });

  it('is idempotent for an identical re-registration', () => {
    const first = registerProduct(ctx, 'tour', TEST_TOUR_CODE, tourRegistration());
    const later = withChanges(ctx, first.changes, ctx.now + 3_600_000);
    const again = registerProduct(later, 'tour', TEST_TOUR_CODE, tourRegistration());
    expect(again.result).toEqual(first.result);
    expect(again.changes).toEqual([]);
  });

  it('issues a new code for a different mapping and keeps the old one', () => {
    const first = registerProduct(ctx, 'tour', TEST_TOUR_CODE, tourRegistration());
    const ctx2 = withChanges(ctx, first.changes);
    const second = registerProduct(
      ctx2,
      'tour',
      TEST_TOUR_CODE,
      tourRegistration({ [TEST_TOUR_CHILD]: '어린이' }),
    );
    expect(second.result.mappingCode).not.toBe(first.result.mappingCode);
    const ctx3 = withChanges(ctx2, second.changes);
    expect(ctx3.state.latestRegistration[TEST_TOUR_CODE]).toBe(second.result.mappingCode);
    expect(ctx3.state.registrations[first.result.mappingCode]).toEqual(first.result);
    // Going back to the first mapping re-points latestRegistration without a new record.
    const third = registerProduct(ctx3, 'tour', TEST_TOUR_CODE, tourRegistration());
    expect(third.result.mappingCode).toBe(first.result.mappingCode);
    expect(third.changes).toEqual([['latestRegistration', TEST_TOUR_CODE, first.result.mappingCode]]);
  });

  it('gives each channel its own code', () => {
    const other = { ...ctx, channel: 'other-channel' };
    expect(registerProduct(other, 'tour', TEST_TOUR_CODE, tourRegistration()).result.mappingCode).not.toBe(
      registerProduct(ctx, 'tour', TEST_TOUR_CODE, tourRegistration()).result.mappingCode,
    );
  });

  it('registers day-tickets too', () => {
    const { result } = registerProduct(ctx, 'day-ticket', TEST_DAY_TICKET_CODE, {
      ...tourRegistration(),
      mappingData: { [TEST_TICKET_ADULT]: '성인', [TEST_TICKET_CHILD]: '아동' },
    });
    expect(result).toMatchObject({ family: 'day-ticket', productCode: TEST_DAY_TICKET_CODE, version: 1 });
  });

  it('404s for unknown products and the wrong family', () => {
    expect(
      catchApiError(() => registerProduct(ctx, 'day-ticket', TEST_TOUR_CODE, tourRegistration())).status,
    ).toBe(404);
    expect(catchApiError(() => registerProduct(ctx, 'tour', uuidFrom('x'), tourRegistration())).status).toBe(
      404,
    );
  });

  it('requires every option to be mapped', () => {
    const input = { ...tourRegistration(), mappingData: { [TEST_TOUR_ADULT]: '성인' } };
    const [message, ...rest] = fieldMessages(
      () => registerProduct(ctx, 'tour', TEST_TOUR_CODE, input),
      'mapping_data',
    );
    expect(rest).toEqual([]);
    expect(message).toContain('모든 옵션이 매핑되어야 합니다.');
    expect(message).toContain(TEST_TOUR_CHILD);
  });

  it('refuses keys that are not options of the product', () => {
    const stranger = uuidFrom('stranger');
    const messages = fieldMessages(
      () => registerProduct(ctx, 'tour', TEST_TOUR_CODE, tourRegistration({ [stranger]: '기타' })),
      'mapping_data',
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(stranger);
    expect(messages[0]).toContain('not an option');
  });

  it('refuses a repeated option name', () => {
    const messages = fieldMessages(
      () => registerProduct(ctx, 'tour', TEST_TOUR_CODE, tourRegistration({ [TEST_TOUR_CHILD]: ' 성인 ' })),
      'mapping_data',
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('같은 옵션 이름');
    expect(messages[0]).toContain('"성인"');
  });

  it.each([[''], ['   '], [null], [42], [['성인']]])('refuses the option name %j', (name) => {
    const messages = fieldMessages(
      () => registerProduct(ctx, 'tour', TEST_TOUR_CODE, tourRegistration({ [TEST_TOUR_CHILD]: name })),
      'mapping_data',
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('non-empty string');
    expect(messages[0]).toContain(TEST_TOUR_CHILD);
  });

  it('lists every problem at once and refuses a non-object', () => {
    const messages = fieldMessages(
      () =>
        registerProduct(ctx, 'tour', TEST_TOUR_CODE, {
          ...tourRegistration(),
          mappingData: { [TEST_TOUR_ADULT]: '', other: 'x' },
        }),
      'mapping_data',
    );
    expect(messages).toHaveLength(3);
    const notObject = { ...tourRegistration(), mappingData: [] as unknown as Record<string, unknown> };
    expect(
      fieldMessages(() => registerProduct(ctx, 'tour', TEST_TOUR_CODE, notObject), 'mapping_data'),
    ).toHaveLength(1);
  });

  it('maps the options of the current version, not the seeded one', () => {
    const published = publishVersion(ctx, TEST_TOUR_CODE, {
      options: [{ optionCode: TEST_TOUR_ADULT, optionName: 'Adult' }, { optionName: 'Senior' }],
    });
    const ctx2 = withChanges(ctx, published.changes);
    const senior = published.result.options[1]!.code;
    expect(
      fieldMessages(
        () => registerProduct(ctx2, 'tour', TEST_TOUR_CODE, tourRegistration()),
        'mapping_data',
      ).join(' '),
    ).toContain(senior);
    const ok = registerProduct(ctx2, 'tour', TEST_TOUR_CODE, {
      ...tourRegistration(),
      mappingData: { [TEST_TOUR_ADULT]: '성인', [senior]: '경로' },
    });
    expect(ok.result.version).toBe(2);
  });
});

describe('listUpdates', () => {
  it('lists registered products whose version moved on, until re-registration', () => {
    let ctx = makeTestContext({ products: manyTours(3) });
    const tour2 = uuidFrom('test', 'tour', 2);
    expect(listUpdates(ctx, 'tour', 1, 25)).toEqual([]);

    // Registered, unchanged: not listed.
    ctx = withChanges(ctx, register(ctx, tour2).changes);
    ctx = withChanges(ctx, register(ctx, TEST_TOUR_CODE).changes);
    expect(listUpdates(ctx, 'tour', 1, 25)).toEqual([]);

    // A new version of a product nobody registered is not listed either.
    ctx = withChanges(
      ctx,
      publishVersion(ctx, uuidFrom('test', 'tour', 1), { contents: { a: 'b' } }).changes,
    );
    expect(listUpdates(ctx, 'tour', 1, 25)).toEqual([]);

    // New versions of registered products: listed in catalogue order with the current version.
    ctx = withChanges(ctx, publishVersion(ctx, tour2, { contents: { a: 'b' } }).changes);
    ctx = withChanges(ctx, publishVersion(ctx, tour2, { contents: { a: 'c' } }).changes);
    ctx = withChanges(ctx, publishVersion(ctx, TEST_TOUR_CODE, { contents: { a: 'b' } }).changes);
    expect(listUpdates(ctx, 'tour', 1, 25)).toEqual([
      { code: TEST_TOUR_CODE, title: 'Paris City Tour', version: 2 },
      { code: tour2, title: 'Tour 2', version: 3 },
    ]);
    expect(listUpdates(ctx, 'tour', 2, 1)).toEqual([{ code: tour2, title: 'Tour 2', version: 3 }]);
    expect(listUpdates(ctx, 'tour', 3, 1)).toEqual([]);
    expect(listUpdates(ctx, 'day-ticket', 1, 25)).toEqual([]);

    // Re-registering the new version drops it from the list.
    ctx = withChanges(ctx, register(ctx, tour2).changes);
    expect(listUpdates(ctx, 'tour', 1, 25).map((u) => u.code)).toEqual([TEST_TOUR_CODE]);
    ctx = withChanges(ctx, register(ctx, TEST_TOUR_CODE).changes);
    expect(listUpdates(ctx, 'tour', 1, 25)).toEqual([]);
  });

  it('keeps the families apart', () => {
    let ctx = makeTestContext();
    ctx = withChanges(
      ctx,
      registerProduct(ctx, 'day-ticket', TEST_DAY_TICKET_CODE, {
        ...tourRegistration(),
        mappingData: { [TEST_TICKET_ADULT]: 'A', [TEST_TICKET_CHILD]: 'C' },
      }).changes,
    );
    ctx = withChanges(ctx, publishVersion(ctx, TEST_DAY_TICKET_CODE, {}).changes);
    expect(listUpdates(ctx, 'tour', 1, 25)).toEqual([]);
    expect(listUpdates(ctx, 'day-ticket', 1, 25)).toEqual([
      { code: TEST_DAY_TICKET_CODE, title: 'Louvre Highlight Ticket', version: 2 },
    ]);
  });
});

describe('publishVersion', () => {
  const ctx = makeTestContext();

  it('bumps the version and writes the product', () => {
    const { result, changes } = publishVersion(ctx, TEST_TOUR_CODE, {});
    expect(result.version).toBe(2);
    expect(result.options).toEqual(testTour().options);
    expect(changes).toEqual([['products', TEST_TOUR_CODE, result]]);
    const next = publishVersion(withChanges(ctx, changes), TEST_TOUR_CODE, {});
    expect(next.result.version).toBe(3);
  });

  it('404s for an unknown product', () => {
    expect(catchApiError(() => publishVersion(ctx, uuidFrom('x'), {})).status).toBe(404);
  });

  it('updates tour prices with two decimals, partially', () => {
    const { result } = publishVersion(ctx, TEST_TOUR_CODE, {
      prices: { [TEST_TOUR_CHILD]: { unit_selling_price_usd: 65, selling_price_per_person_krw: 70000.5 } },
    });
    expect(result.options[1]!.price).toEqual({
      unitUsd: '65.00',
      perPersonUsd: '55.00',
      unitKrw: '66000.00',
      perPersonKrw: '70000.50',
    });
    expect(result.options[0]!.price).toEqual(testTour().options[0]!.price);
  });

  it('updates day-ticket prices with five decimals', () => {
    const { result } = publishVersion(ctx, TEST_DAY_TICKET_CODE, {
      prices: {
        [TEST_TICKET_ADULT]: { currency: 'USD', price: '55.5' },
        [TEST_TICKET_CHILD]: { price: 40000 },
      },
    });
    expect(result.options[0]!.price).toEqual({ currency: 'USD', price: '55.50000' });
    expect(result.options[1]!.price).toEqual({ currency: 'KRW', price: '40000.00000' });
  });

  it('refuses unknown option codes and malformed prices under `prices`', () => {
    const messages = fieldMessages(
      () =>
        publishVersion(ctx, TEST_TOUR_CODE, {
          prices: {
            [uuidFrom('nope')]: { unit_selling_price_usd: 1 },
            [TEST_TOUR_ADULT]: { unit_selling_price_usd: -1, price: 3, selling_price_per_person_usd: 1.234 },
          },
        }),
      'prices',
    );
    expect(messages).toHaveLength(4);
    expect(
      fieldMessages(
        () => publishVersion(ctx, TEST_TOUR_CODE, { prices: { [TEST_TOUR_ADULT]: {} } }),
        'prices',
      ),
    ).toHaveLength(1);
    const ticketMessages = fieldMessages(
      () =>
        publishVersion(ctx, TEST_DAY_TICKET_CODE, {
          prices: { [TEST_TICKET_ADULT]: { currency: 'EUR', price: '1.000001' } },
        }),
      'prices',
    );
    expect(ticketMessages).toHaveLength(2);
    expect(
      fieldMessages(
        () => publishVersion(ctx, TEST_TOUR_CODE, { prices: 'cheap' as unknown as Record<string, never> }),
        'prices',
      ),
    ).toHaveLength(1);
  });

  it('merges contents shallowly and validates values', () => {
    const { result } = publishVersion(ctx, TEST_TOUR_CODE, {
      contents: { introduction: 'New', excluded: ['Lunch'] },
    });
    expect(result.contents).toEqual({
      introduction: 'New',
      included: ['Guide', 'Water'],
      excluded: ['Lunch'],
    });
    const messages = fieldMessages(
      () => publishVersion(ctx, TEST_TOUR_CODE, { contents: { a: 1, b: ['x', 2], c: null, d: 'ok' } }),
      'contents',
    );
    expect(messages).toHaveLength(3);
  });

  it('replaces the option list, keeping existing options and copying the first for new ones', () => {
    const { result } = publishVersion(ctx, TEST_TOUR_CODE, {
      options: [{ optionName: 'Senior' }, { optionCode: TEST_TOUR_CHILD, optionName: 'Kid' }],
    });
    const tour = testTour();
    expect(result.options).toHaveLength(2);
    expect(result.options[0]).toEqual({
      code: uuidFrom('option', TEST_TOUR_CODE, 2, 0),
      name: 'Senior',
      price: tour.options[0]!.price,
      inventory: tour.options[0]!.inventory,
    });
    expect(result.options[1]).toEqual({ ...tour.options[1]!, name: 'Kid' });
    // The kept option keeps its inventory codes; the new one has its own.
    expect(findEntry(ctx, result, TEST_TOUR_CHILD, '2026-03-04 09:00')!.code).toBe(
      inventoryCode(TEST_TOUR_CHILD, 3, '09:00'),
    );
    expect(findEntry(ctx, result, result.options[0]!.code, '2026-03-04 09:00')!.code).toBe(
      inventoryCode(result.options[0]!.code, 3, '09:00'),
    );
  });

  it('applies prices to the resulting option list', () => {
    const newCode = uuidFrom('option', TEST_TOUR_CODE, 2, 1);
    const { result } = publishVersion(ctx, TEST_TOUR_CODE, {
      options: [{ optionCode: TEST_TOUR_ADULT, optionName: 'Adult' }, { optionName: 'Senior' }],
      prices: { [newCode]: { unit_selling_price_usd: 50 } },
    });
    expect(result.options[1]!.code).toBe(newCode);
    expect((result.options[1]!.price as { unitUsd: string }).unitUsd).toBe('50.00');
    // The removed option is no longer priceable.
    expect(
      fieldMessages(
        () =>
          publishVersion(ctx, TEST_TOUR_CODE, {
            options: [{ optionCode: TEST_TOUR_ADULT, optionName: 'Adult' }],
            prices: { [TEST_TOUR_CHILD]: { unit_selling_price_usd: 50 } },
          }),
        'prices',
      ),
    ).toHaveLength(1);
  });

  it('refuses bad option lists under `options`', () => {
    const cases: Array<[unknown, number]> = [
      [[], 1],
      ['x', 1],
      [[{ optionName: '' }], 1],
      [[{ optionName: '  ' }], 1],
      [[{ optionName: 'A' }, { optionName: ' A' }], 1],
      [[{ optionCode: uuidFrom('nope'), optionName: 'A' }], 1],
      [
        [
          { optionCode: TEST_TOUR_ADULT, optionName: 'A' },
          { optionCode: TEST_TOUR_ADULT, optionName: 'B' },
        ],
        1,
      ],
      [[null], 1],
    ];
    for (const [options, count] of cases) {
      const messages = fieldMessages(
        () => publishVersion(ctx, TEST_TOUR_CODE, { options: options as never }),
        'options',
      );
      expect(messages, JSON.stringify(options)).toHaveLength(count);
    }
  });

  it('reports several fields at once', () => {
    const err = catchApiError(() =>
      publishVersion(ctx, TEST_TOUR_CODE, {
        options: [{ optionName: '' }],
        contents: { a: 1 },
        prices: { nope: {} },
      }),
    );
    expect(Object.keys(err.body).sort()).toEqual(['contents', 'options', 'prices']);
  });
});
