import { itemsOf } from '../api.ts';
import { field, fill, frame, h, short, when } from '../dom.ts';
import type { Ctx, OrderStatus, Panel, SimOrder } from '../types.ts';

const STATUSES: readonly OrderStatus[] = [
  'New',
  'Supplier pending',
  'Supplier confirm',
  'Supplier reject',
  'Traveler cancel',
  'Unavoidable cancel',
];

/** The supplier's order actions and the statuses each is allowed from (the control API's status table). */
const ACTIONS: Array<{ label: string; action: string; from: OrderStatus[] }> = [
  { label: 'Confirm', action: 'confirm', from: ['New', 'Supplier pending'] },
  { label: 'Reject', action: 'reject', from: ['New', 'Supplier pending'] },
  { label: 'Pending', action: 'pending', from: ['New'] },
  {
    label: 'Unavoidable cancel',
    action: 'unavoidable-cancel',
    from: ['New', 'Supplier pending', 'Supplier confirm'],
  },
];

export function orders(ctx: Ctx): Panel {
  const filter = h(
    'select',
    { name: 'status', onchange: () => void panel.refresh() },
    h('option', { value: '' }, 'All'),
    STATUSES.map((s) => h('option', { value: s }, s)),
  );
  const world = h(
    'button',
    {
      type: 'button',
      class: 'quiet',
      onclick: async () => {
        if (!window.confirm('Reset this sandbox and fill it with the demo world? (샌드박스를 초기화합니다)'))
          return;
        world.disabled = true;
        const result = await ctx.api.call('POST', '/__sim/world', { seed: 1 });
        ctx.shown('Fill the sandbox with the demo world', result);
        world.disabled = false;
      },
    },
    'Fill with demo world',
  );
  const { el, body, note } = frame('Orders', field('Status', filter), world);

  const act = async (order: SimOrder, label: string, action: string) => {
    const result = await ctx.api.call('POST', `/__sim/orders/${order.ax_order_code}/supplier`, { action });
    ctx.shown(`${label} order ${order.ax_order_code}`, result);
    await panel.refresh();
  };
  const actOnTicket = async (order: SimOrder, ticket: string, label: string, action: string) => {
    const result = await ctx.api.call(
      'POST',
      `/__sim/orders/${order.ax_order_code}/tickets/${ticket}/supplier`,
      { action },
    );
    ctx.shown(`${label} ticket ${ticket}`, result);
    await panel.refresh();
  };

  const row = (o: SimOrder) =>
    h(
      'tr',
      { 'data-order': o.ax_order_code },
      h('td', {}, h('code', { title: o.ax_order_code }, o.ax_order_code)),
      h('td', {}, o.channel_order_code),
      h('td', {}, ctx.titleOf(o.product_code), h('small', {}, `${o.family} · ${o.supplier_profile}`)),
      h('td', {}, when(o.inventory_at)),
      h('td', { class: 'num' }, o.quantity),
      h(
        'td',
        {},
        h('span', { class: `status s-${o.ax_order_status.replace(/\s/g, '-')}` }, o.ax_order_status),
      ),
      h(
        'td',
        { class: 'actions' },
        ACTIONS.map((a) =>
          h(
            'button',
            {
              type: 'button',
              disabled: !a.from.includes(o.ax_order_status),
              'data-key': `${o.ax_order_code}:${a.action}`,
              onclick: () => act(o, a.label, a.action),
            },
            a.label,
          ),
        ),
      ),
      h(
        'td',
        {},
        h(
          'ul',
          { class: 'tickets' },
          o.tickets.map((t) =>
            h(
              'li',
              {},
              h('code', { title: t.ax_ticket_code }, short(t.ax_ticket_code)),
              ' ',
              h('span', { class: 'ticket-status' }, t.ax_ticket_status),
              h(
                'button',
                {
                  type: 'button',
                  disabled: t.ax_ticket_status !== 'New',
                  'data-key': `${t.ax_ticket_code}:use`,
                  onclick: () => actOnTicket(o, t.ax_ticket_code, 'Mark used', 'use'),
                },
                'Mark used',
              ),
              h(
                'button',
                {
                  type: 'button',
                  disabled: t.ax_ticket_status !== 'New',
                  'data-key': `${t.ax_ticket_code}:cancel`,
                  onclick: () => actOnTicket(o, t.ax_ticket_code, 'Supplier cancel', 'cancel'),
                },
                'Supplier cancel',
              ),
            ),
          ),
        ),
      ),
    );

  const panel: Panel = {
    id: 'orders',
    title: 'Orders',
    el,
    async refresh() {
      await ctx.products().catch(() => undefined);
      const all = itemsOf<SimOrder>(await ctx.api.get('/__sim/orders?limit=1000'), 'orders');
      const shown = filter.value ? all.filter((o) => o.ax_order_status === filter.value) : all;
      fill(
        note,
        `${shown.length} of ${all.length} orders${all.length === 0 ? ' — nothing ordered yet.' : ''}`,
      );
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
              ['AX order', 'Channel order', 'Product', 'Date', 'Qty', 'Status', 'Actions', 'Tickets'].map(
                (c) => h('th', { scope: 'col' }, c),
              ),
            ),
          ),
          h('tbody', {}, shown.map(row)),
        ),
      );
    },
  };
  return panel;
}
