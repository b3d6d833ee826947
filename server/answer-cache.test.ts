import { describe, expect, it } from 'vitest';
import {
  caller,
  type ListedEntry,
  lineOf,
  orderableEntries,
  orderBody,
  register,
} from '../test/support/sandbox.ts';
import { AnswerCache } from './answer-cache.ts';
import { buildSimulator } from './app.ts';
import type { DomainContext } from './domain/context.ts';
import { listEntries } from './domain/inventory.ts';
import { emptyState, metaOf } from './domain/types.ts';
import { inventoryItem } from './http/products.ts';

describe('AnswerCache', () => {
  const state = emptyState({
    channel: 'c',
    catalogId: 'x',
    anchorDate: '2026-03-01',
    clockOffsetMs: 0,
    createdAt: '2026-03-01T00:00:00.000Z',
  });

  /** A read's context as the cache sees it: the state, its meta and the virtual now. */
  const at = (s: typeof state, now: number) => ({ state: s, meta: metaOf(s), now }) as DomainContext;

  it('sends the same bytes until a change, then builds again', () => {
    const cache = new AnswerCache();
    let builds = 0;
    const build = () => ({ body: { n: ++builds, text: '가' } });
    const first = cache.get('k', at(state, 0), build);
    expect(first.toString('utf8')).toBe(JSON.stringify({ n: 1, text: '가' }));
    expect(cache.get('k', at(state, 0), build)).toBe(first);
    cache.changed();
    expect(JSON.parse(cache.get('k', at(state, 0), build).toString('utf8')).n).toBe(2);
  });

  it('builds again once the clock reaches validUntil, and for another state object', () => {
    const cache = new AnswerCache();
    let builds = 0;
    const build = () => ({ body: ++builds, validUntil: 100 });
    cache.get('k', at(state, 0), build);
    cache.get('k', at(state, 99), build);
    expect(builds).toBe(1);
    cache.get('k', at(state, 100), build);
    expect(builds).toBe(2);
    cache.get('k', at(structuredClone(state), 0), build);
    expect(builds).toBe(3);
  });

  it('finds an answer again by the URL that got it, until a change or the end of the answer', () => {
    const cache = new AnswerCache();
    const json = cache.get('k', at(state, 0), () => ({ body: 1, validUntil: 100 }));
    expect(cache.sent('/u', 0)).toBeUndefined();
    cache.remember('/u', 'k', json, 203);
    expect(cache.sent('/u', 0)?.status).toBe(203);
    expect(cache.sent('/u', 99)?.json).toBe(json);
    expect(cache.sent('/other', 0)).toBeUndefined();
    expect(cache.sent('/u', 100)).toBeUndefined();
    // Once found stale, it is gone, even for an earlier clock.
    expect(cache.sent('/u', 0)).toBeUndefined();

    cache.remember('/u', 'k', json, 200);
    cache.changed();
    expect(cache.sent('/u', 0)).toBeUndefined();
  });

  it('reads the end of an answer on the channel’s clock: the real one plus its offset', () => {
    const ahead = emptyState({ ...metaOf(state), clockOffsetMs: 50 });
    const cache = new AnswerCache();
    const json = cache.get('k', at(ahead, 50), () => ({ body: 1, validUntil: 100 }));
    cache.remember('/u', 'k', json, 200);
    expect(cache.sent('/u', 49)?.json).toBe(json);
    expect(cache.sent('/u', 50)).toBeUndefined();
  });

  it('holds an answer only until the next supplier action is due', () => {
    const cache = new AnswerCache();
    let builds = 0;
    const build = () => ({ body: ++builds });
    const json = cache.get('k', at(state, 0), build, 30);
    cache.remember('/u', 'k', json, 200);
    expect(cache.sent('/u', 29)?.json).toBe(json);
    expect(cache.sent('/u', 30)).toBeUndefined();
    expect(cache.get('k', at(state, 29), build, 30)).toBe(json);
    cache.get('k', at(state, 30), build, Number.POSITIVE_INFINITY);
    expect(builds).toBe(2);
  });

  it('remembers nothing for a URL when the answer under its key is no longer the one it got', () => {
    const cache = new AnswerCache();
    const build = () => ({ body: 1 });
    const first = cache.get('k', at(state, 0), build);
    cache.changed();
    const second = cache.get('k', at(state, 0), build);
    cache.remember('/u', 'k', first, 200);
    expect(cache.sent('/u', 0)).toBeUndefined();
    cache.remember('/u', 'k', second, 200);
    expect(cache.sent('/u', 0)?.json).toBe(second);
  });

  it('keeps at most its capacity, the oldest going first', () => {
    const cache = new AnswerCache(2);
    let builds = 0;
    const build = () => ({ body: ++builds });
    cache.get('1', at(state, 0), build);
    cache.get('2', at(state, 0), build);
    cache.get('3', at(state, 0), build);
    expect(cache.size).toBe(2);
    cache.get('2', at(state, 0), build);
    expect(builds).toBe(3);
    cache.get('1', at(state, 0), build);
    expect(builds).toBe(4);
  });
});

describe('catalogue answers sent from the cache', () => {
  it('are the same bytes, headers and journal entries as serialised answers', async () => {
    const app = await buildSimulator({ data: ':memory:' });
    const headers = { authorization: 'Token demo-key' };
    try {
      const product = app.sim.catalog.tours[5]!;
      const url = `/v1/channel/products/tour/${product.code}`;
      const expected = JSON.stringify({
        status_code: 200,
        required_traveler_information: product.rti,
        contents: product.contents,
        options: product.options.map((o) => ({ option_code: o.code, option_name: o.name })),
      });
      for (let i = 0; i < 2; i++) {
        const answer = await app.inject({ url, headers });
        expect(answer.statusCode).toBe(200);
        expect(answer.body).toBe(expected);
        expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(expected)));
      }
      const list = await app.inject({ url: '/v1/channel/products/tour?page=2&page_size=3', headers });
      expect(list.body).toBe(
        JSON.stringify({
          status_code: 200,
          products: app.sim.catalog.tours.slice(3, 6).map((p) => ({ product_code: p.code, ...p.listing })),
        }),
      );
      const journal = await app.inject({ url: '/__sim/journal?limit=3', headers });
      const entries = journal.json().entries as Array<{ path: string; response_body: unknown }>;
      expect(entries[0]!.response_body).toEqual(JSON.parse(list.body));
      expect(entries[1]!.path).toBe(url);
      expect(entries[1]!.response_body).toEqual(JSON.parse(expected));
    } finally {
      await app.close();
    }
  });

  it('follow a product version the supplier publishes in one channel only', async () => {
    const app = await buildSimulator({ data: ':memory:' });
    try {
      const product = app.sim.catalog.tours[5]!;
      const url = `/v1/channel/products/tour/${product.code}`;
      const detail = (key: string) =>
        app.inject({ url, headers: { authorization: `Token ${key}` } }).then((a) => a.json());
      const before = await detail('demo-key');
      const published = await app.inject({
        method: 'POST',
        url: `/__sim/products/${product.code}/versions`,
        headers: { authorization: 'Token demo-key', 'content-type': 'application/json' },
        payload: { contents: { product_sub_title: '새 부제목' } },
      });
      expect(published.statusCode).toBe(201);
      expect((await detail('demo-key')).contents.product_sub_title).toBe('새 부제목');
      expect(await detail('demo-key-2')).toEqual(before);
    } finally {
      await app.close();
    }
  });
});

describe('inventory pages sent from the cache', () => {
  it('show the stock as it is after every order and cancel, per channel', async () => {
    const app = await buildSimulator({ data: ':memory:' });
    const json = { 'content-type': 'application/json' };
    const one = { authorization: 'Token demo-key' };
    const two = { authorization: 'Token demo-key-2' };
    try {
      const product = app.sim.catalog.byCode.get('00000000-0000-4000-8000-000000000004')!;
      const url = `/v1/channel/inventory/tour/${product.code}?page=2&page_size=5`;
      // What the page must be, built from the domain directly (no cache) for a channel.
      const expected = async (channel: string) =>
        JSON.stringify(
          await app.sim.read(channel, (ctx) => ({
            status_code: 200,
            option_codes: Object.fromEntries(
              product.options.map((o) => [
                o.code,
                listEntries(ctx, product, o, 5, 10).map((e) => inventoryItem('tour', e)),
              ]),
            ),
          })),
        );
      const page = async (headers: Record<string, string>) => (await app.inject({ url, headers })).body;
      const before = await page(one);
      expect(before).toBe(await expected('demo-channel'));
      expect(await page(one)).toBe(before);

      const option = product.options[0]!;
      const registered = await app.inject({
        method: 'POST',
        url: `/v1/channel/products/tour/registration/${product.code}`,
        headers: { ...one, ...json },
        payload: {
          mapping_data: Object.fromEntries(product.options.map((o, i) => [o.code, `option ${i}`])),
          channel_product_name: 'p',
          channel_product_link: 'https://example.com/p',
          channel_product_id: 'p-1',
        },
      });
      const entry = JSON.parse(before).option_codes[option.code][1];
      const person = { name: '홍길동', national_code: '82', phone: '01012345678', email: 'a@example.com' };
      const additional = { english_name: 'Hong Gildong' };
      const created = await app.inject({
        method: 'POST',
        url: '/v1/channel/orders/tour',
        headers: { ...one, ...json },
        payload: {
          options: [
            {
              channel_product_mapping_code: registered.json().data.channel_product_mapping_code,
              option_code: option.code,
              quantity: 2,
              inventory_at: `${entry.date}T${entry.start_time}:00Z`,
              unit_selling_price: '2222',
              amount_price: '2200',
              tickets: [0, 1].map((i) => ({ ...person, channel_code: `t-${i}`, additional })),
            },
          ],
          order: {
            channel_order_id: 'cache-1',
            purchased_at: '2026-03-01T09:00:00Z',
            sub_total: '4444',
            total: '4400',
            status: 'New',
            is_voucher: true,
            currency: 'KRW',
          },
          purchaser: { ...person, is_required_more_information: false },
          representative: { ...person, additional },
        },
      });
      expect(created.statusCode).toBe(201);
      const after = await page(one);
      expect(JSON.parse(after).option_codes[option.code][1].remain_quantity).toBe(entry.remain_quantity - 2);
      expect(after).toBe(await expected('demo-channel'));
      // The other channel's sandbox is untouched.
      expect(await page(two)).toBe(before);

      const code = created.json().data.depth_combinations[0].ax_order_code;
      const cancelled = await app.inject({
        method: 'PATCH',
        url: `/v1/channel/orders/tour/${code}`,
        headers: { ...one, ...json },
        payload: { channel_status: 'Traveler cancel' },
      });
      expect(cancelled.statusCode).toBe(200);
      expect(await page(one)).toBe(before);
    } finally {
      await app.close();
    }
  });
});

describe('answers kept per channel are built again after', () => {
  const one = { authorization: 'Token demo-key' };
  const two = { authorization: 'Token demo-key-2' };
  const json = { 'content-type': 'application/json' };
  const code = '00000000-0000-4000-8000-000000000001';
  const url = `/v1/channel/inventory/tour/${code}?page=1&page_size=5`;

  /** The inventory page as the domain builds it now, without any cache. */
  const expected = async (app: Awaited<ReturnType<typeof buildSimulator>>, channel: string) => {
    const product = app.sim.catalog.byCode.get(code)!;
    return JSON.stringify(
      await app.sim.read(channel, (ctx) => ({
        status_code: 200,
        option_codes: Object.fromEntries(
          product.options.map((o) => [
            o.code,
            listEntries(ctx, product, o, 0, 5).map((e) => inventoryItem('tour', e)),
          ]),
        ),
      })),
    );
  };

  it('a clock advance, a reset and an import', async () => {
    const app = await buildSimulator({ data: ':memory:' });
    try {
      const page = async () => (await app.inject({ url, headers: one })).body;
      const before = await page();
      expect(await page()).toBe(before);
      const exported = (await app.inject({ url: '/__sim/state', headers: one })).body;

      const advanced = await app.inject({
        method: 'POST',
        url: '/__sim/clock/advance',
        headers: { ...one, ...json },
        payload: { seconds: 3 * 86_400 },
      });
      expect(advanced.statusCode).toBe(200);
      const later = await page();
      expect(later).not.toBe(before);
      expect(later).toBe(await expected(app, 'demo-channel'));
      expect((await app.inject({ url, headers: two })).body).toBe(before);

      const imported = await app.inject({
        method: 'PUT',
        url: '/__sim/state',
        headers: { ...one, ...json },
        payload: exported,
      });
      expect(imported.statusCode).toBe(200);
      expect(await page()).toBe(before);

      await app.inject({
        method: 'POST',
        url: '/__sim/clock/advance',
        headers: { ...one, ...json },
        payload: { seconds: 86_400 },
      });
      expect(await page()).not.toBe(before);
      expect((await app.inject({ method: 'POST', url: '/__sim/reset', headers: one })).statusCode).toBe(200);
      expect(await page()).toBe(await expected(app, 'demo-channel'));
    } finally {
      await app.close();
    }
  });

  it('one of today’s start times passing, with no commit at all', async () => {
    // Korean 07:00 on 2026-03-01 (UTC 22:00 the day before).
    let now = Date.UTC(2026, 1, 28, 22);
    const app = await buildSimulator({ data: ':memory:', realNow: () => now });
    try {
      const page = async () => JSON.parse((await app.inject({ url, headers: one })).body);
      const before = await page();
      const [option, entries] = Object.entries(
        before.option_codes as Record<string, Array<Record<string, string>>>,
      )[0]!;
      const first = entries[0]!;
      expect(first.date).toBe('2026-03-01');
      // Just past its start on the Korean wall clock: it has left the window.
      now = Date.parse(`${first.date}T${first.start_time}:00Z`) - 9 * 3_600_000 + 1;
      const after = await page();
      expect(after.option_codes[option][0].inventory_code).not.toBe(first.inventory_code);
      expect(JSON.stringify(after)).toBe(await expected(app, 'demo-channel'));
    } finally {
      await app.close();
    }
  });

  it('a product version the supplier publishes, in the product list too', async () => {
    const app = await buildSimulator({ data: ':memory:' });
    try {
      const list = async (headers: Record<string, string>) =>
        (await app.inject({ url: '/v1/channel/products/tour?page=1&page_size=5', headers })).json();
      const before = await list(one);
      const published = await app.inject({
        method: 'POST',
        url: `/__sim/products/${code}/versions`,
        headers: { ...one, ...json },
        payload: { contents: { product_sub_title: '새 부제목' } },
      });
      expect(published.statusCode).toBe(201);
      const product = app.sim.catalog.byCode.get(code)!;
      const after = await list(one);
      expect(after).toEqual(
        await app.sim.read('demo-channel', (ctx) => ({
          status_code: 200,
          products: app.sim.catalog.tours.slice(0, 5).map((p) => ({
            product_code: p.code,
            ...(ctx.state.products[p.code] ?? p).listing,
          })),
        })),
      );
      expect(product.code).toBe(code);
      expect(await list(two)).toEqual(before);
    } finally {
      await app.close();
    }
  });
});

describe('answers sent again by URL, before validation and handler', () => {
  const one = { authorization: 'Token demo-key' };

  it('are found once a read answered the URL, and no longer after a change', async () => {
    const app = await buildSimulator({ data: ':memory:' });
    try {
      const url = `/v1/channel/products/tour/${app.sim.catalog.tours[2]!.code}`;
      expect(app.sim.kept('demo-channel', url)).toBeUndefined();
      const first = await app.inject({ url, headers: one });
      expect(app.sim.kept('demo-channel', url)?.json.toString('utf8')).toBe(first.body);
      expect(app.sim.kept('demo-channel', url)?.status).toBe(200);
      // Another channel, or the same request written another way, is another URL.
      expect(app.sim.kept('demo-channel-2', url)).toBeUndefined();
      expect(app.sim.kept('demo-channel', `${url}?`)).toBeUndefined();
      const again = await app.inject({ url, headers: one });
      expect(again.body).toBe(first.body);
      expect(again.headers['content-type']).toBe('application/json; charset=utf-8');
      const advanced = await app.inject({
        method: 'POST',
        url: '/__sim/clock/advance',
        headers: { ...one, 'content-type': 'application/json' },
        payload: { seconds: 60 },
      });
      expect(advanced.statusCode).toBe(200);
      expect(app.sim.kept('demo-channel', url)).toBeUndefined();
      // HEAD and an invalid query are never answered from it.
      const head = await app.inject({ method: 'HEAD', url, headers: one });
      expect(head.statusCode).toBe(200);
      const bad = await app.inject({ url: '/v1/channel/products/tour?page=0', headers: one });
      expect(bad.statusCode).toBe(400);
      expect(app.sim.kept('demo-channel', '/v1/channel/products/tour?page=0')).toBeUndefined();
    } finally {
      await app.close();
    }
  });

  it('give way to a fault rule set after they were kept', async () => {
    const app = await buildSimulator({ data: ':memory:' });
    try {
      const url = `/v1/channel/products/tour/${app.sim.catalog.tours[2]!.code}`;
      const kept = (await app.inject({ url, headers: one })).body;
      expect((await app.inject({ url, headers: one })).body).toBe(kept);
      const set = await app.inject({
        method: 'PUT',
        url: '/__sim/faults',
        headers: { ...one, 'content-type': 'application/json' },
        payload: { rules: [{ path: '/v1/channel/products/**', status: 503 }] },
      });
      expect(set.statusCode).toBe(200);
      expect((await app.inject({ url, headers: one })).statusCode).toBe(503);
      await app.inject({ method: 'PUT', url: '/__sim/faults', headers: one, payload: { rules: [] } });
      expect((await app.inject({ url, headers: one })).body).toBe(kept);
    } finally {
      await app.close();
    }
  });

  it('show a supplier action that fell due with no request in between', async () => {
    let now = Date.UTC(2026, 2, 1, 1);
    const app = await buildSimulator({ data: ':memory:', realNow: () => now });
    try {
      const call = caller(app);
      const tour = app.sim.catalog.tours.find((p) => p.supplier === 'always-reject')!;
      const product = await register(call, 'tour', tour.code);
      const [entry] = await orderableEntries(call, product, { quantity: 2 });
      const url = `/v1/channel/inventory/tour/${tour.code}?page=1&page_size=100`;
      const remain = async () => {
        const page = await call('GET', url);
        const entries = page.body.option_codes[product.optionCode] as ListedEntry[];
        return entries.find((e) => e.inventory_code === entry!.inventory_code)!.remain_quantity;
      };
      const before = await remain();
      const created = await call('POST', '/v1/channel/orders/tour', {
        ...orderBody({ ...lineOf(product, entry!), quantity: 2 }),
      });
      expect(created.status).toBe(201);
      expect(await remain()).toBe(before - 2);
      expect(app.sim.kept('demo-channel', url)).toBeDefined();
      // The supplier rejects five minutes after the order: the stock comes back.
      now += 5 * 60_000;
      expect(await remain()).toBe(before);
    } finally {
      await app.close();
    }
  });
});
