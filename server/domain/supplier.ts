import { compactChanges, StateDraft } from './changes.ts';
import type { DomainContext, Outcome } from './context.ts';
import { apiError, notFound, shown } from './errors.ts';
import { release } from './inventory.ts';
import { cancelNewTickets, findTicket, replaceTicket } from './orders.ts';
import { scheduleKey, staleScheduleChanges } from './schedule.ts';
import {
  nextOrderStatus,
  nextTicketStatus,
  ORDER_STATUS_LABELS,
  SUPPLIER_ORDER_ACTIONS,
  SUPPLIER_TICKET_ACTIONS,
  type SupplierOrderAction,
  type SupplierTicketAction,
} from './statuses.ts';
import { formatRfc3339 } from './time.ts';
import type { Change, Order, ScheduledAction, Ticket } from './types.ts';

/**
 * What the simulated supplier does to orders and tickets: confirm, mark pending, reject, cancel
 * unavoidably, check the travelers in — asked through the control API, or fallen due on the virtual
 * clock (schedule.ts says when).
 */

/**
 * The one implementation of a supplier's order action: the transition, its default comment (the vendor's
 * Korean label), New tickets → Supplier canceled with their stock released for reject and unavoidable
 * cancel, and the order's schedule entries that no longer apply deleted. `undefined` when the status
 * machine refuses. `at` stamps updatedAt (the control API's now, or a scheduled action's due time).
 */
export function applySupplierAction(
  ctx: DomainContext,
  order: Order,
  action: SupplierOrderAction,
  at: number,
  comment?: string,
): { order: Order; changes: Change[] } | undefined {
  const next = nextOrderStatus(order.status, `supplier:${action}`);
  if (!next) return undefined;
  const stamp = formatRfc3339(at);
  const cancels = action === 'reject' || action === 'unavoidable-cancel';
  const { tickets, changes } = cancels
    ? cancelNewTickets(ctx, order, 'supplier:cancel', stamp)
    : { tickets: order.tickets, changes: [] };
  const updated: Order = {
    ...order,
    status: next,
    comment: comment?.trim() ? comment : ORDER_STATUS_LABELS[next],
    tickets,
    updatedAt: stamp,
  };
  return {
    order: updated,
    changes: [['orders', order.code, updated], ...changes, ...staleScheduleChanges(ctx.state, updated)],
  };
}

/**
 * The supplier's check-in, due at `at`: every New ticket of a confirmed order becomes Used (it keeps its
 * stock). `undefined` when there is nothing to check in (not confirmed, no New ticket).
 */
export function applyCheckIn(order: Order, at: number): { order: Order; changes: Change[] } | undefined {
  if (order.status !== 'Supplier confirm' || !order.tickets.some((t) => t.status === 'New')) return undefined;
  const stamp = formatRfc3339(at);
  const tickets = order.tickets.map((t) => {
    const next = nextTicketStatus(t.status, 'supplier:use');
    return next ? { ...t, status: next, updatedAt: stamp } : t;
  });
  const updated: Order = { ...order, tickets, updatedAt: stamp };
  return { order: updated, changes: [['orders', order.code, updated]] };
}

/**
 * Applies `actions` in the given order, each on the state as left by the previous ones. An action whose
 * order is gone or whose transition is no longer allowed (the channel cancelled first, the supplier
 * already decided) is skipped. Every action's schedule entry is deleted, applied or skipped.
 * The order's `updatedAt` is the action's due time, not `ctx.now`: that is when the supplier acted.
 */
export function applyDue(ctx: DomainContext, actions: readonly ScheduledAction[]): Change[] {
  const orders = new Map<string, Order>();
  // The stock the next action releases from is the one the previous ones left. Only stock is written
  // into the draft: orders are followed in `orders`, so that a large orders collection is never copied.
  let draft: StateDraft | undefined;
  const changes: Change[] = [];
  for (const due of actions) {
    changes.push(['schedule', scheduleKey(due.orderCode, due.action), null]);
    const order = orders.get(due.orderCode) ?? ctx.state.orders[due.orderCode];
    if (!order) continue;
    const working: DomainContext = draft ? { ...ctx, state: draft.state } : ctx;
    const applied =
      due.action === 'use'
        ? applyCheckIn(order, due.at)
        : applySupplierAction(working, order, due.action, due.at);
    if (!applied) continue;
    orders.set(order.code, applied.order);
    const stock = applied.changes.filter((change) => change[0] === 'stock');
    if (stock.length > 0) {
      draft ??= new StateDraft(ctx.state);
      draft.write(stock);
    }
    changes.push(...applied.changes);
  }
  return compactChanges(changes);
}

/** Control API: the supplier acts on an order now. 404 unknown order; 400 `action` when refused. */
export function supplierActOnOrder(
  ctx: DomainContext,
  code: string,
  action: SupplierOrderAction,
  comment?: string,
): Outcome<Order> {
  const order = ctx.state.orders[code];
  if (!order) throw notFound();
  if (!SUPPLIER_ORDER_ACTIONS.includes(action)) {
    throw apiError('invalidChoice', { field: 'action', value: shown(action) });
  }
  const applied = applySupplierAction(ctx, order, action, ctx.now, comment);
  if (!applied) throw apiError('supplierCannotActOnOrder', { status: order.status, action });
  return { result: applied.order, changes: applied.changes };
}

/** Control API: the supplier marks a New ticket used, or cancels it (releasing its unit of stock). */
export function supplierActOnTicket(
  ctx: DomainContext,
  orderCode: string,
  ticketCode: string,
  action: SupplierTicketAction,
): Outcome<{ order: Order; ticket: Ticket }> {
  const order = ctx.state.orders[orderCode];
  if (!order) throw notFound();
  const ticket = findTicket(order, ticketCode);
  const ticketAction = Object.hasOwn(SUPPLIER_TICKET_ACTIONS, action)
    ? SUPPLIER_TICKET_ACTIONS[action]
    : undefined;
  if (!ticketAction) throw apiError('invalidChoice', { field: 'action', value: shown(action) });
  const next = nextTicketStatus(ticket.status, ticketAction);
  if (!next) throw apiError('supplierCannotActOnTicket', { status: ticket.status, action });
  const stamp = formatRfc3339(ctx.now);
  const updatedTicket: Ticket = { ...ticket, status: next, updatedAt: stamp };
  const updated: Order = { ...order, tickets: replaceTicket(order, updatedTicket), updatedAt: stamp };
  const changes: Change[] = [['orders', orderCode, updated]];
  if (action === 'cancel') changes.push(release(ctx, order.inventoryCode, 1));
  return { result: { order: updated, ticket: updatedTicket }, changes };
}
