import type { FastifyInstance } from 'fastify';

/**
 * A channel's calls through `app.inject`, answers parsed: what the calendar, what-sells and error-shape
 * tests use to drive one in-process simulator.
 */
export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test answers are read field by field
  body: any;
}

export function caller(app: FastifyInstance, key = 'demo-key') {
  return async (method: string, url: string, body?: unknown): Promise<Answer> => {
    const answer = await app.inject({
      method: method as 'GET',
      url,
      headers: {
        authorization: `Token ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      payload: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: answer.statusCode, body: answer.body === '' ? null : JSON.parse(answer.body) };
  };
}

export type Call = ReturnType<typeof caller>;

export type FamilyName = 'tour' | 'day-ticket';

export interface Registered {
  code: string;
  family: FamilyName;
  options: string[];
  rti: Record<string, boolean>;
  mappingCode: string;
}

/** Registers `code` (every option mapped) and answers what an order needs. */
export async function register(call: Call, family: FamilyName, code: string): Promise<Registered> {
  const detail = await call('GET', `/v1/channel/products/${family}/${code}`);
  if (detail.status !== 200) throw new Error(`detail ${code}: ${detail.status}`);
  const options = (detail.body.options as Array<{ option_code: string; option_name: string }>).map(
    (o) => o.option_code,
  );
  const registered = await call('POST', `/v1/channel/products/${family}/registration/${code}`, {
    mapping_data: Object.fromEntries(
      (detail.body.options as Array<{ option_code: string; option_name: string }>).map((o) => [
        o.option_code,
        o.option_name,
      ]),
    ),
    channel_product_name: `p ${code}`,
    channel_product_link: 'https://channel.example.com/p',
    channel_product_id: `p-${code}`,
  });
  if (registered.status !== 201) throw new Error(`register ${code}: ${JSON.stringify(registered.body)}`);
  return {
    code,
    family,
    options,
    rti: detail.body.required_traveler_information,
    mappingCode: registered.body.data.channel_product_mapping_code,
  };
}

export interface ListedEntry {
  inventory_code: string;
  date: string;
  start_time?: string;
  is_order?: boolean;
  max_quantity: number;
  remain_quantity: number;
  ordered_quantity: number;
}

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

/** An entry as an order's `inventory_at`: its date and start time as listed, written as UTC. */
export function inventoryAtOf(entry: ListedEntry): string {
  return `${entry.date}T${entry.start_time ?? '00:00'}:00Z`;
}

/** The Korean calendar date at `ms` (UTC+9, no daylight saving time). */
export function koreanDate(ms: number): string {
  return new Date(ms + 9 * 3_600_000).toISOString().slice(0, 10);
}
