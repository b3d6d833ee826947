/**
 * Test helpers for domain modules: a tiny hand-written catalogue and a DomainContext around it, plus
 * `withChanges` to play a use case's `Change[]` onto a context's state the way the store would (all
 * together), on copies (changes.ts `stateAfter`) — the input state is never mutated.
 *
 * Typical use:
 *
 *   const ctx = makeTestContext();                       // tour + day-ticket, anchor 2026-03-01, now = anchor
 *   const { changes } = registerProduct(ctx, 'tour', TEST_TOUR_CODE, {...});
 *   const ctx2 = withChanges(ctx, changes);               // same catalogue and clock, new state
 *
 * The fixtures (every call returns fresh objects, so a test may modify its copy):
 * - `testTour()`: tour, 2 options (adult 80 USD / child 60 USD), start times 09:00 and 14:00,
 *   capacity 10, min 2, 14 days from the anchor, day 1 closed (is_order false), day 2 sold out.
 * - `testDayTicket()`: day-ticket, 2 options (KRW 71200 / 50000), capacity 20, 14 days, day 3 sold out,
 *   no closed day.
 * Not a test file itself (no vitest import), so any domain test may import it.
 */
import { stateAfter } from './changes.ts';
import { type DomainContext, indexCatalog } from './context.ts';
import { ApiError } from './errors.ts';
import { uuidFrom } from './ids.ts';
import { parseApiDateTime } from './time.ts';
import {
  type Change,
  type ChannelMeta,
  type ChannelState,
  emptyState,
  metaOf,
  type Product,
  type Registration,
} from './types.ts';

export const TEST_CHANNEL = 'test-channel';
export const TEST_ANCHOR_DATE = '2026-03-01';
/** Midnight UTC of the anchor date, the default virtual "now". */
export const TEST_NOW = parseApiDateTime(TEST_ANCHOR_DATE)!;

export const TEST_TOUR_CODE = uuidFrom('test', 'tour');
export const TEST_TOUR_ADULT = uuidFrom('test', 'tour', 'option', 0);
export const TEST_TOUR_CHILD = uuidFrom('test', 'tour', 'option', 1);
export const TEST_DAY_TICKET_CODE = uuidFrom('test', 'day-ticket');
export const TEST_TICKET_ADULT = uuidFrom('test', 'day-ticket', 'option', 0);
export const TEST_TICKET_CHILD = uuidFrom('test', 'day-ticket', 'option', 1);

/** Day index of the test tour that is not on sale, and the one seeded as sold out. */
export const TEST_TOUR_CLOSED_DAY = 1;
export const TEST_TOUR_SOLD_OUT_DAY = 2;
export const TEST_TICKET_SOLD_OUT_DAY = 3;

export function testTour(): Product {
  const inventory = () => ({
    days: 14,
    startTimes: ['09:00', '14:00'],
    capacity: 10,
    minQuantity: 2,
    soldOutDays: [TEST_TOUR_SOLD_OUT_DAY],
    closedDays: [TEST_TOUR_CLOSED_DAY],
  });
  return {
    code: TEST_TOUR_CODE,
    family: 'tour',
    index: 0,
    version: 1,
    supplier: 'instant-confirm',
    listing: {
      category: 'Tour',
      product_listing_language: 'Korean',
      tour_guide_certification: 'Yes',
      separate_driver_included: 'No',
      product_name: 'Paris City Tour',
      departure_city: 'France - Paris',
      transportation: 'Walking',
      cancellation_type: 'Void',
    },
    title: 'Paris City Tour',
    rti: { english_name: true, chinese_name: false },
    contents: { introduction: 'A walk through Paris.', included: ['Guide', 'Water'] },
    options: [
      {
        code: TEST_TOUR_ADULT,
        name: 'Adult',
        price: { unitUsd: '80.00', perPersonUsd: '75.00', unitKrw: '88000.00', perPersonKrw: '82500.00' },
        inventory: inventory(),
      },
      {
        code: TEST_TOUR_CHILD,
        name: 'Child',
        price: { unitUsd: '60.00', perPersonUsd: '55.00', unitKrw: '66000.00', perPersonKrw: '60500.00' },
        inventory: inventory(),
      },
    ],
  };
}

export function testDayTicket(): Product {
  const inventory = () => ({
    days: 14,
    startTimes: [],
    capacity: 20,
    minQuantity: 0,
    soldOutDays: [TEST_TICKET_SOLD_OUT_DAY],
    closedDays: [],
  });
  return {
    code: TEST_DAY_TICKET_CODE,
    family: 'day-ticket',
    index: 0,
    version: 1,
    supplier: 'delayed-confirm',
    listing: {
      title: 'Louvre Highlight Ticket',
      category: 'Ticket-Day',
      detail_category: 'Museum',
      start_date_of_the_sale: '2026-03-01',
      end_date_of_the_sale: '2027-03-31',
      cancellation_type: 'Void',
      main_country_and_city: 'France - Paris',
    },
    title: 'Louvre Highlight Ticket',
    rti: { english_name: true },
    contents: { introduction: 'Skip the line.' },
    options: [
      {
        code: TEST_TICKET_ADULT,
        name: 'Adult',
        price: { currency: 'KRW', price: '71200.00000' },
        inventory: inventory(),
      },
      {
        code: TEST_TICKET_CHILD,
        name: 'Child',
        price: { currency: 'KRW', price: '50000.00000' },
        inventory: inventory(),
      },
    ],
  };
}

export function testMeta(overrides: Partial<ChannelMeta> = {}): ChannelMeta {
  return {
    channel: TEST_CHANNEL,
    catalogId: 'test-catalog',
    anchorDate: TEST_ANCHOR_DATE,
    clockOffsetMs: 0,
    createdAt: '2026-03-01T00:00:00Z',
    ...overrides,
  };
}

export interface TestContextOptions {
  /** The seeded catalogue, in order (default: `[testTour(), testDayTicket()]`). */
  products?: Product[];
  /** The channel's state (default: `emptyState(testMeta())`). */
  state?: ChannelState;
  /** Virtual epoch ms (default: `TEST_NOW`, midnight of the anchor date). */
  now?: number;
}

export function makeTestContext(options: TestContextOptions = {}): DomainContext {
  const state = options.state ?? emptyState(testMeta());
  return {
    state,
    meta: metaOf(state),
    catalog: indexCatalog({
      id: 'test-catalog',
      seed: 0,
      products: options.products ?? [testTour(), testDayTicket()],
    }),
    now: options.now ?? TEST_NOW,
    channel: metaOf(state).channel,
  };
}

/** The same context (catalogue, clock, channel) over the state with `changes` applied. */
export function withChanges(ctx: DomainContext, changes: readonly Change[], now = ctx.now): DomainContext {
  const state = stateAfter(ctx.state, changes);
  return { ...ctx, state, meta: metaOf(state), now };
}

/** The ApiError a domain call throws; fails the test when it throws nothing or something else. */
export function catchApiError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
}

/** A registration of the test tour under mapping code `map` (put it in `registrations` to order). */
export function testRegistration(over: Partial<Registration> = {}): Registration {
  return {
    mappingCode: 'map',
    productCode: TEST_TOUR_CODE,
    family: 'tour',
    version: 1,
    mappingData: {},
    channelProductName: 'x',
    channelProductLink: 'x',
    channelProductId: 'x',
    registeredAt: '2026-03-01T00:00:00Z',
    ...over,
  };
}

/** An empty sandbox state (no catalogue needed): what the store and index tests open a channel with. */
export function blankState(channel = 'c1'): ChannelState {
  return emptyState({
    channel,
    catalogId: 'seed-1',
    anchorDate: '2026-01-01',
    clockOffsetMs: 0,
    createdAt: '2026-01-01T00:00:00Z',
  });
}
