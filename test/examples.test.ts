import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorSpecs } from '../server/app.ts';
import { type Running, startSimulator } from './support/sandbox.ts';

/**
 * examples/ cannot rot: the flow script the README points at runs against a started simulator for both
 * families and every step must answer its documented status; and every write operation of the channel
 * API (and every control call with a body) has its request body there.
 */

const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url));
const run = promisify(execFile);

/** operationId → the example body file (`<family>/<file>` for both families). */
const BODY_FILES: Record<string, string> = {
  registerTourProduct: 'tour/register.json',
  registerDayTicketProduct: 'day-ticket/register.json',
  createTourOrder: 'tour/order.json',
  createDayTicketOrder: 'day-ticket/order.json',
  cancelTourOrder: 'tour/cancel-order.json',
  cancelDayTicketOrder: 'day-ticket/cancel-order.json',
  cancelTourTicket: 'tour/cancel-ticket.json',
  cancelDayTicketTicket: 'day-ticket/cancel-ticket.json',
  refundTourTicket: 'tour/refund.json',
  refundDayTicketTicket: 'day-ticket/refund.json',
  createTourReview: 'tour/review.json',
  createDayTicketReview: 'day-ticket/review.json',
  createTourQuestion: 'tour/question.json',
  createDayTicketQuestion: 'day-ticket/question.json',
  advanceClock: 'control/advance-clock.json',
  actAsSupplierOnOrder: 'control/supplier-confirm.json',
  actAsSupplierOnTicket: 'control/ticket-use.json',
  answerQuestion: 'control/answer.json',
  publishProductVersion: 'control/product-version.json',
  putFaults: 'control/faults.json',
  seedWorld: 'control/world.json',
};

let sim: Running;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
});

describe('examples/', () => {
  it('holds a request body for every write operation of both families and the control calls', () => {
    const { axCloud, simulator } = simulatorSpecs();
    const writes = [...axCloud.operations, ...simulator.operations].filter(
      // importState's body is a whole exported sandbox (GET /__sim/state), not something to write by hand.
      (op) => op.method !== 'GET' && op.body !== undefined && op.operationId !== 'importState',
    );
    expect(writes.length).toBeGreaterThanOrEqual(14);
    for (const op of writes) {
      expect(BODY_FILES[op.operationId], op.operationId).toBeDefined();
      expect(existsSync(`${EXAMPLES}${BODY_FILES[op.operationId]}`), BODY_FILES[op.operationId]).toBe(true);
    }
  });

  it.each(['tour', 'day-ticket'])(
    'flow.mjs runs the whole %s flow, every step answered as documented',
    async (family) => {
      const { stdout } = await run(process.execPath, [
        `${EXAMPLES}flow.mjs`,
        '--base-url',
        sim.baseUrl,
        '--family',
        family,
      ]);
      const steps = stdout
        .split('\n')
        .map((line) => /^\s*\d+\. (✓|✗) (\d{3}) (\w+) (\S+)/.exec(line))
        .filter((m) => m !== null)
        .map(
          (m) =>
            `${m[1]} ${m[2]} ${m[3]} ${m[4]!.replace(/[0-9a-f-]{36}|question-\w+/g, ':id').replace(/\?.*/, '')}`,
        );
      const f = family;
      expect(steps).toEqual([
        `✓ 200 GET /v1/channel/products/${f}/:id`,
        `✓ 201 POST /v1/channel/products/${f}/registration/:id`,
        `✓ 200 GET /v1/channel/price/${f}/:id`,
        `✓ 200 GET /v1/channel/inventory/${f}/:id`,
        `✓ 201 POST /v1/channel/orders/${f}`,
        '✓ 200 POST /__sim/orders/:id/supplier',
        `✓ 200 GET /v1/channel/orders/${f}/:id`,
        `✓ 200 PATCH /v1/channel/orders/${f}/:id/tickets/:id`,
        `✓ 200 POST /v1/channel/orders/${f}/:id/tickets/:id/refund`,
        `✓ 200 PATCH /v1/channel/orders/${f}/:id`,
        `✓ 201 POST /v1/channel/review/${f}/:id`,
        `✓ 201 POST /v1/channel/question/${f}/:id`,
        '✓ 200 POST /__sim/questions/:id/answer',
        `✓ 200 GET /v1/channel/question/${f}/:id/:id`,
      ]);
      expect(stdout).toContain(`${family} flow: all 14 steps answered as documented.`);
    },
    60_000,
  );

  it('flow.mjs fails, naming the step, when an answer is not the documented one', async () => {
    const failed = await run(process.execPath, [
      `${EXAMPLES}flow.mjs`,
      '--base-url',
      sim.baseUrl,
      '--api-key',
      'wrong',
    ]).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stdout: string }).stdout).toMatch(/1\. ✗ 403 GET \/v1\/channel\/products\/tour\//);
    expect((failed as { stderr: string }).stderr).toContain('expected 200, got 403');
  });
});
