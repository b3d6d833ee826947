import { randomUUID } from 'node:crypto';
import { describe, expect, it, type TestContext } from 'vitest';
import { DAY_TICKET, type Family, TOUR } from './support/families.ts';
import { operationById } from './support/spec.ts';
import {
  client,
  expectVendorError,
  MESSAGES,
  needsControl,
  needsSimulatorEndpoint,
  needsWrites,
  rejection,
  unknownCode,
} from './support/world.ts';

/**
 * Questions (Q1) and answers. The vendor documents question creation for tours only; the day-ticket
 * question and both Get Answer endpoints are ax-cloud-sim's own (openapi/ax-cloud.yaml says so), so they
 * are asserted only against a simulator.
 */

/** The vendor-documented operations of this file run everywhere; the simulator's own only on one. */
function gate(ctx: TestContext, family: Family, operationId: string) {
  if (family.name === 'day-ticket' || operationId === family.ops.answer)
    needsSimulatorEndpoint(ctx, operationId);
}

const question = (overrides: Record<string, unknown> = {}) => ({
  question_code: randomUUID(),
  title: '픽업 장소 문의',
  body: '호텔 픽업이 가능한가요?',
  is_public: true,
  quested_at: '2026-01-21 10:00',
  ...overrides,
});

async function firstProduct(family: Family) {
  const { codes } = await family.listProducts(client, { page: 1, page_size: 1 });
  return codes[0]!;
}

async function createsQuestion(ctx: TestContext, family: Family) {
  gate(ctx, family, family.ops.question);
  needsWrites(ctx);
  const body = question();
  const { status, data } = await family.question(client, await firstProduct(family), body);
  expect(status).toBe(201);
  expect(data.question_code).toBe(body.question_code);
}

async function refusesNullBody(ctx: TestContext, family: Family) {
  gate(ctx, family, family.ops.question);
  const path = operationById(family.ops.question)!.path.replace('{product_code}', await firstProduct(family));
  const answer = await client.raw('POST', path, { body: question({ body: null }) });
  expect(answer.status, answer.rawBody).toBe(400);
  expect(answer.data).toEqual({ body: [MESSAGES.notNull] });
}

async function refusesRepeatedCode(ctx: TestContext, family: Family) {
  gate(ctx, family, family.ops.question);
  needsWrites(ctx);
  const productCode = await firstProduct(family);
  const body = question();
  await family.question(client, productCode, body);
  await rejection(family.question(client, productCode, { ...body, title: '다른 질문' }), 400);
}

async function unknownProduct(ctx: TestContext, family: Family) {
  gate(ctx, family, family.ops.question);
  await expectVendorError(family.question(client, unknownCode(), question()), 404, MESSAGES.notFound);
}

async function unansweredThenAnswered(ctx: TestContext, family: Family) {
  gate(ctx, family, family.ops.answer);
  needsWrites(ctx);
  const productCode = await firstProduct(family);
  const body = question();
  await family.question(client, productCode, body);
  const before = await family.answer(client, productCode, body.question_code);
  expect(before.data).toEqual({ question_code: body.question_code, is_answered: false, answer: null });

  needsControl(ctx);
  await client.answerQuestion({
    path: { question_code: body.question_code },
    body: { body: '네, 시내 호텔은 픽업 가능합니다.' },
  });
  const after = await family.answer(client, productCode, body.question_code);
  expect(after.data).toMatchObject({
    question_code: body.question_code,
    is_answered: true,
    answer: { body: '네, 시내 호텔은 픽업 가능합니다.' },
  });
}

async function unknownQuestion(ctx: TestContext, family: Family) {
  gate(ctx, family, family.ops.answer);
  await expectVendorError(
    family.answer(client, await firstProduct(family), unknownCode()),
    404,
    MESSAGES.notFound,
  );
}

describe('tour questions', () => {
  it('createTourQuestion › 201 echoing the channel’s question_code', (ctx) => createsQuestion(ctx, TOUR));
  it('createTourQuestion › 400 {"body": ["이 필드는 null일 수 없습니다."]} for "body": null', (ctx) =>
    refusesNullBody(ctx, TOUR));
  it('createTourQuestion › 400 for a question_code already used', (ctx) => refusesRepeatedCode(ctx, TOUR));
  it('createTourQuestion › 404 찾을 수 없습니다. for an unknown product', (ctx) => unknownProduct(ctx, TOUR));
  it('getTourAnswer › unanswered, then the supplier’s answer (answerQuestion)', (ctx) =>
    unansweredThenAnswered(ctx, TOUR));
  it('getTourAnswer › 404 찾을 수 없습니다. for an unknown question', (ctx) => unknownQuestion(ctx, TOUR));
});

describe('day-ticket questions', () => {
  it('createDayTicketQuestion › 201 echoing the channel’s question_code', (ctx) =>
    createsQuestion(ctx, DAY_TICKET));
  it('createDayTicketQuestion › 400 {"body": ["이 필드는 null일 수 없습니다."]} for "body": null', (ctx) =>
    refusesNullBody(ctx, DAY_TICKET));
  it('createDayTicketQuestion › 400 for a question_code already used', (ctx) =>
    refusesRepeatedCode(ctx, DAY_TICKET));
  it('createDayTicketQuestion › 404 찾을 수 없습니다. for an unknown product', (ctx) =>
    unknownProduct(ctx, DAY_TICKET));
  it('getDayTicketAnswer › unanswered, then the supplier’s answer (answerQuestion)', (ctx) =>
    unansweredThenAnswered(ctx, DAY_TICKET));
  it('getDayTicketAnswer › 404 찾을 수 없습니다. for an unknown question', (ctx) =>
    unknownQuestion(ctx, DAY_TICKET));
});
