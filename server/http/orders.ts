import { apiError, type ItemAt } from '../domain/errors.ts';
import { stableHash } from '../domain/ids.ts';
import { parseMoney } from '../domain/money.ts';
import { type CreateOrderLine, cancelOrder, cancelTicket, createOrder, getOrder } from '../domain/orders.ts';
import { recordRefund } from '../domain/refunds.ts';
import type { Family, Order } from '../domain/types.ts';
import { forBothFamilies, type HandlerTable, partsOf } from './routes.ts';

/** Orders, cancels and refunds (O1–O8, R1–R2). Legacy field names are mapped here, at the edge. */

type Body = Record<string, unknown>;
type OrderPath = { ax_order_code: string };
type TicketPath = OrderPath & { ticket_code: string };

export const orderHandlers: HandlerTable = {
  ...forBothFamilies(
    (f) => `create${f}Order`,
    (family) => async (request, sim) => {
      const { body } = partsOf(request);
      const input = orderInput(family, body);
      const created = await sim.run(request.channel.code, (ctx) => createOrder(ctx, input));
      return {
        status: 201,
        body: {
          status_code: 201,
          data: {
            channel_order_code: created.channelOrderCode,
            channel_order_status: created.orders[0]?.channelStatus ?? 'New',
            depth_combinations: created.orders.map(orderLine),
          },
        },
      };
    },
  ),

  ...forBothFamilies(
    (f) => `get${f}OrderConfirm`,
    (family) => async (request, sim) => {
      const { params } = partsOf<OrderPath>(request);
      const order = await sim.read(request.channel.code, (ctx) =>
        getOrder(ctx, family, params.ax_order_code),
      );
      return {
        body: {
          status_code: 200,
          data: [
            {
              channel_order_code: order.channelOrderCode,
              ax_order_code: order.code,
              ax_order_status: order.status,
              comment: order.comment,
            },
          ],
        },
      };
    },
  ),

  ...forBothFamilies(
    (f) => `cancel${f}Order`,
    (family) => async (request, sim) => {
      const { params, body } = partsOf<OrderPath>(request);
      const order = await sim.run(request.channel.code, (ctx) =>
        cancelOrder(ctx, family, params.ax_order_code, {
          channelStatus: body.channel_status as string,
          comment: body.comment as string | undefined,
        }),
      );
      return {
        body: {
          status_code: 200,
          data: {
            channel_order_code: order.channelOrderCode,
            channel_order_status: order.channelStatus,
            ax_order_code: order.code,
            ax_order_status: order.status,
          },
        },
      };
    },
  ),

  ...forBothFamilies(
    (f) => `cancel${f}Ticket`,
    (family) => async (request, sim) => {
      const { params, body } = partsOf<TicketPath>(request);
      const { order, ticket } = await sim.run(request.channel.code, (ctx) =>
        cancelTicket(ctx, family, params.ax_order_code, params.ticket_code, {
          status: body.status as string,
          comment: body.comment as string | undefined,
        }),
      );
      return {
        body: {
          status_code: 200,
          data: {
            channel_order_code: order.channelOrderCode,
            ax_order_code: order.code,
            ax_order_status: order.status,
            ax_ticket_code: ticket.code,
            ax_ticket_status: ticket.status,
          },
        },
      };
    },
  ),

  ...forBothFamilies(
    (f) => `refund${f}Ticket`,
    (family) => async (request, sim) => {
      const { params, body } = partsOf<TicketPath>(request);
      const input = refundInput(family, body);
      await sim.run(request.channel.code, (ctx) =>
        recordRefund(ctx, family, params.ax_order_code, params.ticket_code, input),
      );
      return { body: { status_code: 200 } };
    },
  ),
};

function orderLine(order: Order) {
  return {
    dc_code: order.optionCode,
    option_code: order.optionCode,
    inventory_at: order.inventoryAt,
    ax_order_code: order.code,
    ax_order_status: order.status,
    quantity: order.quantity,
    tickets: order.tickets.map((t) => ({ ax_ticket_code: t.code, ax_ticket_status: t.status })),
  };
}

/** The first of the names present: the current one, then its deprecated spellings. */
function pick(body: Body, ...names: string[]): { name: string; value: unknown } {
  for (const name of names) if (body[name] !== undefined) return { name, value: body[name] };
  return { name: names[0]!, value: undefined };
}

/** A money value as a decimal string, or a 400 naming `field` (of list element `item`, if given). */
function money(value: unknown, field: string, item?: ItemAt): string {
  const parsed = parseMoney(value);
  if (parsed === null) throw apiError('moneyInvalid', { field, item, value: String(JSON.stringify(value)) });
  return parsed;
}

function orderInput(family: Family, body: Body) {
  const order = (body.order ?? {}) as Body;
  const list = pick(body, 'options', 'depth_combinations');
  const lines = (list.value ?? []) as Body[];
  const orderId = pick(order, 'channel_order_id', 'channel_order_code');
  return {
    family,
    channelOrderCode: String(orderId.value),
    requestHash: stableHash(body),
    currency: String(order.currency),
    names: { lines: list.name, channelOrderCode: orderId.name },
    lines: lines.map((line, i): CreateOrderLine => {
      const optionCode = pick(line, 'option_code', 'dc_code');
      const inventoryAt = pick(line, 'inventory_at', 'use_date');
      // A line's field error, where DRF puts it: `{"options": [{}, {"<field>": [...]}]}`.
      const atLine: ItemAt = { list: list.name, index: i, length: lines.length };
      return {
        names: { optionCode: optionCode.name, inventoryAt: inventoryAt.name },
        mappingCode: String(line.channel_product_mapping_code),
        optionCode: String(optionCode.value),
        quantity: line.quantity as number,
        inventoryAt: String(inventoryAt.value),
        unitSellingPrice: money(line.unit_selling_price, 'unit_selling_price', atLine),
        amountPrice: money(line.amount_price, 'amount_price', atLine),
        tickets: ((line.tickets ?? []) as Body[]).map((t) => ({
          channelCode: String(t.channel_code),
          traveler: t,
        })),
      };
    }),
    representative: (body.representative ?? {}) as Body,
    purchaser: (body.purchaser ?? {}) as Body,
  };
}

/** Tour v23 names, their older spellings, and the day-ticket page's own names — all accepted. */
const REFUND_NAMES = {
  price: ['channel_refunded_price', 'refund_price', 'price'],
  canceledAt: ['channel_canceled_at', 'channel_canceled_datetime', 'canceled_datetime'],
  refundedAt: ['channel_refunded_at', 'channel_refunded_datetime', 'refunded_datetime'],
  policy: ['channel_policy', 'policy'],
} as const;

function refundInput(family: Family, body: Body) {
  const order = (names: readonly string[]) =>
    family === 'day-ticket' ? [...names.slice(-1), ...names.slice(0, -1)] : [...names];
  const price = pick(body, ...order(REFUND_NAMES.price));
  const canceledAt = pick(body, ...order(REFUND_NAMES.canceledAt));
  const refundedAt = pick(body, ...order(REFUND_NAMES.refundedAt));
  const policy = pick(body, ...REFUND_NAMES.policy);
  return {
    price: money(price.value, price.name),
    canceledAt: canceledAt.value as string,
    refundedAt: refundedAt.value as string,
    policy: policy.value as Record<string, string>,
    fields: {
      price: price.name,
      canceledAt: canceledAt.name,
      refundedAt: refundedAt.name,
      policy: policy.name,
    },
  };
}
