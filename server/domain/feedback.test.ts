import { describe, expect, it } from 'vitest';
import { invalidChoice, MESSAGES } from './errors.ts';
import {
  answerQuestion,
  createQuestion,
  createReview,
  type DayTicketReviewInput,
  getAnswer,
  type QuestionInput,
  type TourReviewInput,
} from './feedback.ts';
import { stableHash, uuidFrom } from './ids.ts';
import {
  catchApiError as apiError,
  makeTestContext,
  TEST_DAY_TICKET_CODE,
  TEST_TICKET_ADULT,
  TEST_TOUR_ADULT,
  TEST_TOUR_CODE,
  withChanges,
} from './testing.ts';

function tourReview(over: Partial<TourReviewInput> = {}): TourReviewInput {
  return {
    reviewCode: 'rv-1',
    optionCode: TEST_TOUR_ADULT,
    scoreType: 'ONE_FIVE',
    score: 5,
    title: '가이드 칭찬합니다.',
    body: '친절한 가이드분 덕분에 즐거웠습니다.',
    reviewedAt: '2022-01-21 10:00:00.000',
    ...over,
  };
}

function dayReview(over: Partial<DayTicketReviewInput> = {}): DayTicketReviewInput {
  return {
    channelOrderCode: '090a9be0397',
    scoreType: 'ZERO_FIVE_STAR',
    score: 84,
    title: '즐거운 경험이었습니다.',
    body: '좋았습니다.',
    reviewedAt: '2022-01-21T10:00:00.000Z',
    reviewer: { name: '홍길동' },
    ...over,
  };
}

describe('createReview — tour', () => {
  it('stores the review with canonical score type and RFC 3339 time', () => {
    const ctx = makeTestContext();
    const { result, changes } = createReview(ctx, 'tour', TEST_TOUR_CODE, tourReview());
    const id = uuidFrom('review', 'test-channel', 'tour', TEST_TOUR_CODE, 'rv-1');
    expect(result).toEqual({
      id,
      family: 'tour',
      productCode: TEST_TOUR_CODE,
      reviewCode: 'rv-1',
      optionCode: TEST_TOUR_ADULT,
      channelOrderCode: null,
      scoreType: 'ONE_FIVE_STAR',
      score: 5,
      title: '가이드 칭찬합니다.',
      body: '친절한 가이드분 덕분에 즐거웠습니다.',
      reviewedAt: '2022-01-21T10:00:00Z',
      reviewer: null,
      receivedAt: '2026-03-01T00:00:00Z',
    });
    expect(changes).toEqual([['reviews', id, result]]);
  });

  it('is idempotent for the same review_code and content, 400 for different content', () => {
    const ctx = makeTestContext();
    const first = createReview(ctx, 'tour', TEST_TOUR_CODE, tourReview());
    const later = { ...withChanges(ctx, first.changes), now: ctx.now + 5000 };
    const again = createReview(later, 'tour', TEST_TOUR_CODE, tourReview({ scoreType: 'ONE_FIVE_STAR' }));
    expect(again.changes).toEqual([]);
    expect(again.result).toEqual(first.result);
    const e = apiError(() => createReview(later, 'tour', TEST_TOUR_CODE, tourReview({ score: 4 })));
    expect(Object.keys(e.body)).toEqual(['review_code']);
    // Same code for another product is another review.
    const other = withChanges(ctx, first.changes);
    expect(() =>
      createReview(other, 'tour', TEST_TOUR_CODE, tourReview({ reviewCode: 'rv-2' })),
    ).not.toThrow();
  });

  it('404 for an unknown product or a product of the other family', () => {
    const ctx = makeTestContext();
    expect(apiError(() => createReview(ctx, 'tour', 'nope', tourReview())).body).toEqual({
      detail: MESSAGES.notFound,
    });
    expect(apiError(() => createReview(ctx, 'tour', TEST_DAY_TICKET_CODE, tourReview())).status).toBe(404);
  });

  it.each([
    ['ONE_FIVE_STAR', 1, true],
    ['ONE_FIVE_STAR', 5, true],
    ['ONE_FIVE_STAR', 0, false],
    ['ONE_FIVE_STAR', 6, false],
    ['ONE_FIVE_STAR', 4.5, false],
    ['ZERO_FIVE_STAR', 0, true],
    ['ZERO_FIVE', 5, true],
    ['ZERO_FIVE_STAR', 6, false],
    ['GOOD_OR_BAD', 0, true],
    ['GOOD_OR_BAD', 1, true],
    ['GOOD_OR_BAD', 2, false],
    ['NO_SCORE', null, true],
    ['NO_SCORE', undefined, true],
    ['NO_SCORE', 3, false],
  ] as const)('%s with score %s: ok=%s', (scoreType, score, ok) => {
    const run = () =>
      createReview(makeTestContext(), 'tour', TEST_TOUR_CODE, tourReview({ scoreType, score }));
    if (ok) expect(run().result.score).toBe(score ?? null);
    else expect(Object.keys(apiError(run).body)).toEqual(['score']);
  });

  it('400 score required unless NO_SCORE', () => {
    const e = apiError(() =>
      createReview(makeTestContext(), 'tour', TEST_TOUR_CODE, tourReview({ score: undefined })),
    );
    expect(e.body).toEqual({ score: [MESSAGES.required] });
  });

  it('400 for an unknown score type', () => {
    const e = apiError(() =>
      createReview(makeTestContext(), 'tour', TEST_TOUR_CODE, tourReview({ scoreType: 'TEN' })),
    );
    expect(e.body).toEqual({ score_type: [invalidChoice('TEN')] });
  });

  it('400 for an option of another product, a bad reviewed_at, a missing title or review_code', () => {
    const ctx = makeTestContext();
    const cases: Array<[Partial<TourReviewInput>, string]> = [
      [{ optionCode: TEST_TICKET_ADULT }, 'option_code'],
      [{ reviewedAt: '21/01/2022' }, 'reviewed_at'],
      [{ title: '' }, 'title'],
      [{ reviewCode: '' }, 'review_code'],
    ];
    for (const [over, field] of cases) {
      expect(
        Object.keys(apiError(() => createReview(ctx, 'tour', TEST_TOUR_CODE, tourReview(over))).body),
      ).toEqual([field]);
    }
  });

  it('accepts a review without option or body', () => {
    const { result } = createReview(
      makeTestContext(),
      'tour',
      TEST_TOUR_CODE,
      tourReview({ optionCode: undefined, body: undefined }),
    );
    expect(result).toMatchObject({ optionCode: null, body: null });
  });
});

describe('createReview — day-ticket', () => {
  it('derives the review code from the content; an identical retry is a no-op', () => {
    const ctx = makeTestContext();
    const input = dayReview();
    const { result, changes } = createReview(ctx, 'day-ticket', TEST_DAY_TICKET_CODE, input);
    const reviewCode = uuidFrom('review', 'test-channel', TEST_DAY_TICKET_CODE, stableHash(input));
    expect(result).toMatchObject({
      reviewCode,
      id: uuidFrom('review', 'test-channel', 'day-ticket', TEST_DAY_TICKET_CODE, reviewCode),
      channelOrderCode: '090a9be0397',
      reviewer: { name: '홍길동' },
      optionCode: null,
      score: 84,
      scoreType: 'ZERO_FIVE_STAR',
    });
    expect(changes).toHaveLength(1);
    const again = createReview(withChanges(ctx, changes), 'day-ticket', TEST_DAY_TICKET_CODE, dayReview());
    expect(again.changes).toEqual([]);
    const other = createReview(
      withChanges(ctx, changes),
      'day-ticket',
      TEST_DAY_TICKET_CODE,
      dayReview({ body: '별로' }),
    );
    expect(other.result.id).not.toBe(result.id);
    expect(other.changes).toHaveLength(1);
  });

  it.each([
    ['ONE_FIVE_STAR', 0, true],
    ['ONE_FIVE_STAR', 100, true],
    ['GOOD_OR_BAD', 100, true],
    ['ZERO_FIVE_STAR', 101, false],
    ['ZERO_FIVE_STAR', -1, false],
    ['NO_SCORE', 50, false],
  ] as const)('%s with review_score %s: ok=%s', (scoreType, score, ok) => {
    const run = () =>
      createReview(makeTestContext(), 'day-ticket', TEST_DAY_TICKET_CODE, dayReview({ scoreType, score }));
    if (ok) expect(run().result.score).toBe(score);
    else expect(Object.keys(apiError(run).body)).toEqual(['review_score']);
  });

  it('names the day-ticket fields in errors', () => {
    const ctx = makeTestContext();
    expect(
      apiError(() => createReview(ctx, 'day-ticket', TEST_DAY_TICKET_CODE, dayReview({ score: null }))).body,
    ).toEqual({
      review_score: [MESSAGES.required],
    });
    expect(
      Object.keys(
        apiError(() => createReview(ctx, 'day-ticket', TEST_DAY_TICKET_CODE, dayReview({ scoreType: 'X' })))
          .body,
      ),
    ).toEqual(['review_score_type']);
    expect(
      Object.keys(
        apiError(() => createReview(ctx, 'day-ticket', TEST_DAY_TICKET_CODE, dayReview({ body: ' ' }))).body,
      ),
    ).toEqual(['body']);
    expect(apiError(() => createReview(ctx, 'day-ticket', TEST_TOUR_CODE, dayReview())).status).toBe(404);
  });
});

// ---------------------------------------------------------------------------------------------------
// Questions and answers

function question(over: Partial<QuestionInput> = {}): QuestionInput {
  return {
    questionCode: 'q-1',
    optionCode: TEST_TOUR_ADULT,
    title: '집합 장소',
    body: '어디서 만나나요?',
    isPublic: true,
    questedAt: '2026-02-28 10:00',
    ...over,
  };
}

describe('createQuestion', () => {
  it('stores the question, unanswered', () => {
    const ctx = makeTestContext();
    const { result, changes } = createQuestion(ctx, 'tour', TEST_TOUR_CODE, question());
    expect(result).toEqual({
      code: 'q-1',
      family: 'tour',
      productCode: TEST_TOUR_CODE,
      optionCode: TEST_TOUR_ADULT,
      title: '집합 장소',
      body: '어디서 만나나요?',
      isPublic: true,
      questedAt: '2026-02-28T10:00:00Z',
      receivedAt: '2026-03-01T00:00:00Z',
      answer: null,
    });
    expect(changes).toEqual([['questions', 'q-1', result]]);
  });

  it('accepts a title alone or a body alone', () => {
    const ctx = makeTestContext();
    expect(createQuestion(ctx, 'tour', TEST_TOUR_CODE, question({ body: undefined })).result.body).toBeNull();
    expect(
      createQuestion(ctx, 'tour', TEST_TOUR_CODE, question({ title: undefined })).result.title,
    ).toBeNull();
  });

  it.each([
    [{ body: null }, { body: [MESSAGES.notNull] }],
    [{ title: null }, { title: [MESSAGES.notNull] }],
    [{ title: '', body: undefined }, { body: [MESSAGES.required] }],
    [{ title: undefined, body: '  ' }, { body: [MESSAGES.required] }],
  ] as Array<[Partial<QuestionInput>, object]>)('400 for %j', (over, body) => {
    expect(
      apiError(() => createQuestion(makeTestContext(), 'tour', TEST_TOUR_CODE, question(over))).body,
    ).toEqual(body);
  });

  it('400 for a repeated question_code, even with the same content', () => {
    const ctx = makeTestContext();
    const first = createQuestion(ctx, 'tour', TEST_TOUR_CODE, question());
    const e = apiError(() =>
      createQuestion(withChanges(ctx, first.changes), 'tour', TEST_TOUR_CODE, question()),
    );
    expect(Object.keys(e.body)).toEqual(['question_code']);
  });

  it('400 for an option of another product or a bad quested_at; 404 for an unknown product', () => {
    const ctx = makeTestContext();
    expect(
      Object.keys(
        apiError(() => createQuestion(ctx, 'tour', TEST_TOUR_CODE, question({ optionCode: 'x' }))).body,
      ),
    ).toEqual(['option_code']);
    expect(
      Object.keys(
        apiError(() =>
          createQuestion(ctx, 'tour', TEST_TOUR_CODE, question({ questedAt: '2026-02-30 10:00' })),
        ).body,
      ),
    ).toEqual(['quested_at']);
    expect(apiError(() => createQuestion(ctx, 'tour', 'nope', question())).status).toBe(404);
    expect(apiError(() => createQuestion(ctx, 'tour', TEST_DAY_TICKET_CODE, question())).status).toBe(404);
  });
});

describe('answers', () => {
  const asked = () => {
    const ctx = makeTestContext();
    return withChanges(ctx, createQuestion(ctx, 'tour', TEST_TOUR_CODE, question()).changes);
  };

  it('getAnswer: the question, unanswered at first; 404 for another product or family', () => {
    const ctx = asked();
    expect(getAnswer(ctx, 'tour', TEST_TOUR_CODE, 'q-1').answer).toBeNull();
    expect(apiError(() => getAnswer(ctx, 'tour', TEST_DAY_TICKET_CODE, 'q-1')).status).toBe(404);
    expect(apiError(() => getAnswer(ctx, 'day-ticket', TEST_TOUR_CODE, 'q-1')).status).toBe(404);
    expect(apiError(() => getAnswer(ctx, 'tour', TEST_TOUR_CODE, 'q-2')).status).toBe(404);
  });

  it('answerQuestion sets, then replaces, the answer', () => {
    let ctx = asked();
    ctx = withChanges(ctx, answerQuestion(ctx, 'q-1', '광장 분수 앞입니다.').changes, ctx.now + 60_000);
    expect(getAnswer(ctx, 'tour', TEST_TOUR_CODE, 'q-1').answer).toEqual({
      body: '광장 분수 앞입니다.',
      answeredAt: '2026-03-01T00:00:00Z',
    });
    ctx = withChanges(ctx, answerQuestion(ctx, 'q-1', '변경: 역 앞입니다.').changes);
    expect(getAnswer(ctx, 'tour', TEST_TOUR_CODE, 'q-1').answer).toEqual({
      body: '변경: 역 앞입니다.',
      answeredAt: '2026-03-01T00:01:00Z',
    });
  });

  it('answerQuestion: 404 unknown, 400 empty body', () => {
    const ctx = asked();
    expect(apiError(() => answerQuestion(ctx, 'q-9', 'x')).status).toBe(404);
    expect(apiError(() => answerQuestion(ctx, 'q-1', ' ')).body).toEqual({ body: [MESSAGES.required] });
  });
});
