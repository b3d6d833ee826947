/**
 * The typed HTTP client for the AX Cloud channel API and the simulator's control API (/__sim).
 *
 * One method per operationId of openapi/ax-cloud.yaml and openapi/simulator.yaml, built at run time from
 * the generated operation table (client/generated/operations.ts) and typed from the generated
 * openapi-typescript output. Transport is undici (`dispatcher.request`, not fetch): a keep-alive `Pool`
 * per client, or the `dispatcher` you pass (tests pass a `MockAgent`).
 *
 *   const ax = createAxCloudClient({ baseUrl: 'http://127.0.0.1:4010', apiKey: 'key', channelCode: 'CH1' });
 *   const { data } = await ax.getTourPrice({ path: { product_code: 'T1' }, query: { date: '2030-01-01' } });
 *   await ax.close();
 *
 * Errors: a non-2xx answer throws `AxCloudError`; a transport failure `AxCloudNetworkError`; a deadline
 * `AxCloudTimeoutError` (a network error too). GET and HEAD are retried on network errors, timeouts and
 * 5xx (not 501/505) with exponential backoff and full jitter; other methods are never retried.
 */
import { type Dispatcher, Pool } from 'undici';
import type {
  components as AxCloudComponents,
  operations as AxCloudOperations,
  paths as AxCloudPaths,
} from './generated/ax-cloud.ts';
import {
  type AxCloudOperationId,
  axCloudOperations,
  type SimulatorOperationId,
  simulatorOperations,
} from './generated/operations.ts';
import type {
  components as SimulatorComponents,
  operations as SimulatorOperations,
  paths as SimulatorPaths,
} from './generated/simulator.ts';

export type {
  AxCloudComponents,
  AxCloudOperationId,
  AxCloudPaths,
  SimulatorComponents,
  SimulatorOperationId,
  SimulatorPaths,
};
export { axCloudOperations, simulatorOperations };

// ---------------------------------------------------------------------------------------------------------
// Types derived from the generated documents
// ---------------------------------------------------------------------------------------------------------

/** Every operationId of both documents (the client's method names). */
export type OperationId = AxCloudOperationId | SimulatorOperationId;

type AllOperations = AxCloudOperations & SimulatorOperations;

/** The openapi-typescript `operations[Id]` entry of an operation. */
export type OperationOf<Id extends OperationId> = Id extends keyof AllOperations ? AllOperations[Id] : never;

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type IsAbsent<T> = [Exclude<T, undefined>] extends [never] ? true : false;

/** One argument part (`path`, `query`), required exactly when the document requires it, absent when it has none. */
type ParamField<P, K extends string> = K extends keyof P
  ? IsAbsent<P[K]> extends true
    ? unknown
    : object extends Pick<P, K>
      ? { [Key in K]?: Exclude<P[K], undefined> }
      : { [Key in K]: P[K] }
  : unknown;

type JsonContent<C> = C extends { 'application/json': infer J } ? J : C[keyof C];

type BodyField<O> = O extends { requestBody?: infer RB }
  ? IsAbsent<RB> extends true
    ? unknown
    : Exclude<RB, undefined> extends { content: infer C }
      ? object extends Pick<O, 'requestBody'>
        ? { body?: JsonContent<C> }
        : { body: JsonContent<C> }
      : unknown
  : unknown;

type ParametersOf<O> = O extends { parameters: infer P } ? P : object;

/** Headers sent with one call; keys are case-insensitive, `null` removes a default header. */
export type RequestHeaders = Record<string, string | null | undefined>;

interface CommonArgs {
  /** Extra request headers (override the client's defaults; `null` removes one). */
  headers?: RequestHeaders;
  /** Aborts the call (and any retry); the signal's reason is thrown. */
  signal?: AbortSignal;
}

/** The argument of `client[Id]()`: `{ path?, query?, body?, headers? }`, each required exactly when the operation requires it. */
export type OperationArgs<Id extends OperationId> = Simplify<
  ParamField<ParametersOf<OperationOf<Id>>, 'path'> &
    ParamField<ParametersOf<OperationOf<Id>>, 'query'> &
    BodyField<OperationOf<Id>> &
    CommonArgs
>;

type ArgsTuple<Id extends OperationId> =
  object extends OperationArgs<Id> ? [args?: OperationArgs<Id>] : [args: OperationArgs<Id>];

type ResponsesOf<O> = O extends { responses: infer R } ? R : never;

type SuccessCodeOf<R> = {
  [K in keyof R]: K extends number ? (`${K}` extends `2${string}` ? K : never) : never;
}[keyof R];
type ErrorCodeOf<R> = Exclude<keyof R, SuccessCodeOf<R>>;

/** The JSON body type of one documented response (`undefined` when it documents no content). */
type ResponseBody<Resp> = Resp extends { content: infer C }
  ? IsAbsent<C> extends true
    ? undefined
    : JsonContent<C>
  : undefined;

/** Response headers as undici gives them (lower-case names). */
export type ResponseHeaders = Record<string, string | string[]>;

/** What `client[Id]()` resolves to: one member per documented 2xx status code. */
export type OperationResult<Id extends OperationId> = {
  [S in SuccessCodeOf<ResponsesOf<OperationOf<Id>>>]: {
    status: S;
    data: ResponseBody<ResponsesOf<OperationOf<Id>>[S]>;
    headers: ResponseHeaders;
  };
}[SuccessCodeOf<ResponsesOf<OperationOf<Id>>>];

/** The union of the JSON bodies an operation documents for its non-2xx answers. */
export type OperationErrorBody<Id extends OperationId> = {
  [S in ErrorCodeOf<ResponsesOf<OperationOf<Id>>>]: ResponseBody<ResponsesOf<OperationOf<Id>>[S]>;
}[ErrorCodeOf<ResponsesOf<OperationOf<Id>>>];

export type OperationMethod<Id extends OperationId> = (
  ...args: ArgsTuple<Id>
) => Promise<OperationResult<Id>>;

export interface RawRequestOptions {
  /** Query parameters; `undefined`/`null` values are left out, arrays repeat the key. */
  query?: Record<string, unknown>;
  /** A value sent as JSON (with `content-type: application/json` unless `headers` says otherwise). */
  body?: unknown;
  /** Sent verbatim instead of `body` (e.g. malformed JSON); `content-type` still defaults to JSON. */
  rawBody?: string | Uint8Array;
  headers?: RequestHeaders;
  signal?: AbortSignal;
}

export interface RawResponse {
  status: number;
  /** The parsed JSON body, the text when it is not JSON, `undefined` when empty. */
  data: unknown;
  headers: ResponseHeaders;
  /** The body exactly as received (decoded as UTF-8). */
  rawBody: string;
}

export interface AxCloudClientOptions {
  /** Absolute http(s) URL of the server, e.g. `http://127.0.0.1:4010`; a path prefix is kept. */
  baseUrl: string;
  /** The channel's API token, sent as `Authorization: Token <apiKey>`. */
  apiKey: string;
  /** Sent as `Channel: Code <channelCode>` when given. */
  channelCode?: string;
  /** Deadline per attempt, from sending to the last body byte (default 10 000 ms). */
  timeoutMs?: number;
  /** Extra attempts for GET/HEAD after a network error, timeout or 5xx (default 2). */
  retries?: number;
  /** The undici dispatcher to use (e.g. a `MockAgent`); the client then neither creates nor closes a pool. */
  dispatcher?: Dispatcher;
  /** Size of the client's own keep-alive pool (default 16; ignored with `dispatcher`). */
  connections?: number;
  /** The simulator's admin key, sent as `x-sim-admin` on simulator operations and raw calls under /__sim. */
  adminKey?: string;
  /** `user-agent` header (default `ax-cloud-sim-client`). */
  userAgent?: string;
}

/**
 * Test hooks, not part of the public API: the backoff's sleep and random source.
 * @internal
 */
export interface ClientInternals {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export type AxCloudClient = { readonly [Id in OperationId]: OperationMethod<Id> } & {
  /**
   * Sends any request (for tests that must send invalid input). One attempt, no retry; never throws on
   * the status code (network errors and timeouts still throw).
   */
  raw(method: string, path: string, options?: RawRequestOptions): Promise<RawResponse>;
  /** Closes the client's own pool (a `dispatcher` passed in is left open). Later calls throw. */
  close(): Promise<void>;
};

// ---------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------

interface RequestContext {
  method: string;
  path: string;
  operationId: OperationId | undefined;
  attempts: number;
}

const describe = (ctx: Pick<RequestContext, 'method' | 'path' | 'operationId'>) =>
  `${ctx.operationId ? `${ctx.operationId} ` : ''}${ctx.method} ${ctx.path}`;

const MAX_SNIPPET = 500;
function snippet(body: unknown): string {
  if (body === undefined) return '(empty body)';
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return text.length > MAX_SNIPPET ? `${text.slice(0, MAX_SNIPPET)}…` : text;
}

type ErrorBodyOf<Id extends OperationId> = OperationId extends Id
  ? unknown
  : OperationErrorBody<Id> | string | undefined;

/**
 * A non-2xx answer. `body` is the parsed JSON (the text when it is not JSON, `undefined` when empty).
 * Narrow with `AxCloudError.is(error, 'createTourOrder')` to type `body` as that operation's documented
 * error bodies (an undocumented status may still carry anything).
 */
export class AxCloudError<Id extends OperationId = OperationId> extends Error {
  override readonly name = 'AxCloudError';
  readonly status: number;
  readonly body: ErrorBodyOf<Id>;
  readonly method: string;
  /** The path actually requested (parameters encoded, query included). */
  readonly path: string;
  /** The operation called, `undefined` for `raw()`. */
  readonly operationId: Id | undefined;
  readonly headers: ResponseHeaders;
  /** How many attempts were made (more than 1 only after retries). */
  readonly attempts: number;

  constructor(init: RequestContext & { status: number; body: unknown; headers: ResponseHeaders }) {
    super(`${describe(init)} → ${init.status} ${snippet(init.body)}`);
    this.status = init.status;
    this.body = init.body as ErrorBodyOf<Id>;
    this.method = init.method;
    this.path = init.path;
    this.operationId = init.operationId as Id | undefined;
    this.headers = init.headers;
    this.attempts = init.attempts;
  }

  /** True for an `AxCloudError` (of operation `operationId`, when given). */
  static is<I extends OperationId = OperationId>(error: unknown, operationId?: I): error is AxCloudError<I> {
    return error instanceof AxCloudError && (operationId === undefined || error.operationId === operationId);
  }

  /** 400: invalid input (field errors or `detail`). */
  isBadRequest(): boolean {
    return this.status === 400;
  }
  /** 401/403: missing or wrong credentials, or not allowed. */
  isDenied(): boolean {
    return this.status === 401 || this.status === 403;
  }
  isNotFound(): boolean {
    return this.status === 404;
  }
  isServerError(): boolean {
    return this.status >= 500;
  }

  /** The error's message: the body's `detail` (DRF) or `message` key, whichever is a string. */
  get detail(): string | undefined {
    const body: unknown = this.body;
    if (!isRecord(body)) return undefined;
    if (typeof body.detail === 'string') return body.detail;
    if (typeof body.message === 'string') return body.message;
    return undefined;
  }

  /**
   * DRF field errors, flattened: `{"options": [{"quantity": ["…"]}]}` → `{"options[0].quantity": ["…"]}`.
   * String-valued `detail`/`message` keys are not field errors. Empty when the body has none.
   */
  get fieldErrors(): Record<string, string[]> {
    const body: unknown = this.body;
    const out: Record<string, string[]> = {};
    if (!isRecord(body)) return out;
    for (const [key, value] of Object.entries(body)) {
      if ((key === 'detail' || key === 'message') && typeof value === 'string') continue;
      collectFieldErrors(value, key, out);
    }
    return out;
  }
}

function collectFieldErrors(value: unknown, at: string, out: Record<string, string[]>): void {
  const push = (message: string) => {
    const list = out[at];
    if (list) list.push(message);
    else out[at] = [message];
  };
  if (typeof value === 'string') {
    push(value);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => {
      if (typeof item === 'string') push(item);
      else collectFieldErrors(item, `${at}[${index}]`, out);
    });
  } else if (isRecord(value)) {
    for (const [key, inner] of Object.entries(value)) collectFieldErrors(inner, `${at}.${key}`, out);
  }
}

/** The request never got a complete answer (connection refused or reset, DNS, socket error, ...). */
export class AxCloudNetworkError extends Error {
  override readonly name: string = 'AxCloudNetworkError';
  readonly method: string;
  readonly path: string;
  readonly operationId: OperationId | undefined;
  readonly attempts: number;

  constructor(message: string, init: RequestContext, options?: { cause?: unknown }) {
    super(message, options);
    this.method = init.method;
    this.path = init.path;
    this.operationId = init.operationId;
    this.attempts = init.attempts;
  }
}

/** No complete answer within `timeoutMs` (headers, body, or the whole attempt). */
export class AxCloudTimeoutError extends AxCloudNetworkError {
  override readonly name: string = 'AxCloudTimeoutError';
  readonly timeoutMs: number;

  constructor(init: RequestContext & { timeoutMs: number }, options?: { cause?: unknown }) {
    super(
      `${describe(init)} timed out after ${init.timeoutMs} ms${attemptsNote(init.attempts)}`,
      init,
      options,
    );
    this.timeoutMs = init.timeoutMs;
  }
}

const attemptsNote = (attempts: number) => (attempts > 1 ? ` (${attempts} attempts)` : '');

// ---------------------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------------------

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRIES = 2;
const DEFAULT_CONNECTIONS = 16;
const MAX_RETRIES = 10;
const BACKOFF_BASE_MS = 100;
const BACKOFF_CAP_MS = 2_000;
const DEFAULT_USER_AGENT = 'ax-cloud-sim-client';

const KNOWN_OPTIONS = [
  'baseUrl',
  'apiKey',
  'channelCode',
  'timeoutMs',
  'retries',
  'dispatcher',
  'connections',
  'adminKey',
  'userAgent',
] as const;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const show = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value) : String(value));

/** A header value: a non-empty string without CR, LF or NUL. */
function checkHeaderValue(name: string, value: unknown, sentAs: string): string {
  if (typeof value !== 'string' || value.trim() === '' || /[\r\n\0]/.test(value)) {
    throw new TypeError(
      `Invalid ${name}: ${show(value)}. Must be a non-empty string without line breaks (sent as ${sentAs}).`,
    );
  }
  return value;
}

interface ResolvedOptions {
  origin: string;
  pathPrefix: string;
  apiKey: string;
  channelCode: string | undefined;
  timeoutMs: number;
  retries: number;
  dispatcher: Dispatcher | undefined;
  connections: number;
  adminKey: string | undefined;
  userAgent: string;
}

function resolveOptions(options: AxCloudClientOptions): ResolvedOptions {
  if (!isRecord(options)) {
    throw new TypeError('Invalid options: expected an object like { baseUrl, apiKey }.');
  }
  for (const key of Object.keys(options)) {
    if (!(KNOWN_OPTIONS as readonly string[]).includes(key)) {
      throw new TypeError(`Unknown option ${show(key)}. Known options: ${KNOWN_OPTIONS.join(', ')}.`);
    }
  }
  const { baseUrl } = options;
  let url: URL | undefined;
  try {
    url = typeof baseUrl === 'string' ? new URL(baseUrl) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new TypeError(`Invalid baseUrl: ${show(baseUrl)}. Must be an absolute http(s) URL.`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new TypeError(
      `Invalid baseUrl: ${show(baseUrl)}. Must not contain credentials, a query or a fragment (pass apiKey instead).`,
    );
  }
  const apiKey = checkHeaderValue('apiKey', options.apiKey, '"Authorization: Token <apiKey>"');
  const channelCode =
    options.channelCode === undefined
      ? undefined
      : checkHeaderValue('channelCode', options.channelCode, '"Channel: Code <channelCode>"');
  const adminKey =
    options.adminKey === undefined
      ? undefined
      : checkHeaderValue('adminKey', options.adminKey, '"x-sim-admin"');
  const userAgent =
    options.userAgent === undefined
      ? DEFAULT_USER_AGENT
      : checkHeaderValue('userAgent', options.userAgent, '"user-agent"');

  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new TypeError(`Invalid timeoutMs: ${show(timeoutMs)}. Must be a positive number of milliseconds.`);
  }
  const retries = options.retries ?? DEFAULT_RETRIES;
  if (!Number.isInteger(retries) || retries < 0 || retries > MAX_RETRIES) {
    throw new TypeError(`Invalid retries: ${show(retries)}. Must be an integer from 0 to ${MAX_RETRIES}.`);
  }
  const connections = options.connections ?? DEFAULT_CONNECTIONS;
  if (!Number.isInteger(connections) || connections < 1) {
    throw new TypeError(`Invalid connections: ${show(connections)}. Must be a positive integer.`);
  }
  const { dispatcher } = options;
  if (dispatcher !== undefined && (!isRecord(dispatcher) || typeof dispatcher.request !== 'function')) {
    throw new TypeError(
      'Invalid dispatcher: must be an undici Dispatcher (an object with a request() method), e.g. new Agent() or a MockAgent.',
    );
  }
  return {
    origin: url.origin,
    pathPrefix: url.pathname.replace(/\/+$/, ''),
    apiKey,
    channelCode,
    timeoutMs,
    retries,
    dispatcher,
    connections,
    adminKey,
    userAgent,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Request building
// ---------------------------------------------------------------------------------------------------------

function appendQuery(path: string, query: Record<string, unknown> | undefined): string {
  if (!query) return path;
  const pairs: string[] = [];
  const add = (key: string, value: unknown) => {
    if (value === undefined || value === null) return;
    const text =
      typeof value === 'object' && !(value instanceof Date)
        ? JSON.stringify(value)
        : value instanceof Date
          ? value.toISOString()
          : String(value);
    pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(text)}`);
  };
  for (const [key, value] of Object.entries(query)) {
    if (Array.isArray(value)) for (const item of value) add(key, item);
    else add(key, value);
  }
  if (pairs.length === 0) return path;
  return `${path}${path.includes('?') ? '&' : '?'}${pairs.join('&')}`;
}

function fillPath(template: string, params: unknown, operationId: string): string {
  const values = isRecord(params) ? params : {};
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined || value === null || value === '') {
      throw new TypeError(
        `${operationId}: missing path parameter ${show(name)}; pass it as { path: { ${name}: ... } }.`,
      );
    }
    return encodeURIComponent(String(value));
  });
}

function normaliseHeaders(headers: Record<string, string | string[] | undefined>): ResponseHeaders {
  const out: ResponseHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = value;
  }
  return out;
}

function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const RETRYABLE_METHODS = new Set(['GET', 'HEAD']);
/** 5xx worth another try: not 501 Not Implemented / 505 HTTP Version Not Supported, which won't change. */
const isRetryableStatus = (status: number) => status >= 500 && status !== 501 && status !== 505;
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);
/** Caller mistakes, not network trouble: rethrown as they are, never retried. */
const PROGRAMMER_ERROR_CODES = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED']);

const errorCode = (error: unknown) =>
  isRecord(error) || error instanceof Error ? (error as { code?: unknown }).code : undefined;

/** Exponential backoff with full jitter: uniform in [0, min(cap, base · 2^retry)). */
export function backoffDelay(retry: number, random: () => number): number {
  return Math.floor(random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** retry));
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface PreparedRequest {
  method: string;
  path: string;
  operationId: OperationId | undefined;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
  signal: AbortSignal | undefined;
}

const OPERATIONS: Readonly<
  Record<string, { method: string; path: string; success: readonly number[]; simulator: boolean }>
> = Object.fromEntries([
  ...Object.entries(axCloudOperations).map(([id, op]) => [id, { ...op, simulator: false }] as const),
  ...Object.entries(simulatorOperations).map(([id, op]) => [id, { ...op, simulator: true }] as const),
]);

// ---------------------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------------------

export function createAxCloudClient(
  options: AxCloudClientOptions,
  internals: ClientInternals = {},
): AxCloudClient {
  const config = resolveOptions(options);
  const sleep = internals.sleep ?? defaultSleep;
  const random = internals.random ?? Math.random;
  const ownPool = config.dispatcher
    ? undefined
    : new Pool(config.origin, { connections: config.connections });
  const dispatcher: Dispatcher = config.dispatcher ?? ownPool!;
  let closed = false;

  function buildHeaders(
    extra: RequestHeaders | undefined,
    withBody: boolean,
    admin: boolean,
  ): Record<string, string> {
    const headers: Record<string, string | null | undefined> = {
      accept: 'application/json',
      'user-agent': config.userAgent,
      authorization: `Token ${config.apiKey}`,
    };
    if (config.channelCode !== undefined) headers.channel = `Code ${config.channelCode}`;
    if (admin && config.adminKey !== undefined) headers['x-sim-admin'] = config.adminKey;
    if (withBody) headers['content-type'] = 'application/json';
    if (extra) {
      if (!isRecord(extra))
        throw new TypeError('Invalid headers: expected an object of header names to strings.');
      for (const [name, value] of Object.entries(extra)) headers[name.toLowerCase()] = value;
    }
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) if (typeof value === 'string') out[name] = value;
    return out;
  }

  /** One attempt: the full response, or an AxCloudNetworkError / AxCloudTimeoutError. */
  async function attempt(request: PreparedRequest, attempts: number): Promise<RawResponse> {
    const ctx: RequestContext = {
      method: request.method,
      path: request.path,
      operationId: request.operationId,
      attempts,
    };
    const deadline = new AbortController();
    const timeoutReason = new Error('deadline');
    const timer = setTimeout(() => deadline.abort(timeoutReason), config.timeoutMs);
    const onCallerAbort = () => deadline.abort(request.signal?.reason);
    request.signal?.addEventListener('abort', onCallerAbort, { once: true });
    try {
      if (request.signal?.aborted) throw request.signal.reason;
      const response = await dispatcher.request({
        origin: config.origin,
        path: config.pathPrefix + request.path,
        method: request.method as Dispatcher.HttpMethod,
        headers: request.headers,
        body: request.body ?? null,
        signal: deadline.signal,
        headersTimeout: config.timeoutMs,
        bodyTimeout: config.timeoutMs,
      });
      const rawBody = await response.body.text();
      return {
        status: response.statusCode,
        data: parseBody(rawBody),
        headers: normaliseHeaders(response.headers),
        rawBody,
      };
    } catch (error) {
      if (request.signal?.aborted) throw request.signal.reason;
      if (deadline.signal.reason === timeoutReason || TIMEOUT_CODES.has(String(errorCode(error)))) {
        throw new AxCloudTimeoutError({ ...ctx, timeoutMs: config.timeoutMs }, { cause: error });
      }
      if (PROGRAMMER_ERROR_CODES.has(String(errorCode(error)))) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new AxCloudNetworkError(`${describe(ctx)} failed: ${reason}${attemptsNote(attempts)}`, ctx, {
        cause: error,
      });
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  function ensureOpen() {
    if (closed)
      throw new Error('This AX Cloud client is closed; create a new one with createAxCloudClient().');
  }

  async function send(request: PreparedRequest): Promise<RawResponse> {
    const maxAttempts = RETRYABLE_METHODS.has(request.method) ? config.retries + 1 : 1;
    for (let attempts = 1; ; attempts++) {
      const canRetry = attempts < maxAttempts;
      let response: RawResponse;
      try {
        response = await attempt(request, attempts);
      } catch (error) {
        if (!(canRetry && error instanceof AxCloudNetworkError)) throw error;
        await sleep(backoffDelay(attempts - 1, random));
        continue;
      }
      if (response.status >= 200 && response.status < 300) return response;
      if (canRetry && isRetryableStatus(response.status)) {
        await sleep(backoffDelay(attempts - 1, random));
        continue;
      }
      throw new AxCloudError({
        method: request.method,
        path: request.path,
        operationId: request.operationId,
        attempts,
        status: response.status,
        body: response.data,
        headers: response.headers,
      });
    }
  }

  async function callOperation(operationId: OperationId, args: unknown): Promise<unknown> {
    ensureOpen();
    const op = OPERATIONS[operationId]!;
    if (args !== undefined && !isRecord(args)) {
      throw new TypeError(`${operationId}: expected an argument like { path, query, body, headers }.`);
    }
    const { path, query, body, headers, signal } = (args ?? {}) as {
      path?: unknown;
      query?: unknown;
      body?: unknown;
      headers?: RequestHeaders;
      signal?: AbortSignal;
    };
    if (query !== undefined && !isRecord(query))
      throw new TypeError(`${operationId}: query must be an object.`);
    const withBody = body !== undefined;
    const response = await send({
      method: op.method.toUpperCase(),
      path: appendQuery(fillPath(op.path, path, operationId), query),
      operationId,
      headers: buildHeaders(headers, withBody, op.simulator),
      body: withBody ? JSON.stringify(body) : undefined,
      signal,
    });
    return { status: response.status, data: response.data, headers: response.headers };
  }

  async function raw(method: string, path: string, rawOptions: RawRequestOptions = {}): Promise<RawResponse> {
    ensureOpen();
    if (typeof method !== 'string' || !/^[A-Za-z]+$/.test(method)) {
      throw new TypeError(`Invalid method: ${show(method)}. Must be an HTTP method name such as "GET".`);
    }
    if (typeof path !== 'string' || !path.startsWith('/')) {
      throw new TypeError(`Invalid path: ${show(path)}. Must start with "/" (it is appended to baseUrl).`);
    }
    const { query, body, rawBody, headers, signal } = rawOptions;
    const payload = rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
    const upper = method.toUpperCase();
    return attempt(
      {
        method: upper,
        path: appendQuery(path, query),
        operationId: undefined,
        headers: buildHeaders(
          headers,
          payload !== undefined,
          path === '/__sim' || path.startsWith('/__sim/'),
        ),
        body: payload,
        signal,
      },
      1,
    );
  }

  const client: Record<string, unknown> = {
    raw,
    async close() {
      if (closed) return;
      closed = true;
      if (ownPool) await ownPool.close();
    },
  };
  for (const operationId of Object.keys(OPERATIONS) as OperationId[]) {
    client[operationId] = (args?: unknown) => callOperation(operationId, args);
  }
  return Object.freeze(client) as AxCloudClient;
}
