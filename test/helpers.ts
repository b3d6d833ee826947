import type { FastifyInstance } from 'fastify';
import { type AxCloudClient, createAxCloudClient } from '../client/index.ts';
import { buildSimulator, type SimulatorOptions } from '../server/app.ts';

export interface Running {
  app: FastifyInstance;
  baseUrl: string;
  /** demo-channel's client. */
  client: AxCloudClient;
  /** demo-channel-2's client. */
  other: AxCloudClient;
  close(): Promise<void>;
}

/** A simulator on 127.0.0.1, port 0, with typed clients for both default channels. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Running> {
  const app = await buildSimulator(options);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const baseUrl = `http://127.0.0.1:${port}`;
  const client = createAxCloudClient({ baseUrl, apiKey: 'demo-key', retries: 0 });
  const other = createAxCloudClient({ baseUrl, apiKey: 'demo-key-2', retries: 0 });
  return {
    app,
    baseUrl,
    client,
    other,
    async close() {
      await client.close();
      await other.close();
      await app.close();
    },
  };
}

/** A valid order body for one option line, with RTI values for every key the product requires. */
export function orderBody(input: {
  mappingCode: string;
  optionCode: string;
  inventoryAt: string;
  quantity?: number;
  channelOrderId?: string;
  rti?: Record<string, boolean>;
}) {
  const quantity = input.quantity ?? 1;
  const additional = Object.fromEntries(
    Object.entries(input.rti ?? {})
      .filter(([, required]) => required)
      .map(([key]) => [key, `value of ${key}`]),
  );
  const person = {
    name: '홍길동',
    national_code: '82',
    phone: '01012345678',
    email: 'traveler@example.com',
  };
  return {
    options: [
      {
        channel_product_mapping_code: input.mappingCode,
        option_code: input.optionCode,
        quantity,
        inventory_at: input.inventoryAt,
        unit_selling_price: '2222',
        discount: '22',
        discount_method: '쿠폰 할인',
        amount_price: '2200',
        tickets: Array.from({ length: quantity }, (_, i) => ({
          ...person,
          channel_code: `ticket-${i}`,
          additional,
        })),
      },
    ],
    order: {
      channel_order_id: input.channelOrderId ?? `order-${Math.random().toString(36).slice(2)}`,
      purchased_at: '2026-03-01T09:00:00Z',
      sub_total: String(2222 * quantity),
      total: String(2200 * quantity),
      status: 'New' as const,
      is_voucher: true,
      currency: 'KRW' as const,
    },
    purchaser: { ...person, is_required_more_information: false },
    representative: { ...person, additional },
  };
}

/** Every order of the client's channel from `GET /__sim/orders`, all pages, newest first. */
export async function allSimOrders(client: AxCloudClient) {
  type Page = Awaited<ReturnType<AxCloudClient['listSimOrders']>>['data'];
  const orders: Page['orders'] = [];
  for (let offset: number | null = 0; offset !== null; ) {
    const page: Page = (await client.listSimOrders({ query: { limit: 1000, offset } })).data;
    orders.push(...page.orders);
    offset = page.next;
  }
  return orders;
}
