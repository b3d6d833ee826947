import type { operations } from '../../client/generated/ax-cloud.ts';
import { createQuestion, createReview, getAnswer } from '../domain/feedback.ts';
import type { Family, Question } from '../domain/types.ts';
import type { Handler, Handlers } from './routes.ts';

/** Reviews, questions and answers (V1–V2, Q1–Q2). */

type Ops = operations;
type Twins<Tour extends keyof Ops, DayTicket extends keyof Ops> = Handler<Ops[Tour] | Ops[DayTicket]>;

/** Q1: the channel forwards a traveller's question. */
const createQuestionOf =
  (family: Family): Twins<'createTourQuestion', 'createDayTicketQuestion'> =>
  async (request, sim) => {
    const { params, body } = request;
    const question = await sim.run(request.channel.code, (ctx) =>
      createQuestion(ctx, family, params.product_code, {
        questionCode: body.question_code,
        optionCode: body.option_code,
        title: body.title,
        body: body.body,
        isPublic: body.is_public,
        questedAt: body.quested_at,
      }),
    );
    return { status: 201, body: { status_code: 201, question_code: question.code } };
  };

/** Q2: the supplier's answer to a question, if any. */
const getAnswerOf =
  (family: Family): Twins<'getTourAnswer', 'getDayTicketAnswer'> =>
  async (request, sim) => {
    const { params } = request;
    const question = await sim.read(request.channel.code, (ctx) =>
      getAnswer(ctx, family, params.product_code, params.question_code),
    );
    return { body: { status_code: 200, data: answerOf(question) } };
  };

export const feedbackHandlers = {
  createTourReview: async (request, sim) => {
    const { params, body } = request;
    const review = await sim.run(request.channel.code, (ctx) =>
      createReview(ctx, 'tour', params.product_code, {
        reviewCode: body.review_code,
        optionCode: body.option_code,
        scoreType: body.score_type,
        score: body.score,
        title: body.title,
        body: body.body,
        reviewedAt: body.reviewed_at,
      }),
    );
    return { status: 201, body: { status_code: 201, review_code: review.reviewCode } };
  },

  createDayTicketReview: async (request, sim) => {
    const { params, body } = request;
    const review = await sim.run(request.channel.code, (ctx) =>
      createReview(ctx, 'day-ticket', params.product_code, {
        channelOrderCode: body.channel_order_code,
        scoreType: body.review_score_type,
        score: body.review_score,
        title: body.title,
        body: body.body,
        reviewedAt: body.reviewed_at,
        reviewer: body.reviewer_info,
      }),
    );
    return { status: 201, body: { status_code: 201, review_code: review.reviewCode } };
  },

  createTourQuestion: createQuestionOf('tour'),
  createDayTicketQuestion: createQuestionOf('day-ticket'),
  getTourAnswer: getAnswerOf('tour'),
  getDayTicketAnswer: getAnswerOf('day-ticket'),
} satisfies Partial<Handlers<Ops>>;

export function answerOf(question: Question) {
  return {
    question_code: question.code,
    is_answered: question.answer !== null,
    answer: question.answer && { body: question.answer.body, answered_at: question.answer.answeredAt },
  };
}
