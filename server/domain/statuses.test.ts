import { describe, expect, it } from 'vitest';
import {
  nextOrderStatus,
  nextTicketStatus,
  ORDER_ACTIONS,
  ORDER_TRANSITIONS,
  type OrderAction,
  TICKET_ACTIONS,
  TICKET_TRANSITIONS,
  type TicketAction,
} from './statuses.ts';
import { ORDER_STATUSES, type OrderStatus, TICKET_STATUSES, type TicketStatus } from './types.ts';

// ---------------------------------------------------------------------------------------------------
// Status machines as tables

const U = undefined;
const ORDER_ACTION_COLUMNS: OrderAction[] = [
  'channel:traveler-cancel',
  'channel:unavoidable-cancel',
  'channel:new',
  'supplier:pending',
  'supplier:confirm',
  'supplier:reject',
  'supplier:unavoidable-cancel',
];
// biome-ignore format: a table
const ORDER_TABLE: Record<OrderStatus, Array<OrderStatus | undefined>> = {
  //                      traveler-cancel    unavoidable-cancel    new    pending             confirm             reject             supplier unavoidable
  New:                  ['Traveler cancel', 'Unavoidable cancel', 'New', 'Supplier pending', 'Supplier confirm', 'Supplier reject', 'Unavoidable cancel'],
  'Supplier pending':   ['Traveler cancel', 'Unavoidable cancel', U,     U,                  'Supplier confirm', 'Supplier reject', 'Unavoidable cancel'],
  'Supplier confirm':   ['Traveler cancel', 'Unavoidable cancel', U,     U,                  U,                  U,                 'Unavoidable cancel'],
  'Supplier reject':    [U,                 U,                    U,     U,                  U,                  U,                 U],
  'Traveler cancel':    [U,                 U,                    U,     U,                  U,                  U,                 U],
  'Unavoidable cancel': [U,                 U,                    U,     U,                  U,                  U,                 U],
};

const TICKET_ACTION_COLUMNS: TicketAction[] = ['channel:cancel', 'supplier:use', 'supplier:cancel'];
// biome-ignore format: a table
const TICKET_TABLE: Record<TicketStatus, Array<TicketStatus | undefined>> = {
  //                   channel:cancel        supplier:use  supplier:cancel
  New:                 ['Traveler canceled', 'Used',       'Supplier canceled'],
  Used:                [U,                   U,            U],
  'Traveler canceled': [U,                   U,            U],
  'Supplier canceled': [U,                   U,            U],
};

describe('order status machine', () => {
  it('covers every status and action', () => {
    expect(Object.keys(ORDER_TRANSITIONS).sort()).toEqual([...ORDER_STATUSES].sort());
    expect([...ORDER_ACTIONS].sort()).toEqual([...ORDER_ACTION_COLUMNS].sort());
  });

  const cases = ORDER_STATUSES.flatMap((status) =>
    ORDER_ACTION_COLUMNS.map((action, i) => [status, action, ORDER_TABLE[status][i]] as const),
  );
  it.each(cases)('%s + %s → %s', (status, action, expected) => {
    expect(nextOrderStatus(status, action)).toBe(expected);
  });
});

describe('ticket status machine', () => {
  it('covers every status and action', () => {
    expect(Object.keys(TICKET_TRANSITIONS).sort()).toEqual([...TICKET_STATUSES].sort());
    expect([...TICKET_ACTIONS].sort()).toEqual([...TICKET_ACTION_COLUMNS].sort());
  });

  const cases = TICKET_STATUSES.flatMap((status) =>
    TICKET_ACTION_COLUMNS.map((action, i) => [status, action, TICKET_TABLE[status][i]] as const),
  );
  it.each(cases)('%s + %s → %s', (status, action, expected) => {
    expect(nextTicketStatus(status, action)).toBe(expected);
  });
});
