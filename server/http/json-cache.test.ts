import { describe, expect, it } from 'vitest';
import { buildSimulator } from '../app.ts';
import { listEntries } from '../domain/inventory.ts';
import { JsonCache } from './json-cache.ts';
import { inventoryItem } from './products.ts';

describe('JsonCache', () => {
  it('keeps the JSON while the source objects are the same ones, and rebuilds when one changes', () => {
    const cache = new JsonCache<string>(10);
    const a = { name: '가' };
    const b = { name: 'b' };
    let builds = 0;
    const build = (items: object[]) => () => {
      builds++;
      return { items };
    };
    const first = cache.get('k', [a, b], build([a, b]));
    expect(first.toString('utf8')).toBe(JSON.stringify({ items: [a, b] }));
    expect(cache.get('k', [a, b], build([a, b]))).toBe(first);
    const c = { ...b };
    expect(cache.get('k', [a, c], build([a, c])).toString('utf8')).toBe(JSON.stringify({ items: [a, c] }));
    expect(builds).toBe(2);
  });

  it('forgets the least recently used answers beyond its capacity', () => {
    const cache = new JsonCache<number>(2);
    const source = [{}];
    let builds = 0;
    const build = () => {
      builds++;
      return builds;
    };
    cache.get(1, source, build);
    cache.get(2, source, build);
    cache.get(1, source, build);
    cache.get(3, source, build);
    expect(builds).toBe(3);
    cache.get(1, source, build);
    expect(builds).toBe(3);
    cache.get(2, source, build);
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
