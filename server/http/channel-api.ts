import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { operations } from '../../client/generated/ax-cloud.ts';
import type { Sandboxes } from '../sandbox.ts';
import { authenticate } from './auth.ts';
import type { ChannelTools } from './control.ts';
import { answerError } from './errors.ts';
import type { FaultRules } from './faults.ts';
import { feedbackHandlers } from './feedback.ts';
import { orderHandlers } from './orders.ts';
import { productHandlers } from './products.ts';
import { type Handlers, registerOperations } from './routes.ts';
import type { LoadedSpec } from './spec.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** `performance.now()` when the channel API took the request: its journal entry's duration. */
    receivedAt: number;
  }
}

export interface ChannelApiOptions {
  sim: Sandboxes;
  /** openapi/ax-cloud.yaml, read. */
  spec: LoadedSpec;
  tools: (channel: string) => ChannelTools;
  /** Runs the rest of each request in the store's request scope (PostgreSQL: one sync per request). */
  enter?: (next: () => void) => void;
}

/** The channel API's handler table: every operation of openapi/ax-cloud.yaml, by operationId. */
export function channelHandlers(): Handlers<operations> {
  return { ...productHandlers, ...orderHandlers, ...feedbackHandlers } satisfies Handlers<operations>;
}

/**
 * The vendor's API (`/v1/channel/…`), as an encapsulated plugin with the hooks only it has: every
 * request authenticated by its channel's key, the channel's fault rules applied, and the request and
 * its answer kept in the channel's request journal.
 */
export async function channelApi(app: FastifyInstance, options: ChannelApiOptions): Promise<void> {
  const { sim, tools, enter } = options;
  if (enter) app.addHook('onRequest', (_request, _reply, done) => enter(done));

  // The hooks take callbacks rather than returning promises: on a read they finish synchronously, and
  // every promise and microtask saved counts on a path that answers in tens of microseconds.
  // Where this process alone changes the state, a read answered before is answered again here, once
  // the fault rules let the request through (sendKept); on a shared store every request syncs first.
  const local = enter === undefined;
  app.decorateRequest('receivedAt', 0);
  app.addHook('onRequest', (request, reply, done) => {
    request.receivedAt = performance.now();
    authenticate(sim, request);
    const { shared, faults } = tools(request.channel.code);
    if (shared !== undefined) {
      shared.refresh(request.method).then(() => applyFault(faults, request, reply, done), done);
    } else if (!local) {
      applyFault(faults, request, reply, done);
    } else if (faults.size > 0) {
      applyFault(faults, request, reply, () => sendKept(sim, request, reply) || done());
    } else if (!sendKept(sim, request, reply)) {
      done();
    }
  });

  // The journal is written as the answer is handed to Node, with the bytes about to be sent. (Not on
  // `onResponse`: with an onResponse hook Fastify sets up listeners on every answer to call it.)
  app.addHook('onSend', (request, reply, payload, done) => {
    // Refused credentials name no channel, so they have no journal to go to.
    if (request.channel) {
      tools(request.channel.code).journal.add({
        at: Date.now(),
        method: request.method,
        path: request.url,
        status: reply.statusCode,
        request_body: request.body ?? null,
        request_text: request.body === undefined ? undefined : request.bodyText,
        response_payload: payload,
        response_type: reply.getHeader('content-type') as string | undefined,
        duration_ms: Math.round((performance.now() - request.receivedAt) * 100) / 100,
      });
    }
    done(null, payload);
  });

  app.setErrorHandler(answerError('nested'));
  registerOperations(app, options.spec, channelHandlers(), sim);
}

/**
 * A read that `sim.answer` answered for this very URL, sent again as the same bytes with the same status
 * when it still holds (answer-cache.ts): validation, handler and read transaction would only arrive at
 * it again. True when sent. The request was validated when the answer was remembered, and the URL is
 * all a GET has.
 */
function sendKept(sim: Sandboxes, request: FastifyRequest, reply: FastifyReply): boolean {
  if (request.method !== 'GET') return false;
  const kept = sim.kept(request.channel.code, request.url);
  if (kept === undefined) return false;
  reply.code(kept.status).type('application/json; charset=utf-8').send(kept.json);
  return true;
}

/** The channel's fault rules on this request: delayed, answered in its place, or passed on (`pass`). */
function applyFault(
  faults: FaultRules,
  request: FastifyRequest,
  reply: FastifyReply,
  pass: () => void,
): void {
  const fault = faults.size === 0 ? undefined : faults.match(request.method, request.url.split('?')[0]!);
  if (!fault) {
    pass();
    return;
  }
  const answer = () => {
    if (fault.status === undefined) pass();
    else reply.code(fault.status).send(fault.body ?? { detail: `injected fault ${fault.status}` });
  };
  if (fault.delayMs > 0) setTimeout(answer, fault.delayMs);
  else answer();
}
