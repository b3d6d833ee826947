import { field, fill, frame, h, short } from '../dom.ts';
import type { Ctx, Panel, SimProduct } from '../types.ts';

const TOUR_PRICES = [
  ['unit_selling_price_krw', 'Unit price KRW'],
  ['selling_price_per_person_krw', 'Per person KRW'],
  ['unit_selling_price_usd', 'Unit price USD'],
  ['selling_price_per_person_usd', 'Per person USD'],
] as const;

export function catalogue(ctx: Ctx): Panel {
  const product = h('select', { name: 'product', onchange: () => editor() });
  const form = h('form', { class: 'publish' });
  const latest = h('div', {});
  const { el, body, note } = frame(
    'Catalogue',
    h(
      'div',
      { class: 'columns' },
      h('div', {}, h('h3', {}, 'Publish a new version'), field('Product', product), form),
      h(
        'div',
        {},
        h('h3', {}, 'Latest list'),
        h(
          'p',
          { class: 'note' },
          'What the channel’s latest-list call shows: registered products with a newer version.',
        ),
        latest,
      ),
    ),
  );
  body.before(h('h3', {}, 'Products'));
  let products: SimProduct[] = [];

  /** The form for the selected product, prefilled with its current version. */
  const editor = () => {
    const p = products.find((x) => x.product_code === product.value);
    if (!p) return fill(form);
    const subtitle = h('input', {
      name: 'subtitle',
      size: 50,
      value: String(p.contents.product_sub_title ?? ''),
    });
    const rows = p.options.map((o) => {
      // The family decides the price's shape; the shape is what the type checker can see.
      const ticket = 'currency' in o.price ? o.price : undefined;
      const tour = 'currency' in o.price ? undefined : o.price;
      const name = h('input', { name: 'option-name', value: o.option_name });
      const prices =
        p.family === 'tour'
          ? TOUR_PRICES.map(
              ([key, label]) =>
                [
                  key,
                  h('input', {
                    name: key,
                    type: 'number',
                    min: 0,
                    step: 'any',
                    value: String(tour?.[key] ?? 0),
                  }),
                  label,
                ] as const,
            )
          : [['price', h('input', { name: 'price', value: ticket?.price ?? '' }), 'Price'] as const];
      return { o, name, prices, ticket };
    });
    const added = h('input', { name: 'new-option', placeholder: '경로 / Senior' });
    fill(
      form,
      field('Sub-title (contents.product_sub_title)', subtitle),
      rows.map(({ o, name, prices, ticket }) =>
        h(
          'fieldset',
          {},
          h('legend', {}, `Option ${short(o.option_code)}`),
          field('Option name', name),
          prices.map(([, input, label]) => field(label, input)),
          ticket ? h('small', {}, `currency ${ticket.currency}`) : null,
        ),
      ),
      field('New option name', added, 'optional: adds an option'),
      h('button', { type: 'submit' }, 'Publish version'),
    );
    form.onsubmit = async (event) => {
      event.preventDefault();
      const change = {
        contents: { product_sub_title: subtitle.value },
        prices: Object.fromEntries(
          rows.map(({ o, prices, ticket }) => [
            o.option_code,
            ticket
              ? { currency: ticket.currency, price: prices[0]![1].value.trim() }
              : Object.fromEntries(prices.map(([key, input]) => [key, Number(input.value)])),
          ]),
        ),
        options: [
          ...rows.map(({ o, name }) => ({ option_code: o.option_code, option_name: name.value.trim() })),
          ...(added.value.trim() ? [{ option_name: added.value.trim() }] : []),
        ],
      };
      const result = await ctx.api.call('POST', `/__sim/products/${p.product_code}/versions`, change);
      ctx.shown(`Publish a new version of ${p.title}`, result);
      fill(
        note,
        result.status === 201
          ? `Published version ${(result.body as { version: number }).version}.${p.registered_version === null ? ' The channel has not registered this product, so it stays out of its latest list.' : ''}`
          : `Refused: ${JSON.stringify(result.body)}`,
      );
    };
  };

  const panel: Panel = {
    id: 'catalogue',
    title: 'Catalogue',
    el,
    async refresh() {
      products = await ctx.products();
      const chosen = product.value;
      fill(
        product,
        products.map((p) => h('option', { value: p.product_code }, `${p.title} (v${p.version})`)),
      );
      product.value = chosen || products[0]?.product_code || '';
      if (!chosen) editor();
      fill(
        body,
        h(
          'table',
          {},
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Product', 'Family', 'Supplier', 'Version', 'Registered', 'In latest list'].map((c) =>
                h('th', { scope: 'col' }, c),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            products.map((p) =>
              h(
                'tr',
                {},
                h('td', {}, p.title, h('small', {}, h('code', {}, p.product_code))),
                h('td', {}, p.family),
                h('td', {}, p.supplier_profile),
                h('td', { class: 'num' }, p.version),
                h('td', {}, p.registered_version === null ? '—' : `v${p.registered_version}`),
                h('td', {}, p.in_latest_list ? 'yes' : ''),
              ),
            ),
          ),
        ),
      );
      const listed = products.filter((p) => p.in_latest_list);
      fill(
        latest,
        listed.length === 0
          ? h('p', {}, 'Empty: no registered product has a newer version than the channel registered.')
          : h(
              'ul',
              {},
              listed.map((p) =>
                h('li', {}, `${p.title} — v${p.version} (registered v${p.registered_version})`),
              ),
            ),
      );
    },
  };
  return panel;
}
