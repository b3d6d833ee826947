import { field, fill, frame, h } from '../dom.ts';
import type { InventoryCalendar as Calendar, Ctx, SimInventoryEntry as Entry, Panel } from '../types.ts';

const WEEK = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export function inventory(ctx: Ctx): Panel {
  const product = h('select', { name: 'product', onchange: () => void panel.refresh() });
  const { el, body, note } = frame('Inventory', field('Product', product));

  const month = (entries: Entry[]) => {
    const days = new Map<string, Entry[]>();
    for (const e of entries) days.set(e.date, [...(days.get(e.date) ?? []), e]);
    const first = [...days.keys()][0];
    // Monday-first weeks: blank cells before the first date.
    const lead = first ? (new Date(`${first}T00:00:00Z`).getUTCDay() + 6) % 7 : 0;
    return h(
      'div',
      { class: 'calendar' },
      WEEK.map((d) => h('div', { class: 'weekday', 'aria-hidden': 'true' }, d)),
      Array.from({ length: lead }, () => h('div', { class: 'blank' })),
      [...days].map(([date, slots]) =>
        h(
          'div',
          { class: 'day' },
          h('strong', {}, date.slice(5)),
          slots.map((e) =>
            h(
              'div',
              {
                class: `slot${e.is_order ? '' : ' closed'}${e.remain_quantity === 0 ? ' sold-out' : ''}`,
                title: e.inventory_code,
              },
              e.start_time ? h('span', { class: 'time' }, e.start_time) : null,
              h('span', {}, `${e.remain_quantity}/${e.max_quantity} left`),
              h('small', {}, `${e.ordered_quantity} ordered`),
              e.is_order ? null : h('small', { class: 'closed-label' }, 'not on sale'),
            ),
          ),
        ),
      ),
    );
  };

  const panel: Panel = {
    id: 'inventory',
    title: 'Inventory',
    el,
    async refresh() {
      const products = await ctx.products();
      if (product.options.length === 0) {
        fill(
          product,
          products.map((p) => h('option', { value: p.product_code }, `${p.title} (${p.family})`)),
        );
      }
      if (!product.value) return;
      const calendar = await ctx.api.get<Calendar>(
        `/__sim/products/${encodeURIComponent(product.value)}/inventory?days=35`,
      );
      fill(
        note,
        'remain / max per entry, ordered below (max = remain + ordered); grey: not on sale (is_order false).',
      );
      fill(
        body,
        calendar.options.map((o) =>
          h(
            'section',
            { class: 'option' },
            h('h3', {}, o.option_name, ' ', h('code', {}, o.option_code)),
            month(o.entries),
          ),
        ),
      );
    },
  };
  return panel;
}
