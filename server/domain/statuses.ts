import type { OrderStatus, TicketStatus } from './types.ts';

/**
 * What each order and ticket status allows: the two status machines as data (our reading of the
 * vendor's order policy), the actions the channel and the supplier may ask for, and the Korean labels
 * that become an order's default comment. The rules that use them: orders.ts (the channel's create and
 * cancels), supplier.ts (the supplier's actions), schedule.ts (which scheduled actions still apply).
 */

// ---------------------------------------------------------------------------------------------------
// Orders

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

/** Order status machine: from-status → action → to-status. Missing = refused. */
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

export function nextOrderStatus(status: OrderStatus, action: OrderAction): OrderStatus | undefined {
  return ORDER_TRANSITIONS[status]?.[action];
}

/** Statuses after which nothing happens to an order any more (no supplier action, no check-in). */
export const FINAL_STATUSES: ReadonlySet<OrderStatus> = new Set([
  'Supplier reject',
  'Traveler cancel',
  'Unavoidable cancel',
]);

/** Korean labels of the order statuses (as the vendor lists them), used as default comments. */
export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  New: '새 주문',
  'Supplier pending': 'Supplier 대기',
  'Supplier confirm': 'Supplier 확정',
  'Supplier reject': 'Supplier 거절',
  'Traveler cancel': '여행자 취소',
  'Unavoidable cancel': '불가피한 취소',
};

/** The `channel_status` values the channel may send (O5/O6), and the action each one asks for. */
export const CHANNEL_ORDER_STATUSES = ['New', 'Traveler cancel', 'Unavoidable cancel'] as const;
export type ChannelOrderStatus = (typeof CHANNEL_ORDER_STATUSES)[number];

export const CHANNEL_ACTIONS: Record<ChannelOrderStatus, OrderAction> = {
  New: 'channel:new',
  'Traveler cancel': 'channel:traveler-cancel',
  'Unavoidable cancel': 'channel:unavoidable-cancel',
};

export function isChannelOrderStatus(v: string): v is ChannelOrderStatus {
  return (CHANNEL_ORDER_STATUSES as readonly string[]).includes(v);
}

/** What the supplier may do to an order (control API and schedules): `supplier:<action>` above. */
export type SupplierOrderAction = 'pending' | 'confirm' | 'reject' | 'unavoidable-cancel';
export const SUPPLIER_ORDER_ACTIONS: readonly SupplierOrderAction[] = [
  'pending',
  'confirm',
  'reject',
  'unavoidable-cancel',
];

// ---------------------------------------------------------------------------------------------------
// Tickets

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

export function nextTicketStatus(status: TicketStatus, action: TicketAction): TicketStatus | undefined {
  return TICKET_TRANSITIONS[status]?.[action];
}

/** What the supplier may do to a ticket (control API), and the ticket action each one is. */
export type SupplierTicketAction = 'use' | 'cancel';
export const SUPPLIER_TICKET_ACTIONS: Record<SupplierTicketAction, TicketAction> = {
  use: 'supplier:use',
  cancel: 'supplier:cancel',
};
