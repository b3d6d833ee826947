import { readFileSync } from 'node:fs';
import fastifyCors from '@fastify/cors';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { loadCatalogFile } from '../fixtures/catalog-file.ts';
import { DEFAULT_COUNTS } from '../fixtures/test-products.ts';
import { indexCatalog } from './domain/context.ts';
import type { Catalog } from './domain/types.ts';
import { channelApi } from './http/channel-api.ts';
import { registerConsole } from './http/console.ts';
import type { ChannelTools } from './http/control.ts';
import { controlApi } from './http/control-api.ts';
import { registerDocs } from './http/docs.ts';
import { answerClientError, answerError, answerFrameworkError, answerNotFound } from './http/errors.ts';
import { attachEvents, ChannelEvents } from './http/events.ts';
import { FaultRules } from './http/faults.ts';
import { acceptJsonBodies } from './http/json-body.ts';
import { RequestJournal } from './http/request-journal.ts';
import { addRequestLog, type RequestLogEntry } from './http/request-log.ts';
import { AX_CLOUD_SPEC, type LoadedSpec, loadSpec, SIMULATOR_SPEC } from './http/spec.ts';
import { validatorCompiler } from './http/validation.ts';
import { packageFile } from './package-files.ts';
import { type ChannelConfig, DEFAULT_CHANNELS, Sandboxes } from './sandbox.ts';
import { FileStore } from './store/file.ts';
import { MemoryStore } from './store/memory.ts';
import { SharedFaults } from './store/postgres/faults.ts';
import { isPostgresUrl, PgStore } from './store/postgres/store.ts';

export { channelHandlers } from './http/channel-api.ts';
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
    options.catalog ?? (options.fixtures ? loadCatalogFile(options.fixtures) : await generated(options));
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
    frameworkErrors: answerFrameworkError,
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
  acceptJsonBodies(app);
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

  app.setErrorHandler(answerError('nested'));
  app.setNotFoundHandler(answerNotFound);

  const { axCloud, simulator } = simulatorSpecs();
  await registerDocs(app, {
    axCloud,
    simulator,
    channels: options.channels ?? DEFAULT_CHANNELS,
    control: options.control !== false,
  });

  // On PostgreSQL a request's first sync (before its faults are matched) also serves its reads.
  const enter = store instanceof PgStore ? (next: () => void) => store.enter(next) : undefined;
  await app.register(channelApi, { sim, spec: axCloud, tools: toolsOf, enter });
  if (options.control !== false) {
    await app.register(controlApi, {
      sim,
      spec: simulator,
      tools: toolsOf,
      events,
      version: VERSION,
      adminKey: options.adminKey,
      enter,
    });
  }

  registerConsole(app);

  app.addHook('onClose', async () => {
    await store.close();
  });
  return app;
}

/** A catalogue generated from the options' seed and counts; the generator (and faker) loads only here. */
async function generated(options: SimulatorOptions): Promise<Catalog> {
  const { generateCatalog } = await import('../fixtures/catalog.ts');
  return generateCatalog({
    seed: options.seed ?? 42,
    tours: options.tours ?? DEFAULT_COUNTS.tours,
    dayTickets: options.dayTickets ?? DEFAULT_COUNTS.dayTickets,
  });
}
