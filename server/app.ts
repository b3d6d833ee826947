import { readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import fastifyCors from '@fastify/cors';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, LogController } from 'fastify';
import type { operations as AxCloudOperations } from '../client/generated/ax-cloud.ts';
import type { operations as SimulatorOperations } from '../client/generated/simulator.ts';
import { DEFAULT_COUNTS, generateCatalog, loadCatalogFile } from '../fixtures/catalog.ts';
import { indexCatalog } from './domain/context.ts';
import {
  ApiError,
  denied,
  invalidJson,
  MESSAGES,
  notFound,
  tooDeep,
  tooLarge,
  unavailable,
  unsupportedMedia,
} from './domain/errors.ts';
import type { Catalog } from './domain/types.ts';
import { authenticate } from './http/auth.ts';
import { registerConsole } from './http/console.ts';
import { consoleApiHandlers } from './http/console-api.ts';
import { type ChannelTools, controlHandlers } from './http/control.ts';
import { registerDocs } from './http/docs.ts';
import { attachEvents, ChannelEvents, eventHandlers } from './http/events.ts';
import { FaultRules } from './http/faults.ts';
import { feedbackHandlers } from './http/feedback.ts';
import { orderHandlers } from './http/orders.ts';
import { productHandlers } from './http/products.ts';
import { RequestJournal } from './http/request-journal.ts';
import { addRequestLog, type RequestLogEntry } from './http/request-log.ts';
import { type Handlers, registerOperations } from './http/routes.ts';
import { AX_CLOUD_SPEC, type LoadedSpec, loadSpec, SIMULATOR_SPEC } from './http/spec.ts';
import { MAX_JSON_DEPTH, nestedDeeperThan, validationError, validatorCompiler } from './http/validation.ts';
import { packageFile } from './package-files.ts';
import { type ChannelConfig, DEFAULT_CHANNELS, Sandboxes } from './sandbox.ts';
import { FileStore } from './store/file.ts';
import { MemoryStore } from './store/memory.ts';
import { SharedFaults } from './store/postgres/faults.ts';
import { isPostgresUrl, PgStore } from './store/postgres/store.ts';
import { StoreError } from './store/store.ts';

export type { RequestLogEntry } from './http/request-log.ts';

export const VERSION: string = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')).version;

export interface SimulatorOptions {
  /** A catalogue to serve; otherwise one is loaded from `fixtures` or generated from `seed`. */
  catalog?: Catalog;
  /** A fixture file written by `ax-sim seed`. */
  fixtures?: string;
  seed?: number;
  tours?: number;
  dayTickets?: number;
  /** Data folder, `:memory:` (the default here; the CLI defaults to `.ax-sim`), or a `postgres://` URL. */
  data?: string;
  channels?: readonly ChannelConfig[];
  /** Serve the control API (`/__sim`). Default true. */
  control?: boolean;
  /** When set, control calls also need `X-Sim-Admin: <adminKey>`. */
  adminKey?: string;
  /**
   * Text kept by each channel's request journal (`GET /__sim/journal`) at most, in bytes (default
   * 4 MiB); each body is kept up to 16 KiB.
   */
  journalBytes?: number;
  /** Fold a channel's journal into a snapshot past this many bytes. */
  compactBytes?: number;
  /** Request bodies larger than this are refused with 413. */
  bodyLimit?: number;
  /**
   * A request must arrive whole — headers and body — within this time (default 30 s); a slower client
   * gets 408 and its connection is closed, so a client that trickles bytes cannot hold a socket forever.
   */
  requestTimeoutMs?: number;
  /** A connection on which nothing arrives for this long is closed (default 60 s). */
  connectionTimeoutMs?: number;
  /**
   * Fastify's pino logger, JSON lines: with it, one structured line per answered request (the fields of
   * `RequestLogEntry`) instead of Fastify's two.
   */
  logger?: boolean;
  /** Called once per answered request (what `ax-sim serve --log` prints). */
  requestLog?: (entry: RequestLogEntry) => void;
  /**
   * CORS for every route, preflight included (default true), so a page on another origin — the docs UI
   * served elsewhere, a channel's own front end in development — can call the simulator. Credentials
   * are a header, never a cookie, so any origin may be allowed.
   */
  cors?: boolean;
  /** The real clock, for tests. */
  realNow?: () => number;
}

declare module 'fastify' {
  interface FastifyInstance {
    sim: Sandboxes;
    /** Serialised answer of the current request, kept for the request journal. */
  }
  interface FastifyRequest {
    sentPayload?: unknown;
    bodyText?: string;
  }
}

let specs: { axCloud: LoadedSpec; simulator: LoadedSpec } | undefined;
/** Both documents, parsed once per process. */
export function simulatorSpecs() {
  specs ??= { axCloud: loadSpec(AX_CLOUD_SPEC), simulator: loadSpec(SIMULATOR_SPEC) };
  return specs;
}

/**
 * The composition root: catalogue, store, sandboxes, and the Fastify app serving the channel API from
 * the spec. Returns the app ready to `listen` (or to `inject` in tests).
 */
export async function buildSimulator(options: SimulatorOptions = {}): Promise<FastifyInstance> {
  if (options.adminKey !== undefined && options.adminKey.trim() === '') {
    throw new Error('adminKey is empty: an empty X-Sim-Admin header would open the control API');
  }
  const catalog =
    options.catalog ??
    (options.fixtures
      ? loadCatalogFile(options.fixtures)
      : generateCatalog({
          seed: options.seed ?? 42,
          tours: options.tours ?? DEFAULT_COUNTS.tours,
          dayTickets: options.dayTickets ?? DEFAULT_COUNTS.dayTickets,
        }));
  const data = options.data ?? ':memory:';
  const store =
    data === ':memory:'
      ? new MemoryStore()
      : isPostgresUrl(data)
        ? new PgStore({ url: data })
        : new FileStore({ dir: data, compactBytes: options.compactBytes });
  const sim = new Sandboxes({
    store,
    catalog: indexCatalog(catalog),
    channels: options.channels ?? DEFAULT_CHANNELS,
    realNow: options.realNow,
    describe: (channel) =>
      store instanceof FileStore
        ? store.fileOf(channel)
        : store instanceof PgStore
          ? store.describe(channel)
          : `channel ${channel}`,
  });
  try {
    await sim.open();
  } catch (error) {
    await store.close();
    throw error;
  }

  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const app = Fastify({
    logger: options.logger ?? false,
    // With the logger, one line per request comes from the request log below, not Fastify's two.
    ...(options.logger === true && { logController: new LogController({ disableRequestLogging: true }) }),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    connectionTimeout: options.connectionTimeoutMs ?? 60_000,
    requestTimeout,
    keepAliveTimeout: 65_000,
    http: {
      headersTimeout: requestTimeout,
      // Node checks the two timeouts above only this often (by default every 30 s).
      connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(requestTimeout / 4))),
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
    clientErrorHandler: answerClientError,
    // Malformed or absurdly long URLs: no such resource, in the vendor's words (never an echo of the URL).
    frameworkErrors: (_error, _request, reply) => {
      (reply as FastifyReply).code(404).send(notFound().body);
    },
  });
  app.decorate('sim', sim);
  if (options.cors !== false) {
    await app.register(fastifyCors, {
      origin: '*',
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      maxAge: 600,
    });
  }
  const requestLog =
    options.requestLog ??
    (options.logger ? (entry: RequestLogEntry) => app.log.info(entry, 'request') : undefined);
  if (requestLog) addRequestLog(app, requestLog);
  // The vendor takes JSON only: other content types get 415, not a string body.
  app.removeContentTypeParser('text/plain');
  // Fastify's JSON parser (prototype poisoning refused), plus a nesting limit checked before anything
  // walks the body recursively.
  const parseJsonBody = app.getDefaultJsonParser('error', 'ignore');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parseJsonBody(request, body as string, (error, value) => {
      if (error) done(error, undefined);
      else if (nestedDeeperThan(value, MAX_JSON_DEPTH)) done(tooDeep(), undefined);
      else {
        // The text as received, for the request journal (which keeps at most its beginning).
        request.bodyText = body as string;
        done(null, value);
      }
    });
  });
  app.setValidatorCompiler(validatorCompiler());

  const tools = new Map<string, ChannelTools>(
    sim.channels.map((c) => {
      const faults = new FaultRules();
      // On PostgreSQL every instance fires the same rules; the request journal stays this instance's.
      const shared = store instanceof PgStore ? new SharedFaults(store, c.code, faults) : undefined;
      return [c.code, { journal: new RequestJournal({ maxBytes: options.journalBytes }), faults, shared }];
    }),
  );
  const toolsOf = (channel: string) => tools.get(channel)!;
  const events = new ChannelEvents();
  for (const [channel, { journal }] of tools) journal.subscribe(events.journalListener(channel));
  attachEvents(app, events, sim);

  // On PostgreSQL a request's first sync (below, before its faults are matched) also serves its reads.
  if (store instanceof PgStore) app.addHook('onRequest', (_request, _reply, done) => store.enter(done));
  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config;
    if (!config.auth) return;
    authenticate(sim, request);
    if (config.api === 'control' && options.adminKey !== undefined) {
      if (request.headers['x-sim-admin'] !== options.adminKey) throw denied();
    }
    if (config.api !== 'channel') return;
    await toolsOf(request.channel.code).shared?.refresh(request.method);
    const fault = toolsOf(request.channel.code).faults.match(request.method, request.url.split('?')[0]!);
    if (!fault) return;
    if (fault.delayMs > 0) await sleep(fault.delayMs);
    if (fault.status !== undefined) {
      return reply.code(fault.status).send(fault.body ?? { detail: `injected fault ${fault.status}` });
    }
  });

  app.addHook('onSend', async (request, _reply, payload) => {
    if (request.routeOptions.config.api === 'channel') request.sentPayload = payload;
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    if (request.routeOptions.config.api !== 'channel' || !request.channel) return;
    toolsOf(request.channel.code).journal.add({
      at: new Date().toISOString(),
      method: request.method,
      path: request.url,
      status: reply.statusCode,
      request_body: request.body ?? null,
      request_text: request.body === undefined ? undefined : request.bodyText,
      response_payload: request.sentPayload,
      response_type: reply.getHeader('content-type') as string | undefined,
      duration_ms: Math.round(reply.elapsedTime * 100) / 100,
    });
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { schema, config } = request.routeOptions;
    const apiError = toApiError(error, request.body, schema?.body, config.api);
    if (apiError.status >= 500) request.log.error(error);
    return reply.code(apiError.status).send(apiError.body);
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send(notFound().body));

  const { axCloud, simulator } = simulatorSpecs();
  await registerDocs(app, {
    axCloud,
    simulator,
    channels: options.channels ?? DEFAULT_CHANNELS,
    control: options.control !== false,
  });

  const channelApi = channelHandlers();
  registerOperations(app, axCloud, channelApi, sim, 'channel');
  if (options.control !== false) {
    registerOperations(
      app,
      simulator,
      {
        ...controlHandlers(toolsOf, VERSION),
        ...consoleApiHandlers(),
        ...eventHandlers(events),
      } satisfies Handlers<SimulatorOperations>,
      sim,
      'control',
      (id) => id === 'getHealth',
    );
  }

  registerConsole(app);

  app.addHook('onClose', async () => {
    await store.close();
  });
  return app;
}

/** The channel API's handler table, for tests that compare it with the spec. */
export function channelHandlers(): Handlers<AxCloudOperations> {
  return { ...productHandlers, ...orderHandlers, ...feedbackHandlers } satisfies Handlers<AxCloudOperations>;
}

function toApiError(
  error: FastifyError & { validationContext?: string },
  body: unknown,
  bodySchema?: unknown,
  api?: 'channel' | 'control',
): ApiError {
  if (error instanceof ApiError) return error;
  if (error.validation) {
    // The channel API nests errors as the vendor's DRF does; the control API keeps its documented flat shape.
    const shape = api === 'control' ? 'flat' : 'nested';
    return validationError(
      error.validationContext as 'body',
      error.validation as never,
      body,
      bodySchema,
      shape,
    );
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return invalidJson();
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return tooLarge();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return unsupportedMedia();
  }
  if (error instanceof SyntaxError || error.statusCode === 400) return invalidJson();
  if (error instanceof StoreError) return unavailable();
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new ApiError(error.statusCode, { detail: error.message });
  }
  return new ApiError(500, { detail: `${MESSAGES.unavailable} (${error.message})` });
}

/**
 * What Node's HTTP parser refuses before Fastify sees a request (a raw space or NUL in the URL, headers
 * past the size limit, a request that did not arrive within `requestTimeoutMs`): answered in the vendor's
 * `{"detail"}` style like every other error, then the connection is closed.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, detail] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', MESSAGES.requestTimeout]
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', MESSAGES.headersTooLarge]
        : [400, 'Bad Request', MESSAGES.malformedRequest];
  const body = JSON.stringify({ detail });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
