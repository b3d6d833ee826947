import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AxCloudError } from '../client/index.ts';
import {
  clientCaller,
  lineOf,
  optionEntries,
  orderBody,
  type Running,
  register,
  startSimulator,
} from './support/sandbox.ts';

/**
 * The whole documented flow, through the typed client against a real server on port 0:
 * list → detail → register → price → inventory → order → confirm → cancel ticket → refund →
 * cancel order → stock restored, for each product family.
 */

let sim: Running;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
});

const FAMILIES = [
  { family: 'tour', manual: '00000000-0000-4000-8000-000000000004' },
  { family: 'day-ticket', manual: '00000000-0000-4000-8000-000000000014' },
] as const;

describe.each(FAMILIES)('$family flow', ({ family, manual }) => {
  const tour = family === 'tour';

  it('sells, confirms, cancels, refunds and restores stock', async () => {
    const c = sim.client;
    const list = tour
      ? await c.listTourProducts({ query: { page: 1, page_size: 100 } })
      : await c.listDayTicketProducts({ query: { page: 1, page_size: 100 } });
    expect(list.status).toBe(200);
    const codes = list.data.products.map((p: { product_code: string }) => p.product_code);
    expect(codes).toContain(manual);

    const path = { product_code: manual };
    const detail = tour ? await c.getTourProduct({ path }) : await c.getDayTicketProduct({ path });
    const options = detail.data.options as Array<{ option_code: string; option_name: string }>;
    expect(options.length).toBeGreaterThan(0);

    const mapping_data = Object.fromEntries(options.map((o) => [o.option_code, `채널 ${o.option_name}`]));
    const registration = {
      mapping_data,
      channel_product_name: '[테스트] 상품',
      channel_product_link: 'https://channel.example.com/p/1',
      channel_product_id: 'channel-1',
    };
    const registered = tour
      ? await c.registerTourProduct({ path, body: registration })
      : await c.registerDayTicketProduct({ path, body: registration });
    expect(registered.status).toBe(201);
    const mappingCode = registered.data.data.channel_product_mapping_code;

    const price = tour ? await c.getTourPrice({ path }) : await c.getDayTicketPrice({ path });
    expect(price.data.prices.map((p: { option_code: string }) => p.option_code).sort()).toEqual(
      options.map((o) => o.option_code).sort(),
    );

    const inventory = async () => {
      const answer = tour
        ? await c.getTourInventory({ path, query: { page: 1, page_size: 100 } })
        : await c.getDayTicketInventory({ path, query: { page: 1, page_size: 100 } });
      return answer.data.option_codes as Record<
        string,
        Array<{
          inventory_code: string;
          date: string;
          start_time?: string;
          is_order?: boolean;
          max_quantity: number;
          remain_quantity: number;
          ordered_quantity: number;
        }>
      >;
    };
    const optionCode = options[0]!.option_code;
    const before = await inventory();
    const entry = before[optionCode]!.find((e) => e.remain_quantity >= 3 && e.is_order !== false)!;
    expect(entry).toBeDefined();
    const inventoryAt = tour ? `${entry.date}T${entry.start_time}:00Z` : `${entry.date}T00:00:00Z`;

    const body = orderBody({
      mappingCode,
      optionCode,
      inventoryAt,
      quantity: 3,
      rti: detail.data.required_traveler_information,
    });
    const created = tour ? await c.createTourOrder({ body }) : await c.createDayTicketOrder({ body });
    expect(created.status).toBe(201);
    const line = created.data.data.depth_combinations[0]!;
    expect(line.ax_order_status).toBe('New');
    expect(line.dc_code).toBe(optionCode);
    expect(line.option_code).toBe(optionCode);
    expect(line.tickets).toHaveLength(3);

    const stock = async () =>
      (await inventory())[optionCode]!.find((e) => e.inventory_code === entry.inventory_code)!;
    const afterOrder = await stock();
    expect(afterOrder.remain_quantity).toBe(entry.remain_quantity - 3);
    expect(afterOrder.ordered_quantity).toBe(entry.ordered_quantity + 3);
    expect(afterOrder.max_quantity).toBe(afterOrder.remain_quantity + afterOrder.ordered_quantity);

    const order = { ax_order_code: line.ax_order_code };
    await c.actAsSupplierOnOrder({ path: order, body: { action: 'confirm' } });
    const confirm = tour
      ? await c.getTourOrderConfirm({ path: order })
      : await c.getDayTicketOrderConfirm({ path: order });
    expect(confirm.data.data).toHaveLength(1);
    expect(confirm.data.data[0]!.ax_order_status).toBe('Supplier confirm');

    const ticket = { ...order, ticket_code: line.tickets[0]!.ax_ticket_code };
    const cancelled = tour
      ? await c.cancelTourTicket({ path: ticket, body: { status: 'Traveler canceled' } })
      : await c.cancelDayTicketTicket({ path: ticket, body: { status: 'Traveler canceled' } });
    expect(cancelled.data.data.ax_ticket_status).toBe('Traveler canceled');
    expect(cancelled.data.data.ax_order_status).toBe('Supplier confirm');
    expect((await stock()).remain_quantity).toBe(entry.remain_quantity - 2);

    const refund = tour
      ? await c.refundTourTicket({
          path: ticket,
          body: {
            channel_refunded_price: '2200',
            channel_canceled_at: '2026-01-01 10:00:00',
            channel_refunded_at: '2026-01-01T11:00:00Z',
            channel_policy: { '0': '1', '50': '3', '100': '7' },
          },
        })
      : await c.refundDayTicketTicket({
          path: ticket,
          body: {
            price: '2200',
            canceled_datetime: '2026-01-01 10:00:00',
            refunded_datetime: '2026-01-01 11:00:00',
            policy: { '0': '1', '50': '3', '100': '7' },
          },
        });
    expect(refund.data).toEqual({ status_code: 200 });

    const whole = tour
      ? await c.cancelTourOrder({
          path: order,
          body: { channel_status: 'Traveler cancel', comment: '여행자 사정' },
        })
      : await c.cancelDayTicketOrder({ path: order, body: { channel_status: 'Traveler cancel' } });
    expect(whole.data.data.ax_order_status).toBe('Traveler cancel');
    expect(whole.data.data.channel_order_status).toBe('Traveler cancel');
    const restored = await stock();
    expect(restored.remain_quantity).toBe(entry.remain_quantity);
    expect(restored.ordered_quantity).toBe(entry.ordered_quantity);

    const refunds = await c.listSimRefunds();
    const recorded = refunds.data.refunds.find(
      (r: { ax_ticket_code: string }) => r.ax_ticket_code === ticket.ticket_code,
    );
    expect(recorded).toMatchObject({ channel_refunded_price: '2200', family });
  });

  it('refuses an order for more than remains, and changes nothing', async () => {
    const c = sim.client;
    const path = { product_code: manual };
    const product = await register(clientCaller(c), family, manual);
    const [entry] = await optionEntries(clientCaller(c), product, { pageSize: 5 });
    const optionCode = product.optionCode;
    const order = orderBody({ ...lineOf(product, entry!), quantity: entry!.remain_quantity + 1 });
    const error = await (tour
      ? c.createTourOrder({ body: order })
      : c.createDayTicketOrder({ body: order })
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AxCloudError);
    expect((error as AxCloudError).status).toBe(400);
    // The entry and the quantity together: the line's non_field_errors.
    expect((error as AxCloudError).body).toEqual({ options: [{ non_field_errors: [expect.any(String)] }] });
    const after = tour
      ? await c.getTourInventory({ path, query: { page: 1, page_size: 5 } })
      : await c.getDayTicketInventory({ path, query: { page: 1, page_size: 5 } });
    expect((after.data.option_codes as Record<string, unknown[]>)[optionCode]![0]).toEqual(entry);
  });
});

describe('sandboxes', () => {
  it('keeps one channel’s orders invisible to the other', async () => {
    const orders = await sim.client.listSimOrders();
    expect(orders.data.orders.length).toBeGreaterThan(0);
    const code = orders.data.orders[0]!.ax_order_code;
    const family = orders.data.orders[0]!.family;
    const path = { ax_order_code: code };
    const error = await (family === 'tour'
      ? sim.other.getTourOrderConfirm({ path })
      : sim.other.getDayTicketOrderConfirm({ path })
    ).catch((e: unknown) => e);
    expect((error as AxCloudError).status).toBe(404);
    expect((error as AxCloudError).body).toEqual({ detail: '찾을 수 없습니다.' });
    expect((await sim.other.listSimOrders()).data.orders).toEqual([]);
  });

  it('answers 403 in the vendor’s words for a missing, wrong or mismatched credential', async () => {
    const bad = [
      {},
      { authorization: 'Token nope' },
      { authorization: 'Bearer demo-key' },
      { authorization: 'Token demo-key', channel: 'Code demo-channel-2' },
    ];
    for (const headers of bad) {
      const answer = await sim.client.raw('GET', '/v1/channel/products/tour', {
        headers: { authorization: '', ...headers },
      });
      expect(answer.status).toBe(403);
      expect(answer.data).toEqual({ detail: '이 작업을 수행할 권한(permission)이 없습니다.' });
    }
    const ok = await sim.client.raw('GET', '/v1/channel/products/tour', {
      headers: { channel: 'Code demo-channel' },
    });
    expect(ok.status).toBe(200);
  });
});
