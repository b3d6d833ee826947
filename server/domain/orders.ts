import { currentProduct, type DomainContext, type Outcome } from './context.ts';
import { apiError, type ItemAt, NON_FIELD_ERRORS, notFound, shown } from './errors.ts';
import { uuidFrom } from './ids.ts';
import { findEntry, type InventoryEntry, release, reserveMany } from './inventory.ts';
import { checkInFor, scheduleFor, scheduleKey, staleScheduleChanges, useTime } from './schedule.ts';
import {
  CHANNEL_ACTIONS,
  isChannelOrderStatus,
  nextOrderStatus,
  nextTicketStatus,
  ORDER_STATUS_LABELS,
  type TicketAction,
} from './statuses.ts';
import { calendarClock, formatDate, formatRfc3339, formatTime, parseApiDateTime } from './time.ts';
import type { Change, ChannelOrder, Family, Order, Person, Product, Ticket, TicketStatus } from './types.ts';

/**
 * The channel's orders: lookups, order create (one AX order per option line, one ticket per unit,
 * stock reserved all or nothing, idempotent per channel order id) and the channel's cancels (O5–O8).
 * What each status allows is statuses.ts; what the supplier does, supplier.ts; when, schedule.ts.
 */

// ---------------------------------------------------------------------------------------------------
// Lookups

/** The order `code` of `family`; 404 when unknown or of the other family. */
export function getOrder(ctx: DomainContext, family: Family, code: string): Order {
  const order = ctx.state.orders[code];
  if (!order || order.family !== family) throw notFound();
  return order;
}

export function findTicket(order: Order, ticketCode: string): Ticket {
  const ticket = order.tickets.find((t) => t.code === ticketCode);
  if (!ticket) throw notFound();
  return ticket;
}

export function replaceTicket(order: Order, ticket: Ticket): Ticket[] {
  return order.tickets.map((t) => (t.code === ticket.code ? ticket : t));
}

/**
 * Moves every New ticket of `order` by `action` (at `stamp`) and releases their units of stock.
 * Used, already-cancelled tickets stay as they are (a used ticket keeps its stock).
 */
export function cancelNewTickets(
  ctx: DomainContext,
  order: Order,
  action: TicketAction,
  stamp: string,
): { tickets: Ticket[]; changes: Change[] } {
  let released = 0;
  const tickets = order.tickets.map((t) => {
    const next = nextTicketStatus(t.status, action);
    if (!next) return t;
    released++;
    return { ...t, status: next, updatedAt: stamp };
  });
  return { tickets, changes: released > 0 ? [release(ctx, order.inventoryCode, released)] : [] };
}

// ---------------------------------------------------------------------------------------------------
// Create

export interface CreateOrderLine {
  /** The names this line's option code and date were sent under (default `option_code`, `inventory_at`). */
  names?: { optionCode: string; inventoryAt: string };
  mappingCode: string;
  optionCode: string;
  quantity: number;
  inventoryAt: string;
  unitSellingPrice: string;
  amountPrice: string;
  tickets: Array<{ channelCode: string; traveler: Record<string, unknown> }>;
}

export interface CreateOrderInput {
  family: Family;
  channelOrderCode: string;
  /** Stable hash of the request body (ids.ts stableHash), to tell a retry from a conflict. */
  requestHash: string;
  currency: string;
  lines: CreateOrderLine[];
  /** The names the option list and the channel order id were sent under (default `options`, `channel_order_id`). */
  names?: { lines: string; channelOrderCode: string };
  representative: Record<string, unknown>;
  purchaser: Record<string, unknown>;
}

export interface CreateOrderResult {
  /** True when this is a retry of an earlier identical request: nothing was written. */
  replayed: boolean;
  channelOrderCode: string;
  orders: Order[];
}

function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function hasValue(additional: unknown, key: string): boolean {
  const v = asRecord(additional)[key];
  return typeof v === 'string' && v.trim() !== '';
}

/** RTI keys the product requires that are neither in representative.additional nor in every ticket's. */
function missingRti(product: Product, representative: Person, tickets: CreateOrderLine['tickets']): string[] {
  return Object.entries(product.rti)
    .filter(([, required]) => required === true)
    .map(([key]) => key)
    .filter(
      (key) =>
        !hasValue(representative.additional, key) &&
        !(tickets.length > 0 && tickets.every((t) => hasValue(t.traveler.additional, key))),
    );
}

/** The order as it was when created: everything New (for an idempotent replay). */
function asCreated(order: Order): Order {
  return {
    ...order,
    status: 'New',
    channelStatus: 'New',
    comment: ORDER_STATUS_LABELS.New,
    updatedAt: order.createdAt,
    tickets: order.tickets.map((t) => ({ ...t, status: 'New', updatedAt: order.createdAt })),
  };
}

interface CheckedLine {
  line: CreateOrderLine;
  product: Product;
  entry: InventoryEntry;
}

/** Line `i` of the order, as its errors name it: DRF's `{"options": [{}, …, {<errors>}, …]}`. */
function lineAt(input: CreateOrderInput, i: number): ItemAt {
  return { list: input.names?.lines ?? 'options', index: i, length: input.lines.length };
}

function checkLine(
  ctx: DomainContext,
  input: CreateOrderInput,
  line: CreateOrderLine,
  i: number,
): CheckedLine {
  const item = lineAt(input, i);
  const optionField = line.names?.optionCode ?? 'option_code';
  const atField = line.names?.inventoryAt ?? 'inventory_at';
  const registration = ctx.state.registrations[line.mappingCode];
  const product = registration ? currentProduct(ctx, registration.productCode) : undefined;
  if (!registration || !product || registration.family !== input.family || product.family !== input.family) {
    throw apiError('unknownMappingCode', { item, mappingCode: line.mappingCode, family: input.family });
  }
  if (!product.options.some((o) => o.code === line.optionCode)) {
    throw apiError('lineOptionUnknown', {
      item,
      field: optionField,
      optionCode: line.optionCode,
      product: product.code,
      version: product.version,
    });
  }
  if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) {
    throw apiError('lineQuantityInvalid', { item, quantity: String(line.quantity) });
  }
  if (line.tickets.length !== line.quantity) {
    throw apiError('ticketCountMismatch', { item, tickets: line.tickets.length, quantity: line.quantity });
  }
  if (parseApiDateTime(line.inventoryAt) === null) {
    throw apiError('lineDateTimeInvalid', { item, field: atField, value: line.inventoryAt });
  }
  const entry = findEntry(ctx, product, line.optionCode, line.inventoryAt);
  if (!entry) {
    throw apiError('noInventoryAt', { item, field: atField, option: line.optionCode, at: line.inventoryAt });
  }
  if (entry.past) {
    const when = entry.startTime === null ? entry.date : `${entry.date} ${entry.startTime}`;
    const today = calendarClock(ctx.now);
    throw apiError('datePassed', {
      item,
      field: atField,
      when,
      today: formatDate(today),
      time: formatTime(today),
    });
  }
  const missing = missingRti(product, input.representative, line.tickets);
  if (missing.length > 0) {
    const names = missing.map((k) => `additional.${k}`).join(', ');
    throw apiError('rtiMissing', { names, index: i });
  }
  return { line, product, entry };
}

/**
 * O1/O2. One AX order per option line, one ticket per unit; stock reserved for all lines or none; the
 * supplier's schedule started. The same channel order id with the same body replays the first answer.
 */
export function createOrder(ctx: DomainContext, input: CreateOrderInput): Outcome<CreateOrderResult> {
  const { channelOrderCode } = input;
  const previous = ctx.state.channelOrders[channelOrderCode];
  if (previous) {
    if (previous.requestHash !== input.requestHash || previous.family !== input.family) {
      // Named as it was sent: `order.channel_order_id`, or its legacy name.
      const field = input.names?.channelOrderCode ?? 'channel_order_id';
      throw apiError('channelOrderIdReused', { field, code: channelOrderCode });
    }
    const orders = previous.orderCodes
      .map((code) => ctx.state.orders[code])
      .filter((o): o is Order => o !== undefined)
      .map(asCreated);
    return { result: { replayed: true, channelOrderCode, orders }, changes: [] };
  }

  if (input.lines.length === 0) throw apiError('required', { field: 'options' });
  const checked = input.lines.map((line, i) => checkLine(ctx, input, line, i));
  const stockChanges = reserveMany(
    ctx,
    checked.map(({ line, entry }, i) => ({
      entry,
      quantity: line.quantity,
      // Which entry, how many: several fields of the line at once.
      at: { field: NON_FIELD_ERRORS, item: lineAt(input, i) },
    })),
  );

  const now = formatRfc3339(ctx.now);
  const orders: Order[] = checked.map(({ line, product, entry }, lineIndex) => {
    const code = uuidFrom('order', ctx.channel, channelOrderCode, lineIndex);
    return {
      code,
      family: input.family,
      channelOrderCode,
      channelStatus: 'New',
      status: 'New',
      comment: ORDER_STATUS_LABELS.New,
      productCode: product.code,
      productVersion: product.version,
      optionCode: line.optionCode,
      mappingCode: line.mappingCode,
      inventoryCode: entry.code,
      inventoryAt: formatRfc3339(entry.at),
      quantity: line.quantity,
      unitSellingPrice: line.unitSellingPrice,
      amountPrice: line.amountPrice,
      currency: input.currency,
      supplier: product.supplier,
      tickets: line.tickets.map((t, i) => ({
        code: uuidFrom('ticket', code, i),
        channelCode: t.channelCode,
        status: 'New',
        traveler: t.traveler,
        updatedAt: now,
      })),
      createdAt: now,
      updatedAt: now,
    };
  });
  const channelOrder: ChannelOrder = {
    channelOrderCode,
    family: input.family,
    requestHash: input.requestHash,
    orderCodes: orders.map((o) => o.code),
    createdAt: now,
  };

  const changes: Change[] = [
    ...orders.map((o): Change => ['orders', o.code, o]),
    ['channelOrders', channelOrderCode, channelOrder],
    ...stockChanges,
  ];
  orders.forEach((order, i) => {
    const checkIn = checkInFor(order.supplier, order.code, useTime(input.family, checked[i]!.entry));
    for (const action of [...scheduleFor(order.supplier, order.code, ctx.now), ...checkIn]) {
      changes.push(['schedule', scheduleKey(order.code, action.action), action]);
    }
  });
  return { result: { replayed: false, channelOrderCode, orders }, changes };
}

// ---------------------------------------------------------------------------------------------------
// Channel cancels (O5–O8)

/**
 * O5/O6. `channelStatus` New / Traveler cancel / Unavoidable cancel. Cancelling moves both statuses,
 * cancels every New ticket (Traveler canceled, or Supplier canceled for an unavoidable cancel) and
 * releases its stock, and drops the supplier's pending schedule. Repeating the current status is a no-op.
 */
export function cancelOrder(
  ctx: DomainContext,
  family: Family,
  code: string,
  input: { channelStatus: string; comment?: string },
): Outcome<Order> {
  const order = getOrder(ctx, family, code);
  const requested = input.channelStatus;
  if (!isChannelOrderStatus(requested)) {
    throw apiError('invalidChoice', { field: 'channel_status', value: shown(requested) });
  }

  if (order.status === requested) {
    if (order.channelStatus === requested) return { result: order, changes: [] };
    // The supplier got there first (e.g. its own unavoidable cancel): only the channel's view is synced.
    const synced: Order = { ...order, channelStatus: requested, updatedAt: formatRfc3339(ctx.now) };
    return { result: synced, changes: [['orders', code, synced]] };
  }

  const next = nextOrderStatus(order.status, CHANNEL_ACTIONS[requested]);
  if (!next) {
    throw apiError('orderCannotChange', { status: order.status, requested });
  }

  const stamp = formatRfc3339(ctx.now);
  const ticketAction: TicketAction = next === 'Traveler cancel' ? 'channel:cancel' : 'supplier:cancel';
  const { tickets, changes: stockChanges } = cancelNewTickets(ctx, order, ticketAction, stamp);
  const comment = input.comment?.trim() ? input.comment : ORDER_STATUS_LABELS[next];
  const updated: Order = { ...order, status: next, channelStatus: next, comment, tickets, updatedAt: stamp };
  return {
    result: updated,
    changes: [['orders', code, updated], ...stockChanges, ...staleScheduleChanges(ctx.state, updated)],
  };
}

const TRAVELER_CANCELED: TicketStatus = 'Traveler canceled';

/**
 * O7/O8 partial cancel: one New ticket → Traveler canceled, one unit of stock released. The order's
 * status is left as it is, even when every ticket ends up cancelled. `comment` is accepted but not
 * stored (tickets have no comment; the order's comment is the supplier's or the order cancel's).
 */
export function cancelTicket(
  ctx: DomainContext,
  family: Family,
  orderCode: string,
  ticketCode: string,
  input: { status: string; comment?: string },
): Outcome<{ order: Order; ticket: Ticket }> {
  const order = getOrder(ctx, family, orderCode);
  const ticket = findTicket(order, ticketCode);
  if (typeof input.status !== 'string' || input.status.toLowerCase() !== TRAVELER_CANCELED.toLowerCase()) {
    throw apiError('invalidChoice', { field: 'status', value: shown(input.status) });
  }
  if (ticket.status === TRAVELER_CANCELED) return { result: { order, ticket }, changes: [] };
  const next = nextTicketStatus(ticket.status, 'channel:cancel');
  if (!next) {
    throw apiError('ticketCannotCancel', { status: ticket.status });
  }
  const stamp = formatRfc3339(ctx.now);
  const updatedTicket: Ticket = { ...ticket, status: next, updatedAt: stamp };
  const updated: Order = { ...order, tickets: replaceTicket(order, updatedTicket), updatedAt: stamp };
  return {
    result: { order: updated, ticket: updatedTicket },
    changes: [['orders', orderCode, updated], release(ctx, order.inventoryCode, 1)],
  };
}
