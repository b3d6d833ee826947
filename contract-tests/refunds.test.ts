import { describe, expect, it, type TestContext } from 'vitest';
import { DAY_TICKET, type Family, TOUR } from './support/families.ts';
import {
  client,
  expectVendorError,
  MESSAGES,
  needsWrites,
  placeOrder,
  rejection,
  unknownCode,
} from './support/world.ts';

/** Refund sync (R1/R2): recorded for a cancelled ticket; 400 for a live one; 404 for unknown codes. */

async function recordsRefundOfCancelledTicket(ctx: TestContext, family: Family) {
  needsWrites(ctx);
  const placed = await placeOrder(family, 1);
  const code = placed.line.ax_order_code;
  const ticket = placed.line.tickets[0]!.ax_ticket_code;
  await family.cancelTicket(client, code, ticket, { status: 'Traveler canceled' });
  const { status, data } = await family.refund(client, code, ticket);
  expect(status).toBe(200);
  expect(data).toEqual({ status_code: 200 });
}

async function refusesRefundOfLiveTicket(ctx: TestContext, family: Family) {
  needsWrites(ctx);
  const placed = await placeOrder(family, 1);
  await rejection(
    family.refund(client, placed.line.ax_order_code, placed.line.tickets[0]!.ax_ticket_code),
    400,
  );
}

const unknownTicket = (family: Family) =>
  expectVendorError(family.refund(client, unknownCode(), unknownCode()), 404, MESSAGES.notFound);

describe('tour refunds', () => {
  it('refundTourTicket › 200 {"status_code": 200} for a Traveler canceled ticket', (ctx) =>
    recordsRefundOfCancelledTicket(ctx, TOUR));
  it('refundTourTicket › 400 for a ticket that is not cancelled', (ctx) =>
    refusesRefundOfLiveTicket(ctx, TOUR));
  it('refundTourTicket › 404 찾을 수 없습니다. for an unknown order or ticket', () => unknownTicket(TOUR));
});

describe('day-ticket refunds', () => {
  it('refundDayTicketTicket › 200 {"status_code": 200} for a Traveler canceled ticket', (ctx) =>
    recordsRefundOfCancelledTicket(ctx, DAY_TICKET));
  it('refundDayTicketTicket › 400 for a ticket that is not cancelled', (ctx) =>
    refusesRefundOfLiveTicket(ctx, DAY_TICKET));
  it('refundDayTicketTicket › 404 찾을 수 없습니다. for an unknown order or ticket', () =>
    unknownTicket(DAY_TICKET));
});
