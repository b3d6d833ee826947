import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
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

/**
 * Query parameters the spec gives a `default` (ajv fills it in before the handler runs, so the handler
 * reads them as present). `registerOperations` checks this list against the documents at start-up.
 */
export const DEFAULTED_QUERY = ['page', 'page_size', 'limit', 'offset', 'latest', 'days'] as const;
type Defaulted = (typeof DEFAULTED_QUERY)[number];

/** An openapi-typescript operation (`operations[Id]` of client/generated/*.ts). */
interface Operation {
  parameters: { query?: unknown; path?: unknown };
  requestBody?: unknown;
}

/** An operation without path parameters or query: nothing to read there (a typo does not compile). */
type Nothing = Record<never, never>;
type PathOf<Op extends Operation> = OrNothing<NonNullable<Op['parameters']['path']>>;
type QueryOf<Op extends Operation> = OrNothing<WithDefaults<NonNullable<Op['parameters']['query']>>>;
type OrNothing<T> = [T] extends [never] ? Nothing : T;
type WithDefaults<Q> = Omit<Q, Defaulted> & { [K in Extract<keyof Q, Defaulted>]-?: NonNullable<Q[K]> };
/**
 * The JSON body; an optional body left out reads as `{}` (see registerOperations), so it is always
 * there. An operation without a body has none.
 */
type BodyOf<Op extends Operation> =
  NonNullable<Op['requestBody']> extends { content: { 'application/json': infer B } } ? B : undefined;

/** A request of operation `Op` after validation: params, query and body typed from the spec. */
export type RequestOf<Op extends Operation> = FastifyRequest<{
  Params: PathOf<Op>;
  Querystring: QueryOf<Op>;
  Body: BodyOf<Op>;
}>;

export type Handler<Op extends Operation> = (request: RequestOf<Op>, sim: Sandboxes) => Promise<Answer>;

/**
 * One handler per operation of a generated `operations` interface, keyed by its operationId: a missing
 * or extra handler, or a request field the spec no longer has, fails `tsc`.
 */
export type Handlers<Ops> = { [Id in keyof Ops]: Ops[Id] extends Operation ? Handler<Ops[Id]> : never };

/** What registration sees: a handler of some operation, its request already validated against it. */
// biome-ignore lint/suspicious/noExplicitAny: each handler is checked against its own operation where the table is written.
export type AnyHandler = (request: any, sim: Sandboxes) => Promise<Answer>;
export type HandlerTable = Record<string, AnyHandler>;

/** What a route knows of its operation, read by its API's hooks. */
export interface RouteConfig {
  operationId: string;
  /** False for the few operations anyone may call without credentials. */
  auth: boolean;
  /** The operation's documented success status. */
  successStatus: number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    operationId?: string;
    auth?: boolean;
    successStatus?: number;
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
  isPublic: (operationId: string) => boolean = () => false,
): void {
  const mismatch = [...handlerMismatch(spec.operations, handlers), ...defaultsMismatch(spec.operations)];
  if (mismatch.length > 0) throw new Error(`Handlers do not match the spec: ${mismatch.join('; ')}`);
  for (const op of spec.operations) {
    const handler = handlers[op.operationId]!;
    const config: RouteConfig = {
      operationId: op.operationId,
      auth: !isPublic(op.operationId),
      successStatus: op.successStatus,
    };
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

/** Query parameters whose spec default and `DEFAULTED_QUERY` disagree (the handler types rely on it). */
function defaultsMismatch(operations: readonly OperationSpec[]): string[] {
  const listed = new Set<string>(DEFAULTED_QUERY);
  const problems: string[] = [];
  for (const op of operations) {
    const properties = (op.querystring?.properties ?? {}) as Record<string, Record<string, unknown>>;
    for (const [name, schema] of Object.entries(properties)) {
      if ('default' in schema !== listed.has(name)) {
        problems.push(
          `query parameter ${name} of ${op.operationId} and DEFAULTED_QUERY disagree on its default`,
        );
      }
    }
  }
  return problems;
}
