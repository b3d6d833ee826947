import { randomUUID } from 'node:crypto';
import { describe, expect, it, type TestContext } from 'vitest';
import { DAY_TICKET, type Family, TOUR } from './support/families.ts';
import {
  client,
  expectFieldError,
  expectVendorError,
  MESSAGES,
  needsWrites,
  placeOrder,
  rejection,
  unknownCode,
} from './support/world.ts';

/** Reviews (V1/V2): created for a product the channel sold; score rules; unknown product. */

async function createsReview(ctx: TestContext, family: Family) {
  needsWrites(ctx);
  const placed = await placeOrder(family, 1);
  const reviewCode = randomUUID();
  const { status, data } = await family.review(client, placed.choice.productCode, {
    reviewCode,
    optionCode: placed.choice.optionCode,
    channelOrderCode: placed.order.channel_order_code,
  });
  expect(status).toBe(201);
  expect(data.review_code.length).toBeGreaterThan(0);
  if (family.name === 'tour') expect(data.review_code, 'the tour review_code is echoed').toBe(reviewCode);
}

async function needsScore(family: Family) {
  const { codes } = await family.listProducts(client, { page: 1, page_size: 1 });
  const error = await rejection(
    family.review(client, codes[0]!, { reviewCode: randomUUID(), score: null }),
    400,
  );
  expectFieldError(error.body, family.name === 'tour' ? 'score' : 'review_score');
}

const unknownProduct = (family: Family) =>
  expectVendorError(
    family.review(client, unknownCode(), { reviewCode: randomUUID() }),
    404,
    MESSAGES.notFound,
  );

describe('tour reviews', () => {
  it('createTourReview › 201 echoing the channel’s review_code', (ctx) => createsReview(ctx, TOUR));
  it('createTourReview › 400 on score for a scored scale without a score', () => needsScore(TOUR));
  it('createTourReview › 404 찾을 수 없습니다. for an unknown product', () => unknownProduct(TOUR));
});

describe('day-ticket reviews', () => {
  it('createDayTicketReview › 201 with a review_code', (ctx) => createsReview(ctx, DAY_TICKET));
  it('createDayTicketReview › 400 on review_score for a scored scale without a score', () =>
    needsScore(DAY_TICKET));
  it('createDayTicketReview › 404 찾을 수 없습니다. for an unknown product', () =>
    unknownProduct(DAY_TICKET));
});
