/**
 * What the simulator's tests share: a simulator to talk to (in-process through `app.inject`, or
 * listening with typed clients), a caller bound to one channel's key, registration of a product with
 * every option mapped, order bodies, and reads of every page of a list. Types come from the generated
 * client types, so a spec change shows here as a build error, not as a silently wrong test.
 */
import type { FastifyInstance } from 'fastify';
import {
  type AxCloudClient,
  type AxCloudComponents,
  createAxCloudClient,
  type SimulatorComponents,
} from '../../client/index.ts';
import { buildSimulator, type SimulatorOptions } from '../../server/app.ts';

type Schemas = AxCloudComponents['schemas'];

/** The default sandbox channels. */
export const CHANNELS = [
  { code: 'demo-channel', key: 'demo-key' },
  { code: 'demo-channel-2', key: 'demo-key-2' },
] as const;

/** A product family, as its path segment. */
export type FamilyName = SimulatorComponents['schemas']['Family'];
export const FAMILIES = ['tour', 'day-ticket'] as const satisfies readonly FamilyName[];

/** An inventory entry of either family: day-ticket entries have no start time and no `is_order`. */
export type ListedEntry = Schemas['DayTicketInventoryEntry'] & Partial<Schemas['TourInventoryEntry']>;

// ---------------------------------------------------------------------------------------------------
// Simulators

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
  const client = createAxCloudClient({ baseUrl, apiKey: CHANNELS[0].key, retries: 0 });
  const other = createAxCloudClient({ baseUrl, apiKey: CHANNELS[1].key, retries: 0 });
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

// ---------------------------------------------------------------------------------------------------
// Callers: one channel's requests, answers parsed

export interface Answer {
  status: number;
  /** The parsed JSON body, `null` when the answer has none. */
  // biome-ignore lint/suspicious/noExplicitAny: test answers are read field by field
  body: any;
  /** The body as sent. */
  text: string;
  headers: Record<string, string | string[] | number | undefined>;
}

export type Call = (
  method: string,
  url: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<Answer>;

/**
 * A channel's calls to an in-process simulator, through `app.inject`. A body is sent as JSON; a string
 * body is sent as it is (for malformed JSON), still labelled JSON.
 */
export function caller(app: FastifyInstance, key: string = CHANNELS[0].key): Call {
  return async (method, url, body, headers = {}) => {
    const answer = await app.inject({
      method: method as 'GET',
      url,
      headers: {
        authorization: `Token ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return {
      status: answer.statusCode,
      body: answer.body === '' ? null : JSON.parse(answer.body),
      text: answer.body,
      headers: answer.headers,
    };
  };
}

/** The same calls over HTTP, through a client's `raw` (one attempt, any status answered). */
export function clientCaller(client: AxCloudClient): Call {
  return async (method, url, body, headers) => {
    const answer = await client.raw(method, url, { body, headers });
    return {
      status: answer.status,
      body: answer.data ?? null,
      text: answer.rawBody,
      headers: answer.headers,
    };
  };
}

/** A call that must succeed: throws on a status of 300 or more, answers the body. */
export function succeeding(call: Call) {
  // biome-ignore lint/suspicious/noExplicitAny: test answers are read field by field
  return async (method: string, url: string, body?: unknown): Promise<any> => {
    const answer = await call(method, url, body);
    if (answer.status >= 300) {
      throw new Error(`${method} ${url} → ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    return answer.body;
  };
}

// ---------------------------------------------------------------------------------------------------
// Registration and orders

export interface Registered {
  code: string;
  family: FamilyName;
  /** Option codes, in the detail's order. */
  options: string[];
  /** The first option's code: the one most tests order. */
  optionCode: string;
  /** The option names the registration mapped, by option code. */
  names: Record<string, string>;
  rti: Record<string, boolean>;
  mappingCode: string;
}

/** What a registration may change: its body fields, and the name each option is mapped to. */
export type RegistrationChoice = Partial<Omit<Schemas['RegistrationRequest'], 'mapping_data'>> & {
  name?: (option: Schemas['ProductOption'], index: number) => string;
};

/** Registers `code` with every option mapped (to its own name unless `choice.name` says otherwise). */
export async function register(
  call: Call,
  family: FamilyName,
  code: string,
  choice: RegistrationChoice = {},
): Promise<Registered> {
  const { name = (o) => o.option_name, ...fields } = choice;
  const detail = await call('GET', `/v1/channel/products/${family}/${code}`);
  if (detail.status !== 200) throw new Error(`detail ${code}: ${detail.status}`);
  const options = detail.body.options as Schemas['ProductOption'][];
  const names = Object.fromEntries(options.map((o, i) => [o.option_code, name(o, i)]));
  const registered = await call('POST', `/v1/channel/products/${family}/registration/${code}`, {
    mapping_data: names,
    channel_product_name: `p ${code}`,
    channel_product_link: 'https://channel.example.com/p',
    channel_product_id: `p-${code}`,
    ...fields,
  } satisfies Schemas['RegistrationRequest']);
  if (registered.status !== 201) throw new Error(`register ${code}: ${JSON.stringify(registered.body)}`);
  const created = registered.body as Schemas['RegistrationCreated'];
  return {
    code,
    family,
    options: options.map((o) => o.option_code),
    optionCode: options[0]!.option_code,
    names,
    rti: detail.body.required_traveler_information,
    mappingCode: created.data.channel_product_mapping_code,
  };
}

/** The first page of one option's entries (the first option unless named). */
export async function optionEntries(
  call: Call,
  product: Registered,
  page: { pageSize?: number; optionCode?: string } = {},
): Promise<ListedEntry[]> {
  const { pageSize = 100, optionCode = product.optionCode } = page;
  const answer = await call(
    'GET',
    `/v1/channel/inventory/${product.family}/${product.code}?page=1&page_size=${pageSize}`,
  );
  if (answer.status !== 200) throw new Error(`inventory ${product.code}: ${answer.status}`);
  return (answer.body.option_codes as Record<string, ListedEntry[]>)[optionCode] ?? [];
}

/** The entries of that page on sale with at least `quantity` (default 1) left. */
export async function orderableEntries(
  call: Call,
  product: Registered,
  page: { pageSize?: number; quantity?: number; optionCode?: string } = {},
): Promise<ListedEntry[]> {
  const { quantity = 1 } = page;
  return (await optionEntries(call, product, page)).filter(
    (e) => e.is_order !== false && e.remain_quantity >= quantity,
  );
}

/** An order line of a registered product for one entry: what `orderBody` takes besides its options. */
export function lineOf(product: Registered, entry: ListedEntry, optionCode = product.optionCode) {
  return {
    mappingCode: product.mappingCode,
    optionCode,
    inventoryAt: inventoryAtOf(entry),
    rti: product.rti,
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
  } satisfies Schemas['CreateOrderRequest'];
}

// ---------------------------------------------------------------------------------------------------
// Every page of a list

/** Every entry of every option, all pages read. */
export async function allEntries(
  call: Call,
  family: FamilyName,
  code: string,
  pageSize = 100,
): Promise<Record<string, ListedEntry[]>> {
  const all: Record<string, ListedEntry[]> = {};
  for (let page = 1; ; page++) {
    const answer = await call(
      'GET',
      `/v1/channel/inventory/${family}/${code}?page=${page}&page_size=${pageSize}`,
    );
    if (answer.status !== 200) throw new Error(`inventory ${code}: ${answer.status}`);
    let any = false;
    for (const [option, entries] of Object.entries(
      answer.body.option_codes as Record<string, ListedEntry[]>,
    )) {
      all[option] ??= [];
      all[option].push(...entries);
      if (entries.length > 0) any = true;
    }
    if (!any) return all;
  }
}

/** Every product code of a family, all pages of the product list read. */
export async function allProducts(call: Call, family: FamilyName): Promise<string[]> {
  const codes: string[] = [];
  for (let page = 1; ; page++) {
    const answer = await call('GET', `/v1/channel/products/${family}?page=${page}&page_size=100`);
    const products = answer.body.products as Array<{ product_code: string }>;
    if (products.length === 0) return codes;
    codes.push(...products.map((p) => p.product_code));
  }
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

/** An entry as an order's `inventory_at`: its date and start time as listed, written as UTC. */
export function inventoryAtOf(entry: Pick<ListedEntry, 'date' | 'start_time'>): string {
  return `${entry.date}T${entry.start_time ?? '00:00'}:00Z`;
}

/** The Korean calendar date at `ms` (UTC+9, no daylight saving time). */
export function koreanDate(ms: number): string {
  return new Date(ms + 9 * 3_600_000).toISOString().slice(0, 10);
}
