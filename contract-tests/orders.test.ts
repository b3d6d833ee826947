import { describe, expect, it, onTestFinished, type TestContext } from 'vitest';
import { DAY_TICKET, type Family, TOUR } from './support/families.ts';
import { operationById } from './support/spec.ts';
import {
  cancelQuietly,
  chooseOrderable,
  client,
  currentEntry,
  expectVendorError,
  lineMessages,
  MESSAGES,
  needsWrites,
  orderBody,
  orderStatus,
  placeOrder,
  register,
  rejection,
  unknownCode,
} from './support/world.ts';

/**
 * Orders (O1–O8) through the vendor API alone: what creation answers, stock falling by the ordered
 * quantity and coming back on ticket and order cancel, statuses after each action, and the errors.
 */

const LIVE = ['New', 'Supplier pending', 'Supplier confirm'];

async function createsOneOrderPerLine(ctx: TestContext, family: Family) {
  needsWrites(ctx);
  const placed = await placeOrder(family, 2);
  const { order, line, choice } = placed;
  expect(order.channel_order_status).toBe('New');
  expect(order.depth_combinations).toHaveLength(1);
  expect(line.option_code).toBe(choice.optionCode);
  expect(line.dc_code).toBe(choice.optionCode);
  expect(line.quantity).toBe(2);
  expect(Date.parse(line.inventory_at)).toBe(Date.parse(choice.inventoryAt));
  expect(LIVE).toContain(line.ax_order_status);
  expect(line.tickets).toHaveLength(2);
  expect(new Set(line.tickets.map((t) => t.ax_ticket_code)).size).toBe(2);
  for (const ticket of line.tickets) expect(ticket.ax_ticket_status).toBe('New');
}

async function stockFalls(ctx: TestContext, family: Family) {
  needsWrites(ctx);
  const placed = await placeOrder(family, 2);
  const after = await currentEntry(placed.choice);
  expect(after.remain_quantity, 'remain_quantity after ordering 2').toBe(placed.before.remain_quantity - 2);
  expect(after.ordered_quantity, 'ordered_quantity after ordering 2').toBe(
    placed.before.ordered_quantity + 2,
  );
  expect(after.max_quantity).toBe(placed.before.max_quantity);
  expect(after.max_quantity).toBe(after.remain_quantity + after.ordered_quantity);
}

async function confirmsAsOneElementList(ctx: TestContext, family: Family) {
  needsWrites(ctx);
  const { line, order } = await placeOrder(family, 1);
  const data = await family.confirm(client, line.ax_order_code);
  expect(data).toHaveLength(1);
  expect(data[0]).toMatchObject({
    ax_order_code: line.ax_order_code,
    channel_order_code: order.channel_order_code,
  });
  expect(LIVE).toContain(data[0]!.ax_order_status);
}

async function ticketCancelGivesOneUnitBack(ctx: TestContext, family: Family) {
  needsWrites(ctx);
  const placed = await placeOrder(family, 2);
  const statusBefore = await orderStatus(family, placed.line.ax_order_code);
  const ticket = placed.line.tickets[0]!.ax_ticket_code;
  const data = await family.cancelTicket(client, placed.line.ax_order_code, ticket, {
    status: 'Traveler canceled',
    comment: '여행자의 개인 사정으로 인한 취소',
  });
  expect(data).toMatchObject({
    ax_order_code: placed.line.ax_order_code,
    ax_ticket_code: ticket,
    ax_ticket_status: 'Traveler canceled',
    ax_order_status: statusBefore,
  });
  expect(await orderStatus(family, placed.line.ax_order_code), 'order status after a ticket cancel').toBe(
    statusBefore,
  );
  const after = await currentEntry(placed.choice);
  expect(after.remain_quantity, 'remain after ordering 2 and cancelling 1').toBe(
    placed.before.remain_quantity - 1,
  );
  expect(after.ordered_quantity).toBe(placed.before.ordered_quantity + 1);
  expect(after.max_quantity).toBe(after.remain_quantity + after.ordered_quantity);
}

async function ticketCancelIsIdempotent(ctx: TestContext, family: Family) {
  needsWrites(ctx);
  const placed = await placeOrder(family, 2);
  const ticket = placed.line.tickets[1]!.ax_ticket_code;
  const body = { status: 'Traveler canceled' as const };
  await family.cancelTicket(client, placed.line.ax_order_code, ticket, body);
  const again = await family.cancelTicket(client, placed.line.ax_order_code, ticket, body);
  expect(again.ax_ticket_status).toBe('Traveler canceled');
  const after = await currentEntry(placed.choice);
  expect(after.remain_quantity, 'a repeated ticket cancel gives stock back once').toBe(
    placed.before.remain_quantity - 1,
  );
}

async function ticketNotInOrder(ctx: TestContext, family: Family) {
  needsWrites(ctx);
  const placed = await placeOrder(family, 1);
  await expectVendorError(
    family.cancelTicket(client, placed.line.ax_order_code, unknownCode(), { status: 'Traveler canceled' }),
    404,
    MESSAGES.notFound,
  );
}

async function orderCancelGivesTheRestBack(ctx: TestContext, family: Family) {
  needsWrites(ctx);
  const placed = await placeOrder(family, 2);
  const code = placed.line.ax_order_code;
  await family.cancelTicket(client, code, placed.line.tickets[0]!.ax_ticket_code, {
    status: 'Traveler canceled',
  });
  const data = await family.cancelOrder(client, code, {
    channel_status: 'Traveler cancel',
    comment: '여행자의 개인 사정으로 인한 취소',
  });
  expect(data).toMatchObject({
    ax_order_code: code,
    channel_order_code: placed.order.channel_order_code,
    ax_order_status: 'Traveler cancel',
    channel_order_status: 'Traveler cancel',
  });
  expect(await orderStatus(family, code)).toBe('Traveler cancel');
  const after = await currentEntry(placed.choice);
  expect(after.remain_quantity, 'remain after the order is cancelled').toBe(placed.before.remain_quantity);
  expect(after.ordered_quantity).toBe(placed.before.ordered_quantity);
}

async function orderCancelIsIdempotent(ctx: TestContext, family: Family) {
  needsWrites(ctx);
  const placed = await placeOrder(family, 1);
  const code = placed.line.ax_order_code;
  const body = { channel_status: 'Unavoidable cancel' as const };
  await family.cancelOrder(client, code, body);
  const again = await family.cancelOrder(client, code, body);
  expect(again).toMatchObject({
    ax_order_status: 'Unavoidable cancel',
    channel_order_status: 'Unavoidable cancel',
  });
  const after = await currentEntry(placed.choice);
  expect(after.remain_quantity, 'a repeated order cancel gives stock back once').toBe(
    placed.before.remain_quantity,
  );
}

async function refusesMoreThanRemains(ctx: TestContext, family: Family) {
  needsWrites(ctx);
  const choice = await chooseOrderable(family, 1);
  const mappingCode = await register(family, choice.productCode, choice.detail);
  const before = await currentEntry(choice);
  const tooMany = before.remain_quantity + 1;
  const error = await rejection(family.createOrder(client, orderBody(choice, mappingCode, tooMany)), 400);
  // The entry and the quantity together: the line's non_field_errors.
  lineMessages(error.body, 'options', 0, 1, 'non_field_errors');
  expect(await currentEntry(choice), 'the entry after a refused order').toEqual(before);
}

async function unknownMappingCode(ctx: TestContext, family: Family) {
  needsWrites(ctx);
  const choice = await chooseOrderable(family, 1);
  const before = await currentEntry(choice);
  const error = await rejection(family.createOrder(client, orderBody(choice, unknownCode(), 1)), 400);
  lineMessages(error.body, 'options', 0, 1, 'channel_product_mapping_code');
  expect(await currentEntry(choice)).toEqual(before);
}

async function namesMissingFields(family: Family) {
  const answer = await client.raw('POST', operationById(family.ops.create)!.path, { body: {} });
  expect(answer.status, answer.rawBody).toBe(400);
  for (const field of ['order', 'purchaser', 'representative']) {
    expect((answer.data as Record<string, unknown>)[field], `${field} in ${answer.rawBody}`).toEqual([
      MESSAGES.required,
    ]);
  }
}

async function unknownOptionCode(ctx: TestContext, family: Family) {
  needsWrites(ctx);
  const choice = await chooseOrderable(family, 1);
  const mappingCode = await register(family, choice.productCode, choice.detail);
  const error = await rejection(
    family.createOrder(client, orderBody({ ...choice, optionCode: unknownCode() }, mappingCode, 1)),
    400,
  );
  lineMessages(error.body, 'options', 0, 1, 'option_code');
}

/** A field of the nested `order` object is answered nested: `{"order": {"currency": ["…"]}}`. */
async function nestsNestedObjectErrors(family: Family) {
  const choice = await chooseOrderable(family, 1);
  const body = orderBody(choice, unknownCode(), 1);
  const error = await rejection(
    family.createOrder(client, { ...body, order: { ...body.order, currency: 'EUR' as 'KRW' } }),
    400,
  );
  const order = (error.body as Record<string, unknown>).order as Record<string, string[]>;
  expect(order, JSON.stringify(error.body)).toEqual({ currency: [expect.any(String)] });
  expect(order.currency![0]!.startsWith(MESSAGES.invalidChoice('EUR')), order.currency![0]).toBe(true);
}

/** Errors of the second option line: a list with `{}` for the first, valid, one. */
async function answersListElements(ctx: TestContext, family: Family) {
  needsWrites(ctx);
  const choice = await chooseOrderable(family, 1);
  const mappingCode = await register(family, choice.productCode, choice.detail);
  const body = orderBody(choice, mappingCode, 1);
  const [line] = body.options;
  const two = { ...body, options: [line!, { ...line!, quantity: 'x' as unknown as number }] };
  const error = await rejection(family.createOrder(client, two), 400);
  expect(error.body).toEqual({ options: [{}, { quantity: [MESSAGES.invalidInteger] }] });
}

/** A date before today (Korea time): refused on the line's `inventory_at`, stock unchanged. */
async function refusesPastDates(ctx: TestContext, family: Family) {
  needsWrites(ctx);
  const choice = await chooseOrderable(family, 1);
  const mappingCode = await register(family, choice.productCode, choice.detail);
  const before = await currentEntry(choice);
  const koreanToday = Date.parse(new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10));
  const past = new Date(koreanToday - 2 * 86_400_000).toISOString().slice(0, 10);
  const inventoryAt = `${past}${choice.inventoryAt.slice(10)}`;
  const error = await rejection(
    family.createOrder(client, orderBody({ ...choice, inventoryAt }, mappingCode, 1)),
    400,
  );
  lineMessages(error.body, 'options', 0, 1, 'inventory_at');
  expect(await currentEntry(choice)).toEqual(before);
}

async function repeatedRequestIsIdempotent(ctx: TestContext, family: Family) {
  needsWrites(ctx);
  const choice = await chooseOrderable(family, 1);
  const mappingCode = await register(family, choice.productCode, choice.detail);
  const before = await currentEntry(choice);
  const body = orderBody(choice, mappingCode, 1);
  const first = await family.createOrder(client, body);
  const code = first.data.depth_combinations[0]!.ax_order_code;
  onTestFinished(() => cancelQuietly(family, code));
  const again = await family.createOrder(client, body);
  expect(again.data.depth_combinations[0]!.ax_order_code, 'the same request answers the same AX order').toBe(
    code,
  );
  expect((await currentEntry(choice)).remain_quantity, 'stock taken once').toBe(before.remain_quantity - 1);
  const changed = { ...body, order: { ...body.order, total: '1' } };
  await rejection(family.createOrder(client, changed), 400);
}

const unknownOrder = (family: Family) =>
  expectVendorError(family.confirm(client, unknownCode()), 404, MESSAGES.notFound);
const unknownOrderCancel = (family: Family) =>
  expectVendorError(
    family.cancelOrder(client, unknownCode(), { channel_status: 'Traveler cancel' }),
    404,
    MESSAGES.notFound,
  );
const unknownOrderTicketCancel = (family: Family) =>
  expectVendorError(
    family.cancelTicket(client, unknownCode(), unknownCode(), { status: 'Traveler canceled' }),
    404,
    MESSAGES.notFound,
  );

describe('tour orders', () => {
  it('createTourOrder › 201 with one AX order per option line and one New ticket per unit', (ctx) =>
    createsOneOrderPerLine(ctx, TOUR));
  it('createTourOrder › stock falls by the ordered quantity (getTourInventory)', (ctx) =>
    stockFalls(ctx, TOUR));
  it('createTourOrder › 400 for more than remains, and stock unchanged (getTourInventory)', (ctx) =>
    refusesMoreThanRemains(ctx, TOUR));
  it('createTourOrder › 400 naming channel_product_mapping_code when it is unknown, stock unchanged', (ctx) =>
    unknownMappingCode(ctx, TOUR));
  it("createTourOrder › 400 naming option_code when it is not the product's", (ctx) =>
    unknownOptionCode(ctx, TOUR));
  it('createTourOrder › the same request again answers the same order and takes stock once', (ctx) =>
    repeatedRequestIsIdempotent(ctx, TOUR));
  it('createTourOrder › 400 이 필드는 필수 항목입니다. naming each missing field', () =>
    namesMissingFields(TOUR));
  it('createTourOrder › 400 nests the errors of a nested object ({"order": {"currency": […]}})', () =>
    nestsNestedObjectErrors(TOUR));
  it('createTourOrder › 400 answers a list as a list, {} for each valid element', (ctx) =>
    answersListElements(ctx, TOUR));
  it("createTourOrder › 400 on the line's inventory_at for a date that has passed, stock unchanged", (ctx) =>
    refusesPastDates(ctx, TOUR));
  it('getTourOrderConfirm › a one-element list with the order and its status', (ctx) =>
    confirmsAsOneElementList(ctx, TOUR));
  it('getTourOrderConfirm › 404 찾을 수 없습니다. for an unknown order', () => unknownOrder(TOUR));
  it('cancelTourTicket › Traveler canceled, order status unchanged, one unit back (getTourInventory)', (ctx) =>
    ticketCancelGivesOneUnitBack(ctx, TOUR));
  it('cancelTourTicket › repeating the cancel is an idempotent 200 that gives stock back once', (ctx) =>
    ticketCancelIsIdempotent(ctx, TOUR));
  it('cancelTourTicket › 404 찾을 수 없습니다. for a ticket not in the order', (ctx) =>
    ticketNotInOrder(ctx, TOUR));
  it('cancelTourTicket › 404 찾을 수 없습니다. for an unknown order', () => unknownOrderTicketCancel(TOUR));
  it('cancelTourOrder › both statuses Traveler cancel and the remaining stock back (getTourInventory)', (ctx) =>
    orderCancelGivesTheRestBack(ctx, TOUR));
  it('cancelTourOrder › repeating the cancel is an idempotent 200 that gives stock back once', (ctx) =>
    orderCancelIsIdempotent(ctx, TOUR));
  it('cancelTourOrder › 404 찾을 수 없습니다. for an unknown order', () => unknownOrderCancel(TOUR));
});

describe('day-ticket orders', () => {
  it('createDayTicketOrder › 201 with one AX order per option line and one New ticket per unit', (ctx) =>
    createsOneOrderPerLine(ctx, DAY_TICKET));
  it('createDayTicketOrder › stock falls by the ordered quantity (getDayTicketInventory)', (ctx) =>
    stockFalls(ctx, DAY_TICKET));
  it('createDayTicketOrder › 400 for more than remains, and stock unchanged (getDayTicketInventory)', (ctx) =>
    refusesMoreThanRemains(ctx, DAY_TICKET));
  it('createDayTicketOrder › 400 naming channel_product_mapping_code when it is unknown, stock unchanged', (ctx) =>
    unknownMappingCode(ctx, DAY_TICKET));
  it("createDayTicketOrder › 400 naming option_code when it is not the product's", (ctx) =>
    unknownOptionCode(ctx, DAY_TICKET));
  it('createDayTicketOrder › the same request again answers the same order and takes stock once', (ctx) =>
    repeatedRequestIsIdempotent(ctx, DAY_TICKET));
  it('createDayTicketOrder › 400 이 필드는 필수 항목입니다. naming each missing field', () =>
    namesMissingFields(DAY_TICKET));
  it('createDayTicketOrder › 400 nests the errors of a nested object ({"order": {"currency": […]}})', () =>
    nestsNestedObjectErrors(DAY_TICKET));
  it('createDayTicketOrder › 400 answers a list as a list, {} for each valid element', (ctx) =>
    answersListElements(ctx, DAY_TICKET));
  it("createDayTicketOrder › 400 on the line's inventory_at for a date that has passed, stock unchanged", (ctx) =>
    refusesPastDates(ctx, DAY_TICKET));
  it('getDayTicketOrderConfirm › a one-element list with the order and its status', (ctx) =>
    confirmsAsOneElementList(ctx, DAY_TICKET));
  it('getDayTicketOrderConfirm › 404 찾을 수 없습니다. for an unknown order', () => unknownOrder(DAY_TICKET));
  it('cancelDayTicketTicket › Traveler canceled, order status unchanged, one unit back (getDayTicketInventory)', (ctx) =>
    ticketCancelGivesOneUnitBack(ctx, DAY_TICKET));
  it('cancelDayTicketTicket › repeating the cancel is an idempotent 200 that gives stock back once', (ctx) =>
    ticketCancelIsIdempotent(ctx, DAY_TICKET));
  it('cancelDayTicketTicket › 404 찾을 수 없습니다. for a ticket not in the order', (ctx) =>
    ticketNotInOrder(ctx, DAY_TICKET));
  it('cancelDayTicketTicket › 404 찾을 수 없습니다. for an unknown order', () =>
    unknownOrderTicketCancel(DAY_TICKET));
  it('cancelDayTicketOrder › both statuses Traveler cancel and the remaining stock back (getDayTicketInventory)', (ctx) =>
    orderCancelGivesTheRestBack(ctx, DAY_TICKET));
  it('cancelDayTicketOrder › repeating the cancel is an idempotent 200 that gives stock back once', (ctx) =>
    orderCancelIsIdempotent(ctx, DAY_TICKET));
  it('cancelDayTicketOrder › 404 찾을 수 없습니다. for an unknown order', () =>
    unknownOrderCancel(DAY_TICKET));
});
