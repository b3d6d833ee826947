import type { ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { EARLIEST_MS, LATEST_MS } from './time.ts';
import { ORDER_STATUSES, TICKET_STATUSES } from './types.ts';

/**
 * JSON Schema (2020-12) of a ChannelState (types.ts), record by record. A whole state comes from
 * outside through two doors — `PUT /__sim/state` and a snapshot read at start-up — and both check it
 * here before using it: a record of the wrong shape (an order without tickets, a schedule entry that is
 * null) would otherwise be accepted, saved, and break every later request of the channel. Records are
 * strict; what the channel sent verbatim (travelers, purchasers, the refund policy) stays free.
 */

type Schema = Record<string, unknown>;

const str: Schema = { type: 'string' };
const code: Schema = { type: 'string', minLength: 1 };
const dateTime: Schema = { type: 'string', format: 'date-time' };
const count: Schema = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER };
const positive: Schema = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER };
const family: Schema = { enum: ['tour', 'day-ticket'] };
const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });
const record = (required: Record<string, Schema>, optional: Record<string, Schema> = {}): Schema => ({
  type: 'object',
  additionalProperties: false,
  required: Object.keys(required),
  properties: { ...required, ...optional },
});
const collection = (value: Schema): Schema => ({ type: 'object', additionalProperties: value });
const person: Schema = { type: 'object' };

const option = record({
  code,
  name: str,
  price: {
    anyOf: [
      record({ unitUsd: str, perPersonUsd: str, unitKrw: str, perPersonKrw: str }),
      record({ currency: { enum: ['KRW', 'USD'] }, price: str }),
    ],
  },
  inventory: record({
    // Entries are materialised day by day: ten years at most (the catalogue has 60 days).
    days: { type: 'integer', minimum: 0, maximum: 3660 },
    startTimes: { type: 'array', items: { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' } },
    capacity: count,
    minQuantity: count,
    soldOutDays: { type: 'array', items: count },
    closedDays: { type: 'array', items: count },
  }),
});

const product = record(
  {
    code,
    family,
    index: count,
    version: positive,
    supplier: { enum: ['instant-confirm', 'delayed-confirm', 'always-reject', 'manual'] },
    listing: collection(str),
    title: str,
    rti: collection({ type: 'boolean' }),
    contents: collection({ anyOf: [str, { type: 'array', items: str }] }),
    options: { type: 'array', items: option },
  },
  {
    salePeriod: record({ fromDay: { type: 'integer' }, toDay: { type: 'integer' } }),
  },
);

const ticket = record({
  code,
  channelCode: str,
  status: { enum: [...TICKET_STATUSES] },
  traveler: person,
  updatedAt: dateTime,
});

const order = record({
  code,
  family,
  channelOrderCode: str,
  channelStatus: { enum: [...ORDER_STATUSES] },
  status: { enum: [...ORDER_STATUSES] },
  comment: str,
  productCode: code,
  productVersion: positive,
  optionCode: code,
  mappingCode: str,
  inventoryCode: code,
  inventoryAt: dateTime,
  quantity: positive,
  unitSellingPrice: str,
  amountPrice: str,
  currency: str,
  supplier: { enum: ['instant-confirm', 'delayed-confirm', 'always-reject', 'manual'] },
  tickets: { type: 'array', items: ticket },
  createdAt: dateTime,
  updatedAt: dateTime,
});

const meta = record({
  meta: record({
    channel: str,
    catalogId: str,
    // Inventory runs from the anchor date: its days must stay writable as four-digit years.
    anchorDate: { type: 'string', format: 'date', pattern: '^[0-8]' },
    clockOffsetMs: { type: 'integer', minimum: 0, maximum: LATEST_MS },
    createdAt: dateTime,
  }),
});

export const CHANNEL_STATE_SCHEMA: Schema = record({
  meta,
  products: collection(product),
  stock: collection(count),
  registrations: collection(
    record({
      mappingCode: code,
      productCode: code,
      family,
      version: positive,
      mappingData: collection(str),
      channelProductName: str,
      channelProductLink: str,
      channelProductId: str,
      registeredAt: dateTime,
    }),
  ),
  latestRegistration: collection(code),
  orders: collection(order),
  channelOrders: collection(
    record({
      channelOrderCode: str,
      family,
      requestHash: str,
      orderCodes: { type: 'array', items: code },
      createdAt: dateTime,
    }),
  ),
  refunds: collection(
    record({
      id: code,
      family,
      orderCode: code,
      ticketCode: code,
      channelRefundedPrice: str,
      channelCanceledAt: dateTime,
      channelRefundedAt: dateTime,
      channelPolicy: collection(str),
      expectedPercent: { type: 'integer', minimum: 0, maximum: 100 },
      expectedAmount: str,
      matchesPolicy: { type: 'boolean' },
      receivedAt: dateTime,
    }),
  ),
  reviews: collection(
    record({
      id: code,
      family,
      productCode: code,
      reviewCode: str,
      optionCode: nullable(str),
      channelOrderCode: nullable(str),
      scoreType: { enum: ['ONE_FIVE_STAR', 'ZERO_FIVE_STAR', 'GOOD_OR_BAD', 'NO_SCORE'] },
      score: nullable({ type: 'integer', minimum: -1000, maximum: 1000 }),
      title: nullable(str),
      body: nullable(str),
      reviewedAt: dateTime,
      reviewer: nullable(person),
      receivedAt: dateTime,
    }),
  ),
  questions: collection(
    record({
      code,
      family,
      productCode: code,
      optionCode: nullable(str),
      title: nullable(str),
      body: nullable(str),
      isPublic: { type: 'boolean' },
      questedAt: dateTime,
      receivedAt: dateTime,
      answer: nullable(record({ body: str, answeredAt: dateTime })),
    }),
  ),
  schedule: collection(
    record({
      orderCode: code,
      at: { type: 'number', minimum: EARLIEST_MS, maximum: LATEST_MS },
      action: { enum: ['pending', 'confirm', 'reject', 'use'] },
    }),
  ),
});

/**
 * The outline only: every collection present and an object, `meta` in full. What a snapshot read at
 * start-up is checked against — it was written by the simulator, so a wrong shape means a wrong file,
 * and checking every record of a large state (about a second per 100,000 orders) would slow every start.
 */
export const CHANNEL_STATE_OUTLINE: Schema = {
  ...CHANNEL_STATE_SCHEMA,
  properties: Object.fromEntries(
    Object.keys(CHANNEL_STATE_SCHEMA.properties as Schema).map((name) => [
      name,
      name === 'meta' ? meta : { type: 'object' },
    ]),
  ),
};

const validators = new Map<Schema, ValidateFunction>();

function problemsAgainst(schema: Schema, state: unknown): string[] {
  let validate = validators.get(schema);
  if (!validate) {
    const ajv = new Ajv2020({ allErrors: false, strict: false, validateFormats: true });
    addFormats.default(ajv);
    validate = ajv.compile(schema);
    validators.set(schema, validate);
  }
  if (validate(state)) return [];
  return (validate.errors ?? []).slice(0, 5).map((e) => `state${e.instancePath} ${e.message}`);
}

/** What is wrong with `state` as a ChannelState, record by record (`state/<path> <message>`), or []. */
export function stateProblems(state: unknown): string[] {
  return problemsAgainst(CHANNEL_STATE_SCHEMA, state);
}

/** What is wrong with the outline of `state` (CHANNEL_STATE_OUTLINE), or []. */
export function stateOutlineProblems(state: unknown): string[] {
  return problemsAgainst(CHANNEL_STATE_OUTLINE, state);
}
