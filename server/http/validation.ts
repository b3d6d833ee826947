import type { ErrorObject } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import {
  type ApiError,
  fieldErrors,
  invalidQuery,
  MESSAGES,
  message,
  NON_FIELD_ERRORS,
  notFound,
  shown,
  withType,
} from '../domain/errors.ts';

/**
 * Request validation from the spec, with ajv in the OpenAPI 3.1 dialect (JSON Schema 2020-12).
 *
 * Bodies are validated as sent: no type coercion, no defaults, no removal of unknown fields — a
 * contract simulator must not quietly repair a request the real server would refuse. Path and query
 * values arrive as strings, so those two (only) are coerced to the declared types.
 */
export function createAjv(options: { coerce: boolean }) {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictTypes: false,
    strictRequired: false,
    // Errors carry the schema they failed (`parentSchema`), so messages can tell a nested object from a DictField.
    verbose: true,
    coerceTypes: options.coerce,
    useDefaults: options.coerce,
    removeAdditional: false,
    validateFormats: true,
  });
  addFormats.default(ajv);
  return ajv;
}

export function validatorCompiler(): FastifySchemaCompiler<Record<string, unknown>> {
  const bodies = createAjv({ coerce: false });
  const strings = createAjv({ coerce: true });
  return ({ schema, httpPart }) => (httpPart === 'body' ? bodies : strings).compile(schema);
}

type Context = 'body' | 'querystring' | 'params' | 'headers';
type Json = Record<string, unknown>;

/**
 * Turns ajv's errors into the vendor's answer for that part of the request. A body's errors take the
 * shape Django REST Framework gives them (`schema`, the body's JSON Schema, tells which shape):
 * - a field of the body: `{"<field>": ["<message>"]}`;
 * - a field of a nested object (a nested serializer, or a DictField such as `additional`): nested the
 *   same way, `{"order": {"currency": ["…"]}}`;
 * - an element of a list of objects: a list with `{}` for every element without errors,
 *   `{"options": [{}, {"quantity": ["…"]}]}`; an element of a list of plain values: keyed by its index,
 *   `{"poi": {"1": ["…"]}}`;
 * - the value of a nested object or list of objects as a whole (not an object, an empty list): under
 *   that field's `non_field_errors`, `{"order": {"non_field_errors": ["…"]}}` — but missing and null
 *   stay the field's own `["이 필드는 필수 항목입니다."]`, as DRF checks them before the nested
 *   serializer runs;
 * - the body itself (not an object): `{"non_field_errors": ["…"]}`.
 */
export function validationError(
  context: Context,
  errors: ErrorObject[],
  body: unknown,
  schema?: unknown,
  shape: 'nested' | 'flat' = 'nested',
): ApiError {
  if (context === 'querystring') return invalidQuery();
  if (context === 'params') return notFound();
  if (shape === 'flat') return flatErrors(errors, body);
  // Field names come from the request ("constructor", "__proto__"): no inherited members to collide with.
  const root: Node = newObject();
  for (const error of relevant(errors)) {
    const segments = error.instancePath.split('/').slice(1).map(unescapePointer);
    const leaf = error.keyword === 'required' || error.keyword === 'additionalProperties';
    if (error.keyword === 'required') segments.push(String(error.params.missingProperty));
    if (error.keyword === 'additionalProperties') segments.push(String(error.params.additionalProperty));
    const value = valueAt(body, error.instancePath);
    const message = describe(error, value);
    // A nested serializer's or list serializer's own value: DRF reports it inside, under non_field_errors.
    const kind = leaf || value === null ? 'field' : kindAt(schema, segments);
    if (segments.length === 0 || kind === 'object' || kind === 'objects') segments.push(NON_FIELD_ERRORS);
    place(root, segments, body, schema, message);
  }
  const shaped = toJson(root) as Json;
  if (Object.keys(shaped).length === 0) shaped[NON_FIELD_ERRORS] = [MESSAGES.invalid];
  return fieldErrors(shaped);
}

/**
 * The control API's own shape (openapi/simulator.yaml): every error under its top-level field, the
 * path inside it written in the message (`{"rules": ["rules[1].status: …"]}`).
 */
function flatErrors(errors: ErrorObject[], body: unknown): ApiError {
  const fields: Record<string, string[]> = Object.create(null);
  for (const error of relevant(errors)) {
    const segments = error.instancePath.split('/').slice(1).map(unescapePointer);
    if (error.keyword === 'required') segments.push(String(error.params.missingProperty));
    if (error.keyword === 'additionalProperties') segments.push(String(error.params.additionalProperty));
    const [field = NON_FIELD_ERRORS, ...rest] = segments;
    const path = rest.reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : `${acc}.${s}`), field);
    const message = describe(error, valueAt(body, error.instancePath));
    const text = rest.length > 0 ? `${path}: ${message}` : message;
    const list = fields[field] ?? [];
    if (!list.includes(text)) list.push(text);
    fields[field] = list;
  }
  if (Object.keys(fields).length === 0) fields[NON_FIELD_ERRORS] = [MESSAGES.invalid];
  return fieldErrors(fields);
}

/** The errors being built: messages at a leaf, fields of an object, or elements of a list of objects. */
type Node =
  | { kind: 'messages'; messages: string[] }
  | { kind: 'object'; fields: Map<string, Node> }
  | { kind: 'list'; length: number; items: Map<number, Node> };

const newObject = (): Node => ({ kind: 'object', fields: new Map() });

/** What the schema at `segments` describes: a nested serializer, a list of them, or a plain field. */
function kindAt(schema: unknown, segments: readonly string[]): 'object' | 'objects' | 'field' {
  const node = schemaAt(schema, segments);
  if (isSerializer(node)) return 'object';
  if (isRecord(node) && node.type === 'array' && isSerializer(node.items)) return 'objects';
  return 'field';
}

/** An object schema with declared properties: DRF's nested serializer (a DictField has none). */
function isSerializer(node: unknown): boolean {
  return isRecord(node) && isRecord(node.properties) && Object.keys(node.properties).length > 0;
}

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The sub-schema a path of the body leads to, through properties, additionalProperties and items. */
function schemaAt(schema: unknown, segments: readonly string[]): unknown {
  let node = schema;
  for (const segment of segments) {
    if (!isRecord(node)) return undefined;
    if (node.type === 'array' || node.items !== undefined) {
      node = node.items;
    } else if (isRecord(node.properties) && Object.hasOwn(node.properties, segment)) {
      node = node.properties[segment];
    } else {
      node = isRecord(node.additionalProperties) ? node.additionalProperties : undefined;
    }
  }
  return node;
}

/** Puts `message` at `segments` of the tree, making objects and lists on the way. */
function place(
  root: Node,
  segments: readonly string[],
  body: unknown,
  schema: unknown,
  message: string,
): void {
  let node = root;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const last = i === segments.length - 1;
    const child = (): Node => {
      if (last) return { kind: 'messages', messages: [] };
      // The next segment indexes into this one: a list of objects, or a plain list keyed by index.
      const path = segments.slice(0, i + 1);
      const value = valueAt(body, `/${path.map(escapePointer).join('/')}`);
      const indexed = /^\d+$/.test(segments[i + 1]!);
      if (indexed && Array.isArray(value) && kindAt(schema, path) === 'objects') {
        return { kind: 'list', length: value.length, items: new Map() };
      }
      return newObject();
    };
    node = childOf(node, segment, child);
  }
  if (node.kind === 'messages' && !node.messages.includes(message)) node.messages.push(message);
}

function childOf(node: Node, segment: string, make: () => Node): Node {
  if (node.kind === 'list' && /^\d+$/.test(segment)) {
    const index = Number(segment);
    let item = node.items.get(index);
    if (item === undefined) {
      item = newObject();
      node.items.set(index, item);
    }
    return item;
  }
  // Messages about the value itself and errors inside it cannot share a key: the inside wins, and
  // the messages move to its non_field_errors (a list with such errors becomes an object by index).
  if (node.kind !== 'object') Object.assign(node, asObject(node), { items: undefined, length: undefined });
  const fields = (node as Extract<Node, { kind: 'object' }>).fields;
  let next = fields.get(segment);
  if (next === undefined) {
    next = make();
    fields.set(segment, next);
  } else if (next.kind === 'messages') {
    const wanted = make();
    if (wanted.kind !== 'messages') {
      const moved = asObject(wanted);
      moved.fields.set(NON_FIELD_ERRORS, next);
      fields.set(segment, moved);
      next = moved;
    }
  }
  return next;
}

/** An object node standing for `node` (a list's elements keyed by index). */
function asObject(node: Node): Extract<Node, { kind: 'object' }> {
  if (node.kind === 'object') return node;
  if (node.kind === 'list') {
    const fields = new Map<string, Node>([...node.items].map(([i, item]) => [String(i), item]));
    return { kind: 'object', fields };
  }
  return { kind: 'object', fields: new Map([[NON_FIELD_ERRORS, node]]) };
}

function toJson(node: Node): unknown {
  if (node.kind === 'messages') return node.messages;
  if (node.kind === 'list') {
    const length = Math.max(node.length, ...[...node.items.keys()].map((i) => i + 1));
    return Array.from({ length }, (_, i) => {
      const item = node.items.get(i);
      return item ? toJson(item) : {};
    });
  }
  const out: Json = Object.create(null);
  for (const [key, child] of node.fields) out[key] = toJson(child);
  return out;
}

/**
 * Drops the noise of combinators: for `anyOf` alternatives (a field or its deprecated spelling) only the
 * first branch — the current name — is reported.
 */
function relevant(errors: ErrorObject[]): ErrorObject[] {
  return errors.filter(
    (e) =>
      !['anyOf', 'oneOf', 'allOf', 'if', 'not'].includes(e.keyword) &&
      !/\/(anyOf|oneOf)\/[1-9]\d*\//.test(e.schemaPath),
  );
}

function describe(error: ErrorObject, value: unknown): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return MESSAGES.required;
    case 'type': {
      if (value === null) return MESSAGES.notNull;
      const expected = [p.type].flat().join(' | ');
      // DRF's own words: a nested serializer's, a DictField's, a list's.
      if (expected === 'object') {
        return withType(isSerializer(error.parentSchema) ? MESSAGES.notADict : MESSAGES.notADictField, value);
      }
      if (expected === 'array') return withType(MESSAGES.notAList, value);
      if (expected === 'integer') return message('notAnInteger');
      if (expected === 'boolean') return message('notABoolean', { value: shown(value) });
      if (expected.includes('number')) return message('notANumber');
      return message('notAString', { expected, got: kind(value) });
    }
    case 'enum':
      return message('notAllowed', {
        value: shown(value),
        allowed: (p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', '),
      });
    case 'const':
      return message('notAllowed', { value: shown(value), allowed: String(JSON.stringify(p.allowedValue)) });
    case 'minLength':
      return p.limit === 1 ? MESSAGES.blank : message('tooShort', { limit: String(p.limit) });
    case 'maxLength':
      return message('tooLong', { limit: String(p.limit) });
    case 'minimum':
      return message('belowMinimum', { limit: String(p.limit) });
    case 'maximum':
      return message('aboveMaximum', { limit: String(p.limit) });
    case 'minItems':
      return message('tooFewItems', { limit: String(p.limit) });
    case 'maxItems':
      return message('tooManyItems', { limit: String(p.limit) });
    case 'pattern':
    case 'format':
      return message('badFormat', { why: String(error.message) });
    case 'additionalProperties':
      return message('unknownField');
    default:
      return message('invalidBecause', { why: String(error.message) });
  }
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  return typeof value;
}

function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const raw of pointer.split('/').slice(1)) {
    node = (node as Record<string, unknown> | undefined)?.[unescapePointer(raw)];
  }
  return node;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** How deep a request body may nest (objects and arrays). Far beyond any document's shapes. */
export const MAX_JSON_DEPTH = 256;

/**
 * True when `value` nests deeper than `limit`. The walk stops `limit` levels down, so the check itself
 * survives the input it exists for: a body of `[[[[…]]]]` 20 000 deep parses fine but overflows the
 * stack of every unbounded recursive walk after it (hashing, journaling, cloning, serialising).
 */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (limit === 0) return true;
  if (Array.isArray(value)) return value.some((item) => nestedDeeperThan(item, limit - 1));
  for (const key in value) {
    if (nestedDeeperThan((value as Record<string, unknown>)[key], limit - 1)) return true;
  }
  return false;
}
