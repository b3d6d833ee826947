import { createQuestion, createReview, getAnswer } from '../domain/feedback.ts';
import type { Question } from '../domain/types.ts';
import { forBothFamilies, type HandlerTable, partsOf } from './routes.ts';

/** Reviews, questions and answers (V1–V2, Q1–Q2). */

type Code = { product_code: string };

export const feedbackHandlers: HandlerTable = {
  createTourReview: async (request, sim) => {
    const { params, body } = partsOf<Code>(request);
    const review = await sim.run(request.channel.code, (ctx) =>
      createReview(ctx, 'tour', params.product_code, {
        reviewCode: body.review_code as string,
        optionCode: body.option_code as string | undefined,
        scoreType: body.score_type as string,
        score: body.score as number | undefined,
        title: body.title as string,
        body: body.body as string | undefined,
        reviewedAt: body.reviewed_at as string,
      }),
    );
    return { status: 201, body: { status_code: 201, review_code: review.reviewCode } };
  },

  createDayTicketReview: async (request, sim) => {
    const { params, body } = partsOf<Code>(request);
    const review = await sim.run(request.channel.code, (ctx) =>
      createReview(ctx, 'day-ticket', params.product_code, {
        channelOrderCode: body.channel_order_code as string | undefined,
        scoreType: body.review_score_type as string,
        score: body.review_score as number | undefined,
        title: body.title as string | undefined,
        body: body.body as string,
        reviewedAt: body.reviewed_at as string,
        reviewer: body.reviewer_info as Record<string, unknown> | undefined,
      }),
    );
    return { status: 201, body: { status_code: 201, review_code: review.reviewCode } };
  },

  ...forBothFamilies(
    (f) => `create${f}Question`,
    (family) => async (request, sim) => {
      const { params, body } = partsOf<Code>(request);
      const question = await sim.run(request.channel.code, (ctx) =>
        createQuestion(ctx, family, params.product_code, {
          questionCode: body.question_code as string,
          optionCode: body.option_code as string | undefined,
          title: body.title as string | null | undefined,
          body: body.body as string | null | undefined,
          isPublic: body.is_public as boolean,
          questedAt: body.quested_at as string,
        }),
      );
      return { status: 201, body: { status_code: 201, question_code: question.code } };
    },
  ),

  ...forBothFamilies(
    (f) => `get${f}Answer`,
    (family) => async (request, sim) => {
      const { params } = partsOf<Code & { question_code: string }>(request);
      const question = await sim.read(request.channel.code, (ctx) =>
        getAnswer(ctx, family, params.product_code, params.question_code),
      );
      return { body: { status_code: 200, data: answerOf(question) } };
    },
  ),
};

export function answerOf(question: Question) {
  return {
    question_code: question.code,
    is_answered: question.answer !== null,
    answer: question.answer && { body: question.answer.body, answered_at: question.answer.answeredAt },
  };
}
