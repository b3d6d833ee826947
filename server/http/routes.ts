import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Family } from '../domain/types.ts';
import type { Sandboxes } from '../sandbox.ts';
import type { LoadedSpec, OperationSpec } from './spec.ts';

/**
 * What a handler answers; the status defaults to the operation's documented success status. `json` is a
 * body already serialised (UTF-8 JSON, exactly what serialising the body would give), sent as is.
 */
export type Answer =
  | { status?: number; body: unknown }
  | { status?: number; json: Buffer }
  /** A long-lived answer (the event stream): sent as it is written, with this content type. */
  | { status?: number; stream: Readable; type: string; headers?: Record<string, string> };

export type Handler = (request: FastifyRequest, sim: Sandboxes) => Promise<Answer>;
export type HandlerTable = Record<string, Handler>;

/** Which API an operation belongs to, read by the hooks in app.ts. */
export interface RouteConfig {
  operationId: string;
  api: 'channel' | 'control';
  auth: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    operationId?: string;
    api?: 'channel' | 'control';
    auth?: boolean;
  }
}

/**
 * Registers every operation of a document, by operationId, with its request schemas from the document.
 * Fails at start-up when an operation has no handler or a handler has no operation, so the table and
 * the spec cannot drift apart.
 */
export function registerOperations(
  app: FastifyInstance,
  spec: LoadedSpec,
  handlers: HandlerTable,
  sim: Sandboxes,
  api: RouteConfig['api'],
  isPublic: (operationId: string) => boolean = () => false,
): void {
  const mismatch = handlerMismatch(spec.operations, handlers);
  if (mismatch.length > 0) throw new Error(`Handlers do not match the spec: ${mismatch.join('; ')}`);
  for (const op of spec.operations) {
    const handler = handlers[op.operationId]!;
    const config: RouteConfig = { operationId: op.operationId, api, auth: !isPublic(op.operationId) };
    const schema = {
      ...(op.params && { params: op.params }),
      ...(op.querystring && { querystring: op.querystring }),
      ...(op.body && { body: op.body }),
    };
    for (const { method, url } of [{ method: op.method, url: op.url }, ...op.aliases]) {
      app.route({
        method,
        url,
        schema,
        config,
        // An optional body that is left out reads as `{}`: validated (and handled) as "no fields".
        ...(op.body &&
          !op.bodyRequired && {
            preValidation: async (request: FastifyRequest) => {
              if (request.body === undefined) request.body = {};
            },
          }),
        handler: async (request, reply) => {
          const answer = await handler(request, sim);
          reply.code(answer.status ?? op.successStatus);
          if ('stream' in answer)
            return reply
              .headers(answer.headers ?? {})
              .type(answer.type)
              .send(answer.stream);
          return 'json' in answer
            ? reply.type('application/json; charset=utf-8').send(answer.json)
            : reply.send(answer.body);
        },
      });
    }
  }
}

/** Operations without a handler and handlers without an operation, described. */
export function handlerMismatch(operations: readonly OperationSpec[], handlers: HandlerTable): string[] {
  const ids = new Set(operations.map((o) => o.operationId));
  return [
    ...[...ids].filter((id) => !handlers[id]).map((id) => `no handler for operation ${id}`),
    ...Object.keys(handlers)
      .filter((id) => !ids.has(id))
      .map((id) => `handler ${id} has no operation`),
  ];
}

/** Builds the `Tour` and `DayTicket` handlers of one operation from a function of the family. */
export function forBothFamilies(
  name: (family: 'Tour' | 'DayTicket') => string,
  build: (family: Family) => Handler,
): HandlerTable {
  return { [name('Tour')]: build('tour'), [name('DayTicket')]: build('day-ticket') };
}

/** Typed access to the parts of a validated request. */
export function partsOf<P = Record<string, string>, Q = Record<string, number>, B = Record<string, unknown>>(
  request: FastifyRequest,
) {
  return { params: request.params as P, query: request.query as Q, body: request.body as B };
}
