import { currentProduct, type DomainContext, type Outcome } from './context.ts';
import {
  fieldError,
  invalidChoice,
  itemErrors,
  MESSAGES,
  NON_FIELD_ERRORS,
  nestedErrors,
  nonFieldError,
  notFound,
} from './errors.ts';
import { uuidFrom } from './ids.ts';
import { findEntry, type InventoryEntry, release, reserveMany } from './inventory.ts';
import { checkInFor, SCHEDULED_ACTIONS, scheduleFor, scheduleKey } from './supplier.ts';
import {
  CALENDAR_OFFSET_MS,
  calendarClock,
  DAY_MS,
  formatDate,
  formatRfc3339,
  formatTime,
  parseApiDateTime,
} from './time.ts';
import type {
  Change,
  ChannelOrder,
  ChannelState,
  Family,
  Order,
  OrderStatus,
  Person,
  Product,
  Ticket,
  TicketStatus,
} from './types.ts';

/**
 * Orders and tickets: the two status machines (as data), order create (one AX order per option line,
 * one ticket per unit, stock reserved all or nothing, idempotent per channel order id), the channel's
 * cancels (O5–O8) and the supplier's actions (control API and supplier.ts schedules).
 */

// ---------------------------------------------------------------------------------------------------
// Status machines

export type OrderAction =
  | 'channel:traveler-cancel'
  | 'channel:unavoidable-cancel'
  | 'channel:new'
  | 'supplier:pending'
  | 'supplier:confirm'
  | 'supplier:reject'
  | 'supplier:unavoidable-cancel';

export const ORDER_ACTIONS: readonly OrderAction[] = [
  'channel:traveler-cancel',
  'channel:unavoidable-cancel',
  'channel:new',
  'supplier:pending',
  'supplier:confirm',
  'supplier:reject',
  'supplier:unavoidable-cancel',
];

const CHANNEL_CANCELS = {
  'channel:traveler-cancel': 'Traveler cancel',
  'channel:unavoidable-cancel': 'Unavoidable cancel',
} as const;

/** Order status machine (our reading of the vendor's order policy): from-status → action → to-status. Missing = refused. */
export const ORDER_TRANSITIONS: Record<OrderStatus, Partial<Record<OrderAction, OrderStatus>>> = {
  New: {
    ...CHANNEL_CANCELS,
    'channel:new': 'New',
    'supplier:pending': 'Supplier pending',
    'supplier:confirm': 'Supplier confirm',
    'supplier:reject': 'Supplier reject',
    'supplier:unavoidable-cancel': 'Unavoidable cancel',
  },
  'Supplier pending': {
    ...CHANNEL_CANCELS,
    'supplier:confirm': 'Supplier confirm',
    'supplier:reject': 'Supplier reject',
    'supplier:unavoidable-cancel': 'Unavoidable cancel',
  },
  'Supplier confirm': {
    ...CHANNEL_CANCELS,
    'supplier:unavoidable-cancel': 'Unavoidable cancel',
  },
  'Supplier reject': {},
  'Traveler cancel': {},
  'Unavoidable cancel': {},
};

export type TicketAction = 'channel:cancel' | 'supplier:use' | 'supplier:cancel';

export const TICKET_ACTIONS: readonly TicketAction[] = ['channel:cancel', 'supplier:use', 'supplier:cancel'];

/** Ticket status machine: every change starts from New. */
export const TICKET_TRANSITIONS: Record<TicketStatus, Partial<Record<TicketAction, TicketStatus>>> = {
  New: {
    'channel:cancel': 'Traveler canceled',
    'supplier:use': 'Used',
    'supplier:cancel': 'Supplier canceled',
  },
  Used: {},
  'Traveler canceled': {},
  'Supplier canceled': {},
};

export function nextOrderStatus(status: OrderStatus, action: OrderAction): OrderStatus | undefined {
  return ORDER_TRANSITIONS[status]?.[action];
}

export function nextTicketStatus(status: TicketStatus, action: TicketAction): TicketStatus | undefined {
  return TICKET_TRANSITIONS[status]?.[action];
}

/** Korean labels of the order statuses (as the vendor lists them), used as default comments. */
export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  New: '새 주문',
  'Supplier pending': 'Supplier 대기',
  'Supplier confirm': 'Supplier 확정',
  'Supplier reject': 'Supplier 거절',
  'Traveler cancel': '여행자 취소',
  'Unavoidable cancel': '불가피한 취소',
};

// ---------------------------------------------------------------------------------------------------
// Lookups

/** The order `code` of `family`; 404 when unknown or of the other family. */
export function getOrder(ctx: DomainContext, family: Family, code: string): Order {
  const order = ctx.state.orders[code];
  if (!order || order.family !== family) throw notFound();
  return order;
}

function findTicket(order: Order, ticketCode: string): Ticket {
  const ticket = order.tickets.find((t) => t.code === ticketCode);
  if (!ticket) throw notFound();
  return ticket;
}

function replaceTicket(order: Order, ticket: Ticket): Ticket[] {
  return order.tickets.map((t) => (t.code === ticket.code ? ticket : t));
}

/** Statuses after which nothing happens to an order any more (no supplier action, no check-in). */
const FINAL_STATUSES: ReadonlySet<OrderStatus> = new Set([
  'Supplier reject',
  'Traveler cancel',
  'Unavoidable cancel',
]);

/** Deletes the order's schedule entries whose action is no longer allowed from the order's status. */
function staleScheduleChanges(state: ChannelState, order: Order): Change[] {
  const changes: Change[] = [];
  for (const action of SCHEDULED_ACTIONS) {
    const key = scheduleKey(order.code, action);
    const allowed =
      action === 'use'
        ? !FINAL_STATUSES.has(order.status)
        : nextOrderStatus(order.status, `supplier:${action}`);
    if (state.schedule[key] && !allowed) changes.push(['schedule', key, null]);
  }
  return changes;
}

/**
 * When the supplier checks an order's travelers in: once its use time has passed — a tour's date and
 * start time, the end of a day-ticket's date, both on the Korean calendar (`entry.at` is Korean
 * wall-clock time). One millisecond after it: a tour starting right now is still orderable (and
 * cancellable) now, exactly as it is still listed.
 */
export function useTime(family: Family, entry: InventoryEntry): number {
  return entry.at - CALENDAR_OFFSET_MS + (family === 'tour' ? 0 : DAY_MS) + 1;
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
 * Moves every New ticket of `order` by `action` (at `stamp`) and releases their units of stock.
 * Used, already-cancelled tickets stay as they are (a used ticket keeps its stock).
 */
function cancelNewTickets(
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

/** The 400 about line `i` of the order: DRF's `{"options": [{}, …, {<errors>}, …]}`. */
function lineError(input: CreateOrderInput, i: number, errors: Record<string, string[]>) {
  return itemErrors(input.names?.lines ?? 'options', i, input.lines.length, errors);
}

function checkLine(
  ctx: DomainContext,
  input: CreateOrderInput,
  line: CreateOrderLine,
  i: number,
): CheckedLine {
  const fail = (field: string, message: string) => lineError(input, i, { [field]: [message] });
  const optionField = line.names?.optionCode ?? 'option_code';
  const atField = line.names?.inventoryAt ?? 'inventory_at';
  const registration = ctx.state.registrations[line.mappingCode];
  const product = registration ? currentProduct(ctx, registration.productCode) : undefined;
  if (!registration || !product || registration.family !== input.family || product.family !== input.family) {
    throw fail(
      'channel_product_mapping_code',
      '등록된 상품 매핑 코드가 아닙니다. 상품 등록(매핑) 요청의 응답으로 받은 코드를 보내 주세요. ' +
        `("${line.mappingCode}" is not a mapping code issued to this channel for a ${input.family} product; ` +
        'send the code returned by the registration request)',
    );
  }
  if (!product.options.some((o) => o.code === line.optionCode)) {
    throw fail(
      optionField,
      '이 상품의 옵션 코드가 아닙니다. 상품 상세 조회의 options[].option_code를 보내 주세요. ' +
        `("${line.optionCode}" is not an option of product ${product.code} version ${product.version}; ` +
        'use an option_code from the product detail)',
    );
  }
  if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) {
    throw fail(
      'quantity',
      `수량은 1 이상의 정수여야 합니다. (quantity must be an integer of at least 1, got ${String(line.quantity)})`,
    );
  }
  if (line.tickets.length !== line.quantity) {
    // Two fields disagree: DRF puts that under the element's non_field_errors.
    throw fail(
      NON_FIELD_ERRORS,
      `티켓 수(${line.tickets.length})가 수량(${line.quantity})과 다릅니다. 수량 1개당 티켓 1개를 보내 주세요. ` +
        `(${line.tickets.length} tickets for quantity ${line.quantity}; send exactly one ticket per unit)`,
    );
  }
  if (parseApiDateTime(line.inventoryAt) === null) {
    throw fail(
      atField,
      '날짜/시간 형식이 올바르지 않습니다. RFC 3339 UTC(예: 2026-03-01T09:00:00Z)로 보내 주세요. ' +
        `("${line.inventoryAt}" is not a valid date-time; send RFC 3339 UTC, e.g. 2026-03-01T09:00:00Z)`,
    );
  }
  const entry = findEntry(ctx, product, line.optionCode, line.inventoryAt);
  if (!entry) {
    throw fail(
      atField,
      '해당 일시에 이 옵션의 인벤토리가 없습니다. 인벤토리 조회 API로 구매 가능한 일시를 확인해 주세요. ' +
        `(no inventory for option ${line.optionCode} at ${line.inventoryAt}; ` +
        'pick a date (and start time) listed by the inventory API)',
    );
  }
  if (entry.past) {
    const when = entry.startTime === null ? entry.date : `${entry.date} ${entry.startTime}`;
    throw fail(
      atField,
      `이미 지난 날짜입니다. (the date has passed: ${when} is before now, ${formatDate(calendarClock(ctx.now))} ` +
        `${formatTime(calendarClock(ctx.now))} in Korea (UTC+9); pick a date listed by the inventory API)`,
    );
  }
  const missing = missingRti(product, input.representative, line.tickets);
  if (missing.length > 0) {
    // The product (through this line), the representative and the tickets together: non_field_errors.
    const names = missing.map((k) => `additional.${k}`).join(', ');
    throw nonFieldError(
      `필수 여행자 정보(RTI)가 없습니다: ${names}. representative.additional(또는 모든 티켓의 additional)에 문자열 값으로 보내 주세요. ` +
        `(options[${i}]: required traveler information missing: ${names}; send each as a non-empty string in ` +
        "representative.additional or in every ticket's additional)",
    );
  }
  return { line, product, entry };
}

/** The 400 about `order.channel_order_id` (or the legacy name it was sent under), nested in `order`. */
function nestedOrderError(input: CreateOrderInput, message: string) {
  return nestedErrors('order', { [input.names?.channelOrderCode ?? 'channel_order_id']: [message] });
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
      throw nestedOrderError(
        input,
        '이미 다른 내용의 주문에 사용된 채널 주문 ID입니다. 새 주문에는 새 ID를 사용하고, 재시도는 같은 본문으로 보내 주세요. ' +
          `(channel order id "${channelOrderCode}" was already used with a different request body; ` +
          'use a new id for a new order, and resend the identical body to retry)',
      );
    }
    const orders = previous.orderCodes
      .map((code) => ctx.state.orders[code])
      .filter((o): o is Order => o !== undefined)
      .map(asCreated);
    return { result: { replayed: true, channelOrderCode, orders }, changes: [] };
  }

  if (input.lines.length === 0) throw fieldError('options', MESSAGES.required);
  const checked = input.lines.map((line, i) => checkLine(ctx, input, line, i));
  const stockChanges = reserveMany(
    ctx,
    checked.map(({ line, entry }, i) => ({
      entry,
      quantity: line.quantity,
      // Which entry, how many: several fields of the line at once.
      refuse: (message: string) => lineError(input, i, { [NON_FIELD_ERRORS]: [message] }),
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

export const CHANNEL_ORDER_STATUSES = ['New', 'Traveler cancel', 'Unavoidable cancel'] as const;
type ChannelOrderStatus = (typeof CHANNEL_ORDER_STATUSES)[number];

const CHANNEL_ACTIONS: Record<ChannelOrderStatus, OrderAction> = {
  New: 'channel:new',
  'Traveler cancel': 'channel:traveler-cancel',
  'Unavoidable cancel': 'channel:unavoidable-cancel',
};

function isChannelOrderStatus(v: string): v is ChannelOrderStatus {
  return (CHANNEL_ORDER_STATUSES as readonly string[]).includes(v);
}

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
  if (!isChannelOrderStatus(requested)) throw fieldError('channel_status', invalidChoice(requested));

  if (order.status === requested) {
    if (order.channelStatus === requested) return { result: order, changes: [] };
    // The supplier got there first (e.g. its own unavoidable cancel): only the channel's view is synced.
    const synced: Order = { ...order, channelStatus: requested, updatedAt: formatRfc3339(ctx.now) };
    return { result: synced, changes: [['orders', code, synced]] };
  }

  const next = nextOrderStatus(order.status, CHANNEL_ACTIONS[requested]);
  if (!next) {
    throw fieldError(
      'channel_status',
      `현재 주문 상태(${order.status})에서는 '${requested}'(으)로 변경할 수 없습니다. 주문 상태를 주문 확인 API로 확인해 주세요. ` +
        `(an order in status "${order.status}" cannot be changed to "${requested}"; ` +
        `only New, Supplier pending and Supplier confirm orders can be cancelled)`,
    );
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
    throw fieldError('status', invalidChoice(input.status));
  }
  if (ticket.status === TRAVELER_CANCELED) return { result: { order, ticket }, changes: [] };
  const next = nextTicketStatus(ticket.status, 'channel:cancel');
  if (!next) {
    throw fieldError(
      'status',
      `현재 티켓 상태(${ticket.status})에서는 취소할 수 없습니다. 새 티켓(New)만 취소할 수 있습니다. ` +
        `(a ticket in status "${ticket.status}" cannot be cancelled; only New tickets can)`,
    );
  }
  const stamp = formatRfc3339(ctx.now);
  const updatedTicket: Ticket = { ...ticket, status: next, updatedAt: stamp };
  const updated: Order = { ...order, tickets: replaceTicket(order, updatedTicket), updatedAt: stamp };
  return {
    result: { order: updated, ticket: updatedTicket },
    changes: [['orders', orderCode, updated], release(ctx, order.inventoryCode, 1)],
  };
}

// ---------------------------------------------------------------------------------------------------
// Supplier actions (control API, and supplier.ts schedules)

export type SupplierOrderAction = 'pending' | 'confirm' | 'reject' | 'unavoidable-cancel';
export const SUPPLIER_ORDER_ACTIONS: readonly SupplierOrderAction[] = [
  'pending',
  'confirm',
  'reject',
  'unavoidable-cancel',
];

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

/** Control API: the supplier acts on an order now. 404 unknown order; 400 `action` when refused. */
export function supplierActOnOrder(
  ctx: DomainContext,
  code: string,
  action: SupplierOrderAction,
  comment?: string,
): Outcome<Order> {
  const order = ctx.state.orders[code];
  if (!order) throw notFound();
  if (!SUPPLIER_ORDER_ACTIONS.includes(action)) throw fieldError('action', invalidChoice(action));
  const applied = applySupplierAction(ctx, order, action, ctx.now, comment);
  if (!applied) {
    throw fieldError(
      'action',
      `현재 주문 상태(${order.status})에서는 공급사 동작 '${action}'을(를) 할 수 없습니다. ` +
        `(the supplier cannot "${action}" an order in status "${order.status}")`,
    );
  }
  return { result: applied.order, changes: applied.changes };
}

export type SupplierTicketAction = 'use' | 'cancel';
const SUPPLIER_TICKET_ACTIONS: Record<SupplierTicketAction, TicketAction> = {
  use: 'supplier:use',
  cancel: 'supplier:cancel',
};

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
  if (!ticketAction) throw fieldError('action', invalidChoice(action));
  const next = nextTicketStatus(ticket.status, ticketAction);
  if (!next) {
    throw fieldError(
      'action',
      `현재 티켓 상태(${ticket.status})에서는 공급사 동작 '${action}'을(를) 할 수 없습니다. 새 티켓(New)만 처리할 수 있습니다. ` +
        `(the supplier cannot "${action}" a ticket in status "${ticket.status}"; only New tickets can change)`,
    );
  }
  const stamp = formatRfc3339(ctx.now);
  const updatedTicket: Ticket = { ...ticket, status: next, updatedAt: stamp };
  const updated: Order = { ...order, tickets: replaceTicket(order, updatedTicket), updatedAt: stamp };
  const changes: Change[] = [['orders', orderCode, updated]];
  if (action === 'cancel') changes.push(release(ctx, order.inventoryCode, 1));
  return { result: { order: updated, ticket: updatedTicket }, changes };
}
