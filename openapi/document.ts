import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/**
 * The one reader of the OpenAPI documents: YAML → a dereferenced copy → one entry per operation (method,
 * path, Fastify URL, `x-ax-aliases`, parameters, request body, response schemas by status), plus the one
 * path matcher that says which operation a request addresses.
 *
 * The simulator registers its routes from it, the contract suite checks answers with it, the tests drive
 * the fuzzer with it and the client generator writes its operation table from it. Each of them builds its
 * own validator from the schemas read here: this module holds no Ajv and imports nothing of the simulator,
 * so the contract suite stays independent of the code it checks. Every schema it hands out is plain JSON
 * Schema 2020-12 (see `toJsonSchema`), a fresh copy that the caller may keep or change.
 */

export type Json = Record<string, unknown>;

/** The Path Item fields that hold an operation, in the order OpenAPI lists them. */
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = Uppercase<(typeof METHODS)[number]>;

const HERE = dirname(fileURLToPath(import.meta.url));
/**
 * The documents sit beside this module in a checkout (`openapi/`); built, the module runs from
 * `dist/openapi/` and the documents are shipped at the package root, two levels up.
 */
const DOCUMENTS_DIR = existsSync(join(HERE, 'ax-cloud.yaml')) ? HERE : join(HERE, '..', '..', 'openapi');
/** The vendor's channel API: the contract. */
export const AX_CLOUD_DOCUMENT = join(DOCUMENTS_DIR, 'ax-cloud.yaml');
/** The simulator's own control API (`/__sim/...`). */
export const SIMULATOR_DOCUMENT = join(DOCUMENTS_DIR, 'simulator.yaml');

export type DocumentName = 'ax-cloud' | 'simulator';
export const DOCUMENTS: Readonly<Record<DocumentName, string>> = {
  'ax-cloud': AX_CLOUD_DOCUMENT,
  simulator: SIMULATOR_DOCUMENT,
};

/** One way to call an operation: its own path, or one of its deprecated aliases. */
export interface Route {
  method: HttpMethod;
  /** The OpenAPI path, e.g. `/v1/channel/products/tour/{product_code}`. */
  path: string;
  /** The same path in Fastify's syntax, e.g. `/v1/channel/products/tour/:product_code`. */
  url: string;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: Json;
}

export interface Operation extends Route {
  operationId: string;
  /** Deprecated spellings served as well (`x-ax-aliases`). */
  aliases: Route[];
  /** The operation's own route first, then its aliases. */
  routes: Route[];
  /** Path-level parameters, overridden by the operation's own of the same name and place. */
  parameters: Parameter[];
  /** The `application/json` request body, when the operation documents one. */
  requestBody?: { required: boolean; schema: Json };
  /** Every documented status → the schema of its JSON body (`undefined`: the status has no JSON body). */
  responses: Map<number, Json | undefined>;
  /** The documented statuses, ascending. */
  statuses: number[];
  /** The documented 2xx statuses, ascending; the first is the one a handler answers by default. */
  successStatuses: number[];
  successStatus: number;
  /** `security: []`: callable without credentials. */
  isPublic: boolean;
}

export interface OpenApiDocument {
  file: string;
  /** The document as written (parsed, nothing inlined): serve this one. */
  document: Json;
  operations: Operation[];
}

/** An operation of one of the two documents, and which. */
export interface DocumentOperation extends Operation {
  document: DocumentName;
}

let both: DocumentOperation[] | undefined;

/**
 * Every operation of openapi/ax-cloud.yaml, then of openapi/simulator.yaml, each with its document's name;
 * read once (the documents do not change while a process runs). The list is shared: do not change it.
 */
export function allOperations(): readonly DocumentOperation[] {
  both ??= (Object.entries(DOCUMENTS) as Array<[DocumentName, string]>).flatMap(([document, file]) =>
    readDocument(file).operations.map((op) => ({ ...op, document })),
  );
  return both;
}

/** Reads, dereferences and walks one document file. */
export function readDocument(file: string): OpenApiDocument {
  const document = parseYaml(file);
  return { file, document, operations: operationsOf(document, file) };
}

/** Parses one YAML file; the message names the file when it does not exist or is not YAML. */
export function parseYaml(file: string): Json {
  if (!existsSync(file)) throw new Error(`${file} does not exist`);
  try {
    return parse(readFileSync(file, 'utf8')) as Json;
  } catch (error) {
    throw new Error(`${file} is not valid YAML: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The operations of a parsed document, in document order (paths as written, methods in OpenAPI's order).
 * The input is read only. `label` starts every error message (usually the file). Refuses what no consumer
 * could use: an operationId that is not a JavaScript identifier (handlers and client methods are named by
 * it) or is used twice, a status that is not a plain three-digit code, an operation without a 2xx
 * status, a `$ref` that is not local or is recursive.
 */
export function operationsOf(document: unknown, label: string): Operation[] {
  if (!isObject(document) || typeof document.openapi !== 'string') {
    throw new Error(`${label}: not an OpenAPI document (no "openapi" version field).`);
  }
  if (document.paths !== undefined && !isObject(document.paths)) {
    throw new Error(`${label}: "paths" must be an object.`);
  }
  const resolved = dereference(document, label);
  const operations: Operation[] = [];
  const seen = new Map<string, string>();
  for (const [path, item] of Object.entries((resolved.paths ?? {}) as Json)) {
    if (!isObject(item)) continue;
    for (const field of METHODS) {
      const op = item[field];
      if (!isObject(op)) continue;
      const method = field.toUpperCase() as HttpMethod;
      const where = `${label} ${method} ${path}`;
      const { operationId } = op;
      if (typeof operationId !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(operationId)) {
        throw new Error(
          `${where}: needs an operationId that is a JavaScript identifier (got ${JSON.stringify(operationId)}).`,
        );
      }
      const previous = seen.get(operationId);
      if (previous) throw new Error(`${where}: operationId "${operationId}" is already used by ${previous}.`);
      seen.set(operationId, where);
      const responses = responsesOf(op, where);
      const statuses = [...responses.keys()].sort((a, b) => a - b);
      const successStatuses = statuses.filter((status) => status >= 200 && status < 300);
      if (successStatuses.length === 0) {
        throw new Error(`${where}: documents no 2xx response; add the success status code.`);
      }
      const aliases = aliasesOf(op, where);
      const body = op.requestBody as Json | undefined;
      const bodySchema = jsonMedia(body)?.schema;
      operations.push({
        operationId,
        method,
        path,
        url: toFastifyUrl(path),
        aliases,
        routes: [{ method, path, url: toFastifyUrl(path) }, ...aliases],
        parameters: parametersOf(item, op),
        ...(bodySchema !== undefined && {
          requestBody: { required: body?.required === true, schema: toJsonSchema(bodySchema) },
        }),
        responses,
        statuses,
        successStatuses,
        successStatus: successStatuses[0]!,
        isPublic: Array.isArray(op.security) && op.security.length === 0,
      });
    }
  }
  return operations;
}

function responsesOf(op: Json, where: string): Map<number, Json | undefined> {
  const responses = new Map<number, Json | undefined>();
  for (const [code, response] of Object.entries(isObject(op.responses) ? op.responses : {})) {
    if (!/^[1-5]\d\d$/.test(code)) {
      throw new Error(`${where}: response "${code}" is not supported; document the exact status codes.`);
    }
    const schema = jsonMedia(response)?.schema;
    responses.set(Number(code), schema === undefined ? undefined : toJsonSchema(schema));
  }
  return responses;
}

function aliasesOf(op: Json, where: string): Route[] {
  const aliases = op['x-ax-aliases'] ?? [];
  if (!Array.isArray(aliases)) throw new Error(`${where}: x-ax-aliases must be a list of {method, path}.`);
  return aliases.map((alias: unknown) => {
    const method = isObject(alias) && typeof alias.method === 'string' ? alias.method.toLowerCase() : '';
    const path = isObject(alias) ? alias.path : undefined;
    if (
      !(METHODS as readonly string[]).includes(method) ||
      typeof path !== 'string' ||
      !path.startsWith('/')
    ) {
      throw new Error(`${where}: x-ax-aliases entry ${JSON.stringify(alias)} needs a method and a path.`);
    }
    return { method: method.toUpperCase() as HttpMethod, path, url: toFastifyUrl(path) };
  });
}

function parametersOf(item: Json, op: Json): Parameter[] {
  const byKey = new Map<string, Parameter>();
  for (const raw of [...listOf(item.parameters), ...listOf(op.parameters)]) {
    if (!isObject(raw)) continue;
    const parameter: Parameter = {
      name: String(raw.name),
      in: raw.in as Parameter['in'],
      required: raw.required === true,
      schema: toJsonSchema(raw.schema ?? {}),
    };
    byKey.set(`${parameter.in} ${parameter.name}`, parameter);
  }
  return [...byKey.values()];
}

const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

const jsonMedia = (owner: unknown): Json | undefined => {
  const content = isObject(owner) ? owner.content : undefined;
  const media = isObject(content) ? content['application/json'] : undefined;
  return isObject(media) ? media : undefined;
};

/** `/a/{b}` → `/a/:b`. */
export function toFastifyUrl(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}

/**
 * A copy of `document` with every `$ref` replaced by (a copy of) what it points at; keywords beside a
 * `$ref` are laid over the target, as OpenAPI 3.1 allows. Only local references (`#/…`, JSON Pointer
 * with `~1` for `/` and `~0` for `~`) are followed: the documents are self-contained. A reference that
 * leads back into itself is refused, since inlining it would never end. The input is not changed.
 */
export function dereference<T>(document: T, label = 'document'): T {
  const root = document as unknown;
  const visit = (node: unknown, active: readonly string[]): unknown => {
    if (Array.isArray(node)) return node.map((item) => visit(item, active));
    if (!isObject(node)) return node;
    if (typeof node.$ref === 'string') {
      const ref = node.$ref;
      if (active.includes(ref)) {
        throw new Error(
          `${label}: $ref ${ref} is recursive (${[...active, ref].join(' → ')}); it cannot be inlined.`,
        );
      }
      const target = visit(resolvePointer(root, ref, label), [...active, ref]);
      const { $ref: _, ...siblings } = node;
      if (Object.keys(siblings).length === 0) return target;
      if (!isObject(target))
        throw new Error(`${label}: $ref ${ref} has keywords beside it but points at no object.`);
      return { ...target, ...(visit(siblings, active) as Json) };
    }
    const out: Json = {};
    for (const [key, value] of Object.entries(node)) out[key] = visit(value, active);
    return out;
  };
  return visit(document, []) as T;
}

/** What a local reference (`#/components/schemas/Order`) points at inside `root`. */
export function resolvePointer(root: unknown, ref: string, label = 'document'): unknown {
  if (!ref.startsWith('#/')) {
    throw new Error(`${label}: cannot follow $ref ${ref}: only local references (#/...) are supported.`);
  }
  let pointer: string;
  try {
    // The pointer is a URI fragment: percent-decoded first, then `~1` → `/` and `~0` → `~` (RFC 6901).
    pointer = decodeURIComponent(ref.slice(2));
  } catch {
    throw new Error(`${label}: $ref ${ref} is not a valid URI fragment.`);
  }
  let node = root;
  for (const raw of pointer.split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (!(isObject(node) || Array.isArray(node)) || !Object.hasOwn(node, key)) {
      throw new Error(`${label}: $ref ${ref} points at nothing.`);
    }
    node = (node as Json)[key];
  }
  return node;
}

/** Keywords OpenAPI adds to JSON Schema that a validator must not see. */
const OPENAPI_ONLY = new Set(['example', 'discriminator', 'xml', 'externalDocs', 'nullable']);
/** Keywords whose value is a map of names to schemas (the names are data, not keywords). */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'dependentSchemas']);

/**
 * The one place where an OpenAPI schema becomes a plain JSON Schema 2020-12 for ajv: strips
 * OpenAPI-only keywords and `x-*` extensions, keeps everything else (including `examples` and
 * `deprecated`, which 2020-12 knows). Returns a fresh copy.
 */
export function toJsonSchema(schema: unknown): Json {
  return strip(schema) as Json;
}

function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (OPENAPI_ONLY.has(key) || key.startsWith('x-')) continue;
    if (SCHEMA_MAPS.has(key) && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value as Json).map(([name, s]) => [name, strip(s)]));
    } else if (key === 'examples' || key === 'default' || key === 'const' || key === 'enum') {
      out[key] = structuredClone(value);
    } else {
      out[key] = strip(value);
    }
  }
  return out;
}

/** Which operation a request addresses: `(method, path as sent, query allowed)` → the operation or none. */
/** What the matcher needs of an operation (callers may pass their own extension of `Operation`). */
type Routed = Pick<Operation, 'operationId' | 'routes'>;

export type PathMatcher<O extends Routed = Operation> = (method: string, path: string) => O | undefined;

/**
 * The one path matcher, over every route of `operations` (aliases included), picking the way the
 * simulator's router (find-my-way, `ignoreTrailingSlash`) does: the query and one trailing slash are
 * ignored; then segment by segment, a literal segment before a parameter, so `/products/tour/update` is
 * not `/products/tour/{product_code}`. A parameter takes any non-empty segment, `%`-escapes included
 * (`A%2FB` is one segment); a segment is compared with a literal after `decodeURI`, as the router does, so
 * `upd%61te` is `update` but `%2F` stays an escaped `/`. The method is compared case-insensitively.
 */
export function pathMatcher<O extends Routed>(operations: readonly O[]): PathMatcher<O> {
  const routes = operations.flatMap((operation) =>
    operation.routes.map((route) => ({
      operation,
      method: route.method,
      segments: route.path.split('/').map((segment) => {
        if (/^\{[^}]+\}$/.test(segment)) return undefined;
        if (/[{}]/.test(segment)) {
          throw new Error(
            `${operation.operationId} ${route.path}: a path parameter must fill a whole segment.`,
          );
        }
        return segment;
      }),
    })),
  );
  return (method, rawPath) => {
    const upper = method.toUpperCase();
    let path = rawPath.split(/[?#]/)[0]!;
    if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    const segments = path.split('/').map(decodeSegment);
    let best: { operation: O; score: string } | undefined;
    for (const route of routes) {
      if (route.method !== upper || route.segments.length !== segments.length) continue;
      // One character per segment, '1' for a literal and '0' for a parameter: comparing the strings
      // prefers the literal at the first segment where two routes differ.
      let score = '';
      for (let i = 0; i < segments.length; i++) {
        const literal = route.segments[i];
        if (literal === undefined ? segments[i] === '' : literal !== segments[i]) {
          score = '';
          break;
        }
        score += literal === undefined ? '0' : '1';
      }
      if (score !== '' && (!best || score > best.score)) best = { operation: route.operation, score };
    }
    return best?.operation;
  };
}

/** `decodeURI` leaves the escapes of reserved characters (`%2F`, `%3F`, …) alone; a bad escape stays as sent. */
function decodeSegment(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURI(segment);
  } catch {
    return segment;
  }
}

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
