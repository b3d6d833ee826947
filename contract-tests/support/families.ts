import type { AxCloudClient, AxCloudComponents, SimulatorComponents } from '../../client/index.ts';

/**
 * The two product families behind one interface, so a behaviour is written once and tested for both
 * (each test still names its own operationId). Every call goes through the validating contract client.
 */

type Schemas = AxCloudComponents['schemas'];
/** A product family, as its path segment (the control API's `Family`). */
export type FamilyName = SimulatorComponents['schemas']['Family'];
type Paged = { page?: number; page_size?: number };

/** An inventory entry of either family: day-ticket entries have no start time, no `is_order`, no minimum. */
export type InventoryEntry = Schemas['DayTicketInventoryEntry'] & Partial<Schemas['TourInventoryEntry']>;

/** A product detail of either family (their `contents` differ). */
export type ProductDetail = Schemas['TourProductDetail'] | Schemas['DayTicketProductDetail'];

export type CreatedOrder = Schemas['CreateOrderResponse']['data'];
export type CreatedLine = Schemas['CreatedAxOrder'];

export interface Family {
  name: FamilyName;
  /** The operationIds of this family, for messages and raw paths. */
  ops: {
    list: string;
    detail: string;
    register: string;
    updates: string;
    price: string;
    inventory: string;
    create: string;
    confirm: string;
    cancelOrder: string;
    cancelTicket: string;
    refund: string;
    review: string;
    question: string;
    answer: string;
  };
  /** The path segment: `tour` or `day-ticket`. */
  segment: string;
  listProducts(c: AxCloudClient, query?: Paged): Promise<{ status: number; codes: string[] }>;
  getProduct(c: AxCloudClient, productCode: string): Promise<ProductDetail>;
  register(
    c: AxCloudClient,
    productCode: string,
    body: Schemas['RegistrationRequest'],
  ): Promise<{ status: number; data: Schemas['RegistrationCreated']['data'] }>;
  updates(
    c: AxCloudClient,
    query?: Paged,
  ): Promise<{ status: number; data: Schemas['ProductUpdateList']['data'] }>;
  prices(c: AxCloudClient, productCode: string): Promise<Array<{ option_code: string }>>;
  inventory(c: AxCloudClient, productCode: string, query?: Paged): Promise<Record<string, InventoryEntry[]>>;
  createOrder(
    c: AxCloudClient,
    body: Schemas['CreateOrderRequest'],
  ): Promise<{ status: number; data: CreatedOrder }>;
  confirm(c: AxCloudClient, axOrderCode: string): Promise<Schemas['OrderConfirmResponse']['data']>;
  cancelOrder(
    c: AxCloudClient,
    axOrderCode: string,
    body: Schemas['CancelOrderRequest'],
  ): Promise<Schemas['CancelOrderResponse']['data']>;
  cancelTicket(
    c: AxCloudClient,
    axOrderCode: string,
    ticketCode: string,
    body: Schemas['CancelTicketRequest'],
  ): Promise<Schemas['CancelTicketResponse']['data']>;
  refund(
    c: AxCloudClient,
    axOrderCode: string,
    ticketCode: string,
  ): Promise<{ status: number; data: Schemas['RefundRecorded'] }>;
  review(
    c: AxCloudClient,
    productCode: string,
    input: { reviewCode: string; optionCode?: string; channelOrderCode?: string; score?: number | null },
  ): Promise<{ status: number; data: Schemas['ReviewCreated'] }>;
  question(
    c: AxCloudClient,
    productCode: string,
    body: Schemas['QuestionRequest'],
  ): Promise<{ status: number; data: Schemas['QuestionCreated'] }>;
  answer(
    c: AxCloudClient,
    productCode: string,
    questionCode: string,
  ): Promise<{ status: number; data: Schemas['AnswerResponse']['data'] }>;
}

/** The refund the channel reports in every refund test: the docs' own figures. */
const REFUND = {
  price: '2200',
  canceledAt: '2026-01-20 21:13:13',
  refundedAt: '2026-01-20 23:24:29',
  policy: { '0': '1', '50': '3', '100': '7' },
};

export const TOUR: Family = {
  name: 'tour',
  segment: 'tour',
  ops: {
    list: 'listTourProducts',
    detail: 'getTourProduct',
    register: 'registerTourProduct',
    updates: 'listTourProductUpdates',
    price: 'getTourPrice',
    inventory: 'getTourInventory',
    create: 'createTourOrder',
    confirm: 'getTourOrderConfirm',
    cancelOrder: 'cancelTourOrder',
    cancelTicket: 'cancelTourTicket',
    refund: 'refundTourTicket',
    review: 'createTourReview',
    question: 'createTourQuestion',
    answer: 'getTourAnswer',
  },
  async listProducts(c, query) {
    const { status, data } = await c.listTourProducts(query ? { query } : {});
    return { status, codes: data.products.map((p) => p.product_code) };
  },
  async getProduct(c, product_code) {
    return (await c.getTourProduct({ path: { product_code } })).data;
  },
  async register(c, product_code, body) {
    const { status, data } = await c.registerTourProduct({ path: { product_code }, body });
    return { status, data: data.data };
  },
  async updates(c, query) {
    const { status, data } = await c.listTourProductUpdates(query ? { query } : {});
    return { status, data: data.data };
  },
  async prices(c, product_code) {
    return (await c.getTourPrice({ path: { product_code } })).data.prices;
  },
  async inventory(c, product_code, query) {
    return (await c.getTourInventory({ path: { product_code }, ...(query && { query }) })).data.option_codes;
  },
  async createOrder(c, body) {
    const { status, data } = await c.createTourOrder({ body });
    return { status, data: data.data };
  },
  async confirm(c, ax_order_code) {
    return (await c.getTourOrderConfirm({ path: { ax_order_code } })).data.data;
  },
  async cancelOrder(c, ax_order_code, body) {
    return (await c.cancelTourOrder({ path: { ax_order_code }, body })).data.data;
  },
  async cancelTicket(c, ax_order_code, ticket_code, body) {
    return (await c.cancelTourTicket({ path: { ax_order_code, ticket_code }, body })).data.data;
  },
  async refund(c, ax_order_code, ticket_code) {
    const { status, data } = await c.refundTourTicket({
      path: { ax_order_code, ticket_code },
      body: {
        channel_refunded_price: REFUND.price,
        channel_canceled_at: REFUND.canceledAt,
        channel_refunded_at: REFUND.refundedAt,
        channel_policy: REFUND.policy,
      },
    });
    return { status, data };
  },
  async review(c, product_code, input) {
    const { status, data } = await c.createTourReview({
      path: { product_code },
      body: {
        review_code: input.reviewCode,
        ...(input.optionCode !== undefined && { option_code: input.optionCode }),
        score_type: 'ONE_FIVE_STAR',
        ...(input.score !== null && { score: input.score ?? 5 }),
        title: '가이드 칭찬합니다.',
        body: '친절한 가이드분 덕분에 즐거웠습니다.',
        reviewed_at: '2026-01-21 10:00',
      },
    });
    return { status, data };
  },
  async question(c, product_code, body) {
    const { status, data } = await c.createTourQuestion({ path: { product_code }, body });
    return { status, data };
  },
  async answer(c, product_code, question_code) {
    const { status, data } = await c.getTourAnswer({ path: { product_code, question_code } });
    return { status, data: data.data };
  },
};

export const DAY_TICKET: Family = {
  name: 'day-ticket',
  segment: 'day-ticket',
  ops: {
    list: 'listDayTicketProducts',
    detail: 'getDayTicketProduct',
    register: 'registerDayTicketProduct',
    updates: 'listDayTicketProductUpdates',
    price: 'getDayTicketPrice',
    inventory: 'getDayTicketInventory',
    create: 'createDayTicketOrder',
    confirm: 'getDayTicketOrderConfirm',
    cancelOrder: 'cancelDayTicketOrder',
    cancelTicket: 'cancelDayTicketTicket',
    refund: 'refundDayTicketTicket',
    review: 'createDayTicketReview',
    question: 'createDayTicketQuestion',
    answer: 'getDayTicketAnswer',
  },
  async listProducts(c, query) {
    const { status, data } = await c.listDayTicketProducts(query ? { query } : {});
    return { status, codes: data.products.map((p) => p.product_code) };
  },
  async getProduct(c, product_code) {
    return (await c.getDayTicketProduct({ path: { product_code } })).data;
  },
  async register(c, product_code, body) {
    const { status, data } = await c.registerDayTicketProduct({ path: { product_code }, body });
    return { status, data: data.data };
  },
  async updates(c, query) {
    const { status, data } = await c.listDayTicketProductUpdates(query ? { query } : {});
    return { status, data: data.data };
  },
  async prices(c, product_code) {
    return (await c.getDayTicketPrice({ path: { product_code } })).data.prices;
  },
  async inventory(c, product_code, query) {
    return (await c.getDayTicketInventory({ path: { product_code }, ...(query && { query }) })).data
      .option_codes;
  },
  async createOrder(c, body) {
    const { status, data } = await c.createDayTicketOrder({ body });
    return { status, data: data.data };
  },
  async confirm(c, ax_order_code) {
    return (await c.getDayTicketOrderConfirm({ path: { ax_order_code } })).data.data;
  },
  async cancelOrder(c, ax_order_code, body) {
    return (await c.cancelDayTicketOrder({ path: { ax_order_code }, body })).data.data;
  },
  async cancelTicket(c, ax_order_code, ticket_code, body) {
    return (await c.cancelDayTicketTicket({ path: { ax_order_code, ticket_code }, body })).data.data;
  },
  async refund(c, ax_order_code, ticket_code) {
    // The day-ticket page's own field names (the vendor's day-ticket refund page).
    const { status, data } = await c.refundDayTicketTicket({
      path: { ax_order_code, ticket_code },
      body: {
        price: REFUND.price,
        canceled_datetime: REFUND.canceledAt,
        refunded_datetime: REFUND.refundedAt,
        policy: REFUND.policy,
      },
    });
    return { status, data };
  },
  async review(c, product_code, input) {
    const { status, data } = await c.createDayTicketReview({
      path: { product_code },
      body: {
        ...(input.channelOrderCode !== undefined && { channel_order_code: input.channelOrderCode }),
        review_score_type: 'ONE_FIVE_STAR',
        ...(input.score !== null && { review_score: input.score ?? 100 }),
        title: '즐거운 경험이었습니다.',
        body: '친절한 안내 덕분에 즐거웠습니다.',
        reviewed_at: '2026-01-21T10:00:00.000Z',
        reviewer_info: { name: '홍길동', phone: '01012341234', email: 'traveler@example.com' },
      },
    });
    return { status, data };
  },
  async question(c, product_code, body) {
    const { status, data } = await c.createDayTicketQuestion({ path: { product_code }, body });
    return { status, data };
  },
  async answer(c, product_code, question_code) {
    const { status, data } = await c.getDayTicketAnswer({ path: { product_code, question_code } });
    return { status, data: data.data };
  },
};

export const FAMILIES = [TOUR, DAY_TICKET] as const;
