/**
 * The simulator's data model. Plain data only: everything here is JSON-serialisable, so a channel's
 * state can be journaled, snapshotted, exported and imported without translation.
 *
 * Names inside the domain are plain TypeScript (camelCase); the vendor's snake_case names live only at
 * the HTTP edge (server/http/).
 */

export type Family = 'tour' | 'day-ticket';

/** How the simulated supplier answers orders for a product (see server/domain/schedule.ts). */
export type SupplierProfile = 'instant-confirm' | 'delayed-confirm' | 'always-reject' | 'manual';

export const ORDER_STATUSES = [
  'New',
  'Supplier pending',
  'Supplier confirm',
  'Supplier reject',
  'Traveler cancel',
  'Unavoidable cancel',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const TICKET_STATUSES = ['New', 'Used', 'Traveler canceled', 'Supplier canceled'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** Tour prices: decimal strings inside the simulator, emitted as JSON numbers by the price API. */
export interface TourPrice {
  unitUsd: string;
  perPersonUsd: string;
  unitKrw: string;
  perPersonKrw: string;
}

/** Day-ticket price: one currency and a decimal string with five decimals ("71200.00000"). */
export interface DayTicketPrice {
  currency: 'KRW' | 'USD';
  price: string;
}

/**
 * How an option's inventory looks, as a compact rule rather than a list of entries, so that a catalogue
 * of 100,000 products stays small. Entries are materialised on demand by server/domain/inventory.ts:
 * one entry per day in [0, days) and, for tours, per start time. The date of day `d` is the channel's
 * anchor date plus `d` days, so inventory always lies ahead of a freshly created sandbox.
 */
export interface InventoryRule {
  /** Number of consecutive days with inventory, starting at the anchor date. */
  days: number;
  /** Tour start times ("HH:MM"); empty for day-tickets. */
  startTimes: string[];
  /** max_quantity of every entry. */
  capacity: number;
  /** Tour minimum departure size; 0 for day-tickets. */
  minQuantity: number;
  /** Day indexes seeded as sold out (remain 0). */
  soldOutDays: number[];
  /** Day indexes seeded as not on sale (is_order false). */
  closedDays: number[];
}

export interface ProductOption {
  code: string;
  name: string;
  price: TourPrice | DayTicketPrice;
  inventory: InventoryRule;
}

export interface Product {
  code: string;
  family: Family;
  /** Position in the seeded catalogue (per family); fixtures derive everything from (seed, index). */
  index: number;
  /** Increases by one each time the supplier publishes a change (POST /__sim/products/{code}/versions). */
  version: number;
  supplier: SupplierProfile;
  /**
   * The product-list item exactly as the vendor's list API shows it (snake_case keys, "Void" for blanks),
   * without product_code. Tour: category, product_listing_language, tour_guide_certification,
   * separate_driver_included, product_name, departure_city, transportation, cancellation_type.
   * Day-ticket: title, category, detail_category, start_date_of_the_sale, end_date_of_the_sale,
   * cancellation_type, main_country_and_city.
   */
  listing: Record<string, string>;
  /** Title used by the latest-list API (tour: product_name, day-ticket: title). */
  title: string;
  /** required_traveler_information: RTI key -> required. */
  rti: Record<string, boolean>;
  /** contents as the vendor's detail API shows it (snake_case keys, "Void" for blanks). */
  contents: Record<string, string | string[]>;
  options: ProductOption[];
  /**
   * Day-tickets: the sale period, as days of the sandbox (0 = its day zero, both ends included). The
   * product list shows it as `start_date_of_the_sale` / `end_date_of_the_sale`, and only its days have
   * inventory, so validity moves with the sandbox's clock like everything else. Absent: the listing's
   * dates are shown as they are and do not limit the inventory.
   */
  salePeriod?: { fromDay: number; toDay: number };
}

export interface Catalog {
  /** Identifies the catalogue a channel's saved state was built on (seed + counts, or the fixture file's hash). */
  id: string;
  seed: number;
  products: Product[];
}

/** A traveler or purchaser as the channel sent it (kept verbatim, snake_case, for the supplier's eyes). */
export type Person = Record<string, unknown>;

export interface Ticket {
  code: string;
  /** The channel's own id for this unit (tickets[].channel_code). */
  channelCode: string;
  status: TicketStatus;
  traveler: Person;
  /** Virtual time of the last status change (RFC 3339). */
  updatedAt: string;
}

export interface Order {
  code: string;
  family: Family;
  /** The channel's order id (order.channel_order_id / channel_order_code); shared by the AX orders of one request. */
  channelOrderCode: string;
  channelStatus: OrderStatus;
  status: OrderStatus;
  /** Comment shown by get-confirm (the supplier's last word, or the channel's cancel comment). */
  comment: string;
  productCode: string;
  productVersion: number;
  optionCode: string;
  mappingCode: string;
  inventoryCode: string;
  /** RFC 3339 UTC of the inventory entry (date + start time for tours, midnight for day-tickets). */
  inventoryAt: string;
  quantity: number;
  /** Money as the channel sent it, normalised to decimal strings. */
  unitSellingPrice: string;
  amountPrice: string;
  currency: string;
  supplier: SupplierProfile;
  tickets: Ticket[];
  createdAt: string;
  updatedAt: string;
}

/** The outcome of one order-create request, kept for idempotent replay of the same channel_order_id. */
export interface ChannelOrder {
  channelOrderCode: string;
  family: Family;
  /** Stable hash of the request body; a different body with the same id is refused. */
  requestHash: string;
  orderCodes: string[];
  createdAt: string;
}

export interface Registration {
  mappingCode: string;
  productCode: string;
  family: Family;
  version: number;
  mappingData: Record<string, string>;
  channelProductName: string;
  channelProductLink: string;
  channelProductId: string;
  registeredAt: string;
}

export interface Refund {
  id: string;
  family: Family;
  orderCode: string;
  ticketCode: string;
  /** The channel's figures, as sent (normalised field names). */
  channelRefundedPrice: string;
  channelCanceledAt: string;
  channelRefundedAt: string;
  channelPolicy: Record<string, string>;
  /** What the policy implies for this ticket: percent and amount (decimal string), for comparison only. */
  expectedPercent: number;
  expectedAmount: string;
  /** Whether the channel's figure equals the expected amount. Never enforced: the vendor call is one-way. */
  matchesPolicy: boolean;
  receivedAt: string;
}

export type ScoreType = 'ONE_FIVE_STAR' | 'ZERO_FIVE_STAR' | 'GOOD_OR_BAD' | 'NO_SCORE';

export interface Review {
  id: string;
  family: Family;
  productCode: string;
  /** Tour: review_code; day-ticket: generated. */
  reviewCode: string;
  optionCode: string | null;
  channelOrderCode: string | null;
  scoreType: ScoreType;
  score: number | null;
  title: string | null;
  body: string | null;
  reviewedAt: string;
  reviewer: Person | null;
  receivedAt: string;
}

export interface Question {
  code: string;
  family: Family;
  productCode: string;
  optionCode: string | null;
  title: string | null;
  body: string | null;
  isPublic: boolean;
  questedAt: string;
  receivedAt: string;
  answer: { body: string; answeredAt: string } | null;
}

/** A supplier action due at a virtual time (see server/domain/schedule.ts). */
export interface ScheduledAction {
  orderCode: string;
  /** Virtual epoch milliseconds at which the action is due. */
  at: number;
  /** `use`: the supplier checks the order's tickets in once its use time has passed. */
  action: 'pending' | 'confirm' | 'reject' | 'use';
}

export interface ChannelMeta {
  channel: string;
  catalogId: string;
  /**
   * The sandbox's day zero (YYYY-MM-DD, the Korean date it was created on): inventory day `d` is this
   * date plus `d` days. Which days are listed follows the virtual clock (server/domain/inventory.ts).
   */
  anchorDate: string;
  /** Virtual clock = real clock + this offset. */
  clockOffsetMs: number;
  createdAt: string;
}

/**
 * Everything one channel owns. Each collection is a flat record keyed by id so that a change is a set of
 * (collection, key, value) writes: that is what the journal records (server/store/).
 */
export interface ChannelState {
  meta: Record<'meta', ChannelMeta>;
  /** Products the supplier re-published in this sandbox (new versions); the seeded catalogue holds the rest. */
  products: Record<string, Product>;
  /** Units ordered per inventory code, on top of the seeded ordered_quantity. Never negative. */
  stock: Record<string, number>;
  /** Registrations by mapping code (every code ever issued stays valid for its product version). */
  registrations: Record<string, Registration>;
  /** The latest registration's mapping code per product code. */
  latestRegistration: Record<string, string>;
  orders: Record<string, Order>;
  channelOrders: Record<string, ChannelOrder>;
  refunds: Record<string, Refund>;
  reviews: Record<string, Review>;
  questions: Record<string, Question>;
  schedule: Record<string, ScheduledAction>;
}

export type CollectionName = keyof ChannelState;

export const COLLECTIONS: readonly CollectionName[] = [
  'meta',
  'products',
  'stock',
  'registrations',
  'latestRegistration',
  'orders',
  'channelOrders',
  'refunds',
  'reviews',
  'questions',
  'schedule',
];

/** One write: set `key` of `collection` to `value`, or delete it when `value` is null. */
export type Change = {
  [C in CollectionName]: [C, string, ChannelState[C][keyof ChannelState[C]] | null];
}[CollectionName];

/**
 * The channel's meta record. The state keeps it as the one record of a `meta` collection, so that every
 * write — journal, snapshot, PostgreSQL, export — is the same `[collection, key, value]` triple
 * (docs/decisions/009-sandbox-meta.md); code reads it through here, or as `ctx.meta`.
 */
export function metaOf(state: ChannelState): ChannelMeta {
  return state.meta.meta;
}

/** The one change that writes the channel's meta. */
export function metaChange(meta: ChannelMeta): Change {
  return ['meta', 'meta', meta];
}

export function emptyState(meta: ChannelMeta): ChannelState {
  return {
    meta: { meta },
    products: {},
    stock: {},
    registrations: {},
    latestRegistration: {},
    orders: {},
    channelOrders: {},
    refunds: {},
    reviews: {},
    questions: {},
    schedule: {},
  };
}
