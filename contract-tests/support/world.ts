import { randomUUID } from 'node:crypto';
import { expect, onTestFinished, type TestContext } from 'vitest';
import { type AxCloudComponents, AxCloudError, type RawResponse } from '../../client/index.ts';
import { contractClient, target } from './client.ts';
import type { CreatedLine, CreatedOrder, Family, InventoryEntry, ProductDetail } from './families.ts';

type Schemas = AxCloudComponents['schemas'];

/**
 * What the tests share: the validating client, the gates (writes, control API, simulator-only
 * endpoints), choosing a product / option / inventory entry from what the target lists, registering it,
 * placing and cleaning up orders, and the documented error messages.
 */

export { target };
/**
 * The client every file shares. The contract project runs its files in one worker without isolation
 * (the parsed spec and compiled validators are reused across files), so this module — and this client —
 * is created once per run; the worker's exit closes its connections.
 */
export const client = contractClient();

/** The vendor's documented messages and DRF's Korean ones it answers with, reproduced exactly. */
export const MESSAGES = {
  denied: '이 작업을 수행할 권한(permission)이 없습니다.',
  notFound: '찾을 수 없습니다.',
  invalidQuery: '유효하지 않은 query입니다.',
  required: '이 필드는 필수 항목입니다.',
  notNull: '이 필드는 null일 수 없습니다.',
  invalidInteger: '유효한 정수(integer)를 넣어주세요.',
  invalidChoice: (value: string) => `"${value}"이 유효하지 않은 선택(choice)입니다.`,
} as const;

/**
 * The messages DRF answers for element `index` (of `length`) of the list field `list`, at `field`: the
 * body must be `{"<list>": [{}, …, {"<field>": ["…"]}, …]}` with `{}` for every other element.
 */
export function lineMessages(
  body: unknown,
  list: string,
  index: number,
  length: number,
  field: string,
): string[] {
  const errors = (body as Record<string, unknown>)[list];
  expect(Array.isArray(errors), `${list} in ${JSON.stringify(body)}`).toBe(true);
  const elements = errors as Array<Record<string, unknown>>;
  expect(elements, JSON.stringify(body)).toHaveLength(length);
  elements.forEach((element, i) => {
    if (i !== index) expect(element, `${list}[${i}] has no errors`).toEqual({});
  });
  const messages = elements[index]![field];
  expect(messages, `${list}[${index}].${field} in ${JSON.stringify(body)}`).toEqual([expect.any(String)]);
  return messages as string[];
}

// ---------------------------------------------------------------------------------------------------
// Gates: skip with the reason printed
// ---------------------------------------------------------------------------------------------------

const printed = new Set<string>();
function skipWith(ctx: TestContext, reason: string): never {
  if (!printed.has(reason)) {
    printed.add(reason);
    console.info(`[contract] skipping: ${reason}`);
  }
  return ctx.skip(reason);
}

/** Tests that create orders or other data: always on the in-process simulator, opt-in elsewhere. */
export function needsWrites(ctx: TestContext): void {
  if (!target.writes) {
    skipWith(
      ctx,
      `creates data on ${target.label}; set AX_CONTRACT_WRITES=1 (ax-sim contract --writes) to allow writes`,
    );
  }
}

/** Tests that act as the supplier or move the clock through the simulator's control API. */
export function needsControl(ctx: TestContext): void {
  if (!target.simulator) {
    skipWith(ctx, `needs the simulator control API; ${target.label} has no GET /__sim/health`);
  }
}

/** Operations ax-cloud-sim invented (the vendor documents none): asserted only against a simulator. */
export function needsSimulatorEndpoint(ctx: TestContext, what: string): void {
  if (!target.simulator) {
    skipWith(
      ctx,
      `${what} is ax-cloud-sim's own endpoint, not documented by the vendor; ${target.label} has no GET /__sim/health`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------

/** The call's AxCloudError, after checking its status. Fails when the call succeeds. */
export async function rejection(call: Promise<unknown>, status: number): Promise<AxCloudError> {
  const outcome = await call.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) {
    throw new Error(
      `expected a ${status} answer, got success: ${JSON.stringify(outcome.value).slice(0, 300)}`,
    );
  }
  if (!(outcome.error instanceof AxCloudError)) throw outcome.error;
  expect(outcome.error.status, `${outcome.error.message}`).toBe(status);
  return outcome.error;
}

/** The error message under `detail` or (the vendor's older spelling) `message`. */
export function messageOf(body: unknown): unknown {
  if (!body || typeof body !== 'object') return undefined;
  const { detail, message } = body as Record<string, unknown>;
  return detail ?? message;
}

/** `{"detail": message}` or `{"message": message}` with exactly the documented text. */
export function expectMessage(body: unknown, message: string): void {
  expect(body, 'an error body with a detail or message key').toBeTypeOf('object');
  expect(messageOf(body), `error body ${JSON.stringify(body)}`).toBe(message);
}

/** Expects `call` to fail with `status` and the documented `message`. */
export async function expectVendorError(call: Promise<unknown>, status: number, message: string) {
  const error = await rejection(call, status);
  expectMessage(error.body, message);
  return error;
}

/** A DRF field error: `{"<field>": ["...", ...]}`, optionally containing `message`. */
export function expectFieldError(body: unknown, field: string, message?: string): void {
  const messages = (body as Record<string, unknown> | undefined)?.[field];
  expect(messages, `field error on "${field}" in ${JSON.stringify(body)}`).toBeInstanceOf(Array);
  if (message !== undefined) expect(messages).toContain(message);
}

export function expectRawMessage(answer: RawResponse, status: number, message: string): void {
  expect(answer.status, answer.rawBody).toBe(status);
  expectMessage(answer.data, message);
}

/** A code no target will know. */
export const unknownCode = () => randomUUID();

// ---------------------------------------------------------------------------------------------------
// Products, registration, inventory
// ---------------------------------------------------------------------------------------------------

const details = new Map<string, Promise<ProductDetail>>();
export function productDetail(family: Family, productCode: string): Promise<ProductDetail> {
  const key = `${family.name}:${productCode}`;
  let detail = details.get(key);
  if (!detail) {
    detail = family.getProduct(client, productCode);
    details.set(key, detail);
    detail.catch(() => details.delete(key));
  }
  return detail;
}

/** Page size used whenever a test reads inventory to find and re-read an entry. */
export const INVENTORY_PAGE = { page: 1, page_size: 30 };
/** How many listed products to look at when choosing one. */
const PRODUCTS_SCANNED = 12;

export interface Choice {
  family: Family;
  productCode: string;
  detail: ProductDetail;
  optionCode: string;
  entry: InventoryEntry;
  /** The entry as an order's `inventory_at` (RFC 3339 UTC). */
  inventoryAt: string;
}

const todayUtc = () => new Date().toISOString().slice(0, 10);

/**
 * The first listed product with an option whose inventory (first page) has an entry on sale, after
 * today, with at least `quantity` remaining — chosen from what the target lists, never a fixture code.
 */
export async function chooseOrderable(
  family: Family,
  quantity: number,
  exclude: ReadonlySet<string> = new Set(),
): Promise<Choice> {
  const { codes } = await family.listProducts(client, { page: 1, page_size: 50 });
  const today = todayUtc();
  for (const productCode of codes.filter((code) => !exclude.has(code)).slice(0, PRODUCTS_SCANNED)) {
    const detail = await productDetail(family, productCode);
    const inventory = await family.inventory(client, productCode, INVENTORY_PAGE);
    for (const option of detail.options) {
      const entry = (inventory[option.option_code] ?? []).find(
        (e) => e.date > today && e.is_order !== false && e.remain_quantity >= quantity,
      );
      if (entry) {
        return {
          family,
          productCode,
          detail,
          optionCode: option.option_code,
          entry,
          inventoryAt: inventoryAt(entry),
        };
      }
    }
  }
  throw new Error(
    `${family.ops.list}: none of the first ${PRODUCTS_SCANNED} listed ${family.name} products has an entry on sale after ${today} with ${quantity} remaining (${family.ops.inventory}, page 1)`,
  );
}

export function inventoryAt(entry: InventoryEntry): string {
  return entry.start_time ? `${entry.date}T${entry.start_time}:00Z` : `${entry.date}T00:00:00Z`;
}

/** The chosen entry as the target reports it now. */
export async function currentEntry(choice: Choice): Promise<InventoryEntry> {
  const inventory = await choice.family.inventory(client, choice.productCode, INVENTORY_PAGE);
  const entry = inventory[choice.optionCode]?.find((e) => e.inventory_code === choice.entry.inventory_code);
  if (!entry) {
    throw new Error(
      `${choice.family.ops.inventory}: entry ${choice.entry.inventory_code} (${choice.entry.date}) of option ${choice.optionCode} is gone from page 1`,
    );
  }
  return entry;
}

/** A registration body mapping every option of the product to a distinct channel name. */
export function registrationBody(detail: ProductDetail) {
  return {
    mapping_data: Object.fromEntries(
      detail.options.map((o, i) => [o.option_code, `${o.option_name || 'option'} #${i + 1}`]),
    ),
    channel_product_name: '[contract] 계약 테스트 상품',
    channel_product_link: 'https://channel.example.com/contract',
    channel_product_id: `contract-${randomUUID().slice(0, 8)}`,
  } satisfies Schemas['RegistrationRequest'];
}

/** Registers the product (all options mapped) and returns the mapping code orders need. */
export async function register(family: Family, productCode: string, detail?: ProductDetail): Promise<string> {
  const product = detail ?? (await productDetail(family, productCode));
  const { data } = await family.register(client, productCode, registrationBody(product));
  return data.channel_product_mapping_code;
}

// ---------------------------------------------------------------------------------------------------
// Orders
// ---------------------------------------------------------------------------------------------------

const person = (n: number) => ({
  name: '홍길동',
  national_code: '82',
  phone: '01012345678',
  email: `traveler${n}@example.com`,
});

/** A valid order for one option line, with a value for every RTI key the product requires. */
export function orderBody(choice: Choice, mappingCode: string, quantity: number) {
  const additional = Object.fromEntries(
    Object.entries(choice.detail.required_traveler_information)
      .filter(([, required]) => required)
      .map(([key]) => [key, key === 'english_name' ? 'GILDONG HONG' : `contract ${key}`]),
  );
  const id = `contract-${randomUUID()}`;
  return {
    options: [
      {
        channel_product_mapping_code: mappingCode,
        option_code: choice.optionCode,
        quantity,
        inventory_at: choice.inventoryAt,
        unit_selling_price: '2222',
        discount: '22',
        discount_method: '쿠폰 할인',
        amount_price: String(2200 * quantity),
        tickets: Array.from({ length: quantity }, (_, i) => ({
          ...person(i),
          channel_code: `${id}-t${i + 1}`,
          additional,
        })),
      },
    ],
    order: {
      channel_order_id: id,
      purchased_at: new Date().toISOString(),
      sub_total: String(2222 * quantity),
      total: String(2200 * quantity),
      status: 'New' as const,
      is_voucher: true,
      currency: 'KRW' as const,
    },
    purchaser: { ...person(0), is_required_more_information: false },
    representative: { ...person(0), additional },
  } satisfies Schemas['CreateOrderRequest'];
}

export interface Placed {
  choice: Choice;
  mappingCode: string;
  /** The entry right before the order. */
  before: InventoryEntry;
  order: CreatedOrder;
  line: CreatedLine;
  quantity: number;
}

const LIVE = new Set(['New', 'Supplier pending', 'Supplier confirm']);

/**
 * Chooses, registers and orders `quantity` units; the order is cancelled when the current test ends
 * (whatever happened), so stock on a shared target comes back.
 */
export async function placeOrder(
  family: Family,
  quantity: number,
  exclude?: ReadonlySet<string>,
): Promise<Placed> {
  const choice = await chooseOrderable(family, quantity, exclude);
  const mappingCode = await register(family, choice.productCode, choice.detail);
  const before = await currentEntry(choice);
  const { status, data } = await family.createOrder(client, orderBody(choice, mappingCode, quantity));
  expect(status).toBe(201);
  const line = data.depth_combinations[0]!;
  onTestFinished(() => cancelQuietly(family, line.ax_order_code));
  return { choice, mappingCode, before, order: data, line, quantity };
}

/**
 * An order the supplier has not decided yet (`New` or `Supplier pending` in Get Confirm): tries the
 * listed products in turn, cancelling orders a supplier confirmed or rejected at once.
 */
export async function placeUndecidedOrder(family: Family, quantity: number): Promise<Placed> {
  const tried = new Set<string>();
  for (let attempt = 0; attempt < 6; attempt++) {
    const placed = await placeOrder(family, quantity, tried);
    const status = await orderStatus(family, placed.line.ax_order_code);
    if (status === 'New' || status === 'Supplier pending') return placed;
    tried.add(placed.choice.productCode);
    await cancelQuietly(family, placed.line.ax_order_code);
  }
  throw new Error(`${family.ops.create}: no listed product gave an order the supplier leaves undecided`);
}

export async function cancelQuietly(family: Family, axOrderCode: string): Promise<void> {
  try {
    const [state] = await family.confirm(client, axOrderCode);
    if (state && LIVE.has(state.ax_order_status)) {
      await family.cancelOrder(client, axOrderCode, {
        channel_status: 'Traveler cancel',
        comment: 'contract test clean-up',
      });
    }
  } catch {
    // Clean-up only; the test itself reports what went wrong.
  }
}

export async function orderStatus(family: Family, axOrderCode: string): Promise<string> {
  const data = await family.confirm(client, axOrderCode);
  expect(data).toHaveLength(1);
  return data[0]!.ax_order_status;
}
