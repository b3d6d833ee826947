import { currentProduct, type DomainContext, type Outcome } from './context.ts';
import { apiError, notFound, shown } from './errors.ts';
import { stableHash, uuidFrom } from './ids.ts';
import { formatRfc3339, parseApiDateTime } from './time.ts';
import type { Family, Person, Product, Question, Review, ScoreType } from './types.ts';

/**
 * Reviews (V1/V2), questions (Q1) and answers (Q2, an invented placeholder; control API for the
 * supplier's side). The two review contracts differ (the vendor's two review pages): field names, which of
 * title/body is required, the score scale (tour raw, day-ticket 0–100) and review_code (tour only).
 */

export interface TourReviewInput {
  reviewCode: string;
  optionCode?: string | null;
  scoreType: string;
  score?: number | null;
  title: string;
  body?: string | null;
  reviewedAt: string;
}

export interface DayTicketReviewInput {
  channelOrderCode?: string | null;
  scoreType: string;
  score?: number | null;
  title?: string | null;
  body: string;
  reviewedAt: string;
  reviewer?: Person | null;
}

export type ReviewInput = TourReviewInput | DayTicketReviewInput;

export const SCORE_TYPES: readonly ScoreType[] = [
  'ONE_FIVE_STAR',
  'ZERO_FIVE_STAR',
  'GOOD_OR_BAD',
  'NO_SCORE',
];

/** The docs' examples send `ONE_FIVE` / `ZERO_FIVE` (a doc inconsistency; both are accepted). */
const SCORE_TYPE_ALIASES: Record<string, ScoreType> = {
  ONE_FIVE: 'ONE_FIVE_STAR',
  ZERO_FIVE: 'ZERO_FIVE_STAR',
};

export function normaliseScoreType(v: unknown): ScoreType | undefined {
  if (typeof v !== 'string') return undefined;
  if ((SCORE_TYPES as readonly string[]).includes(v)) return v as ScoreType;
  return SCORE_TYPE_ALIASES[v];
}

/** Score range per type: tour scores are raw on the chosen scale, day-ticket scores 0–100 normalised. */
export const TOUR_SCORE_RANGES: Record<Exclude<ScoreType, 'NO_SCORE'>, [number, number]> = {
  ONE_FIVE_STAR: [1, 5],
  ZERO_FIVE_STAR: [0, 5],
  GOOD_OR_BAD: [0, 1],
};
export const DAY_TICKET_SCORE_RANGE: [number, number] = [0, 100];

const REVIEW_FIELDS = {
  tour: { scoreType: 'score_type', score: 'score' },
  'day-ticket': { scoreType: 'review_score_type', score: 'review_score' },
} as const;

function productOf(ctx: DomainContext, family: Family, productCode: string): Product {
  const product = currentProduct(ctx, productCode);
  if (!product || product.family !== family) throw notFound();
  return product;
}

function checkOption(product: Product, optionCode: string | null | undefined): string | null {
  if (optionCode === undefined || optionCode === null) return null;
  if (!product.options.some((o) => o.code === optionCode)) {
    throw apiError('feedbackOptionUnknown', { optionCode, product: product.code });
  }
  return optionCode;
}

function parseWhen(value: string, field: string): string {
  const ms = typeof value === 'string' ? parseApiDateTime(value) : null;
  if (ms === null) {
    throw apiError('feedbackDateTimeInvalid', { field, value: String(JSON.stringify(value)) });
  }
  return formatRfc3339(ms);
}

function isBlank(v: string | null | undefined): boolean {
  return v === undefined || v === null || v.trim() === '';
}

function checkScore(family: Family, scoreType: ScoreType, score: number | null | undefined): number | null {
  const field = REVIEW_FIELDS[family].score;
  if (scoreType === 'NO_SCORE') {
    if (score === undefined || score === null) return null;
    throw apiError('scoreNotAllowed', { field, scoreType });
  }
  if (score === undefined || score === null) throw apiError('required', { field });
  const [min, max] = family === 'tour' ? TOUR_SCORE_RANGES[scoreType] : DAY_TICKET_SCORE_RANGE;
  if (typeof score !== 'number' || !Number.isInteger(score) || score < min || score > max) {
    const got = { field, min, max, score: String(JSON.stringify(score)) };
    throw family === 'tour'
      ? apiError('tourScoreOutOfRange', { ...got, scoreType })
      : apiError('dayTicketScoreOutOfRange', got);
  }
  return score;
}

/**
 * V1/V2. Tour reviews are keyed by the channel's review_code: repeating it with the same content is a
 * no-op, with different content a 400. Day-ticket reviews have no code; one is derived from the content,
 * so an identical retry is a no-op too.
 */
export function createReview(
  ctx: DomainContext,
  family: Family,
  productCode: string,
  input: ReviewInput,
): Outcome<Review> {
  const product = productOf(ctx, family, productCode);
  const fields = REVIEW_FIELDS[family];
  const scoreType = normaliseScoreType(input.scoreType);
  if (!scoreType) throw apiError('invalidChoice', { field: fields.scoreType, value: shown(input.scoreType) });
  const score = checkScore(family, scoreType, input.score);
  const reviewedAt = parseWhen(input.reviewedAt, 'reviewed_at');
  const title = input.title ?? null;
  const body = input.body ?? null;

  let reviewCode: string;
  let optionCode: string | null = null;
  let channelOrderCode: string | null = null;
  let reviewer: Person | null = null;
  if (family === 'tour') {
    const tour = input as TourReviewInput;
    if (isBlank(tour.reviewCode)) throw apiError('required', { field: 'review_code' });
    if (isBlank(tour.title)) throw apiError('required', { field: 'title' });
    optionCode = checkOption(product, tour.optionCode);
    reviewCode = tour.reviewCode;
  } else {
    const day = input as DayTicketReviewInput;
    if (isBlank(day.body)) throw apiError('required', { field: 'body' });
    channelOrderCode = day.channelOrderCode ?? null;
    reviewer = day.reviewer ?? null;
    reviewCode = uuidFrom('review', ctx.channel, productCode, stableHash(input));
  }

  const id = uuidFrom('review', ctx.channel, family, productCode, reviewCode);
  const review: Review = {
    id,
    family,
    productCode,
    reviewCode,
    optionCode,
    channelOrderCode,
    scoreType,
    score,
    title,
    body,
    reviewedAt,
    reviewer,
    receivedAt: formatRfc3339(ctx.now),
  };
  const existing = ctx.state.reviews[id];
  if (existing) {
    if (stableHash({ ...existing, receivedAt: '' }) === stableHash({ ...review, receivedAt: '' })) {
      return { result: existing, changes: [] };
    }
    throw apiError('reviewCodeReused', { code: reviewCode });
  }
  return { result: review, changes: [['reviews', id, review]] };
}

export interface QuestionInput {
  questionCode: string;
  optionCode?: string | null;
  title?: string | null;
  body?: string | null;
  isPublic: boolean;
  questedAt: string;
}

/**
 * Q1. A question per product, keyed by the channel's question_code, which must be unique in the
 * channel (a repeat is refused even with the same content). At least one of title/body must have text;
 * an explicit null is refused with DRF's message (the documented 400).
 */
export function createQuestion(
  ctx: DomainContext,
  family: Family,
  productCode: string,
  input: QuestionInput,
): Outcome<Question> {
  const product = productOf(ctx, family, productCode);
  if (input.body === null) throw apiError('notNull', { field: 'body' });
  if (input.title === null) throw apiError('notNull', { field: 'title' });
  if (isBlank(input.title) && isBlank(input.body)) throw apiError('required', { field: 'body' });
  if (isBlank(input.questionCode)) throw apiError('required', { field: 'question_code' });
  if (ctx.state.questions[input.questionCode]) {
    throw apiError('questionCodeReused', { code: input.questionCode });
  }
  const optionCode = checkOption(product, input.optionCode);
  const questedAt = parseWhen(input.questedAt, 'quested_at');
  const question: Question = {
    code: input.questionCode,
    family,
    productCode,
    optionCode,
    title: input.title ?? null,
    body: input.body ?? null,
    isPublic: input.isPublic,
    questedAt,
    receivedAt: formatRfc3339(ctx.now),
    answer: null,
  };
  return { result: question, changes: [['questions', question.code, question]] };
}

/** Q2 (invented placeholder): the question with its answer, if any. 404 unless asked about this product. */
export function getAnswer(
  ctx: DomainContext,
  family: Family,
  productCode: string,
  questionCode: string,
): Question {
  const question = ctx.state.questions[questionCode];
  if (!question || question.family !== family || question.productCode !== productCode) throw notFound();
  return question;
}

/** Control API: the supplier answers (or re-answers) a question. */
export function answerQuestion(ctx: DomainContext, questionCode: string, body: string): Outcome<Question> {
  const question = ctx.state.questions[questionCode];
  if (!question) throw notFound();
  if (typeof body !== 'string' || body.trim() === '') throw apiError('required', { field: 'body' });
  const answered: Question = { ...question, answer: { body, answeredAt: formatRfc3339(ctx.now) } };
  return { result: answered, changes: [['questions', questionCode, answered]] };
}
