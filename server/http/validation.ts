import type { ErrorObject } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import {
  type ApiError,
  fieldErrors,
  invalidChoice,
  invalidQuery,
  MESSAGES,
  notFound,
  shown,
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

/** Turns ajv's errors into the vendor's answer for that part of the request. */
export function validationError(context: Context, errors: ErrorObject[], body: unknown): ApiError {
  if (context === 'querystring') return invalidQuery();
  if (context === 'params') return notFound();
  // Field names come from the request ("constructor", "__proto__"): no inherited members to collide with.
  const fields: Record<string, string[]> = Object.create(null);
  for (const error of relevant(errors)) {
    const { field, path } = locate(error);
    const message = describe(error, valueAt(body, error.instancePath));
    const text = path ? `${path}: ${message}` : message;
    const list = fields[field] ?? [];
    if (!list.includes(text)) list.push(text);
    fields[field] = list;
  }
  if (Object.keys(fields).length === 0) fields.non_field_errors = [MESSAGES.invalid];
  return fieldErrors(fields);
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

/** The top-level field an error belongs to, and its path inside that field when nested. */
function locate(error: ErrorObject): { field: string; path: string } {
  const segments = error.instancePath.split('/').slice(1).map(unescapePointer);
  if (error.keyword === 'required') segments.push(String(error.params.missingProperty));
  if (error.keyword === 'additionalProperties') segments.push(String(error.params.additionalProperty));
  const [field, ...rest] = segments;
  if (field === undefined) return { field: 'non_field_errors', path: '' };
  if (rest.length === 0) return { field, path: '' };
  const path = [field, ...rest].reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : `${acc}.${s}`));
  return { field, path };
}

function describe(error: ErrorObject, value: unknown): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return MESSAGES.required;
    case 'type': {
      if (value === null) return MESSAGES.notNull;
      const expected = [p.type].flat().join(' | ');
      if (expected.includes('object'))
        return `딕셔너리(object)가 필요하지만 ${kind(value)}을(를) 받았습니다.`;
      if (expected.includes('array')) return `리스트(array)가 필요하지만 ${kind(value)}을(를) 받았습니다.`;
      if (expected === 'integer') return '유효한 정수(integer)를 넣어주세요.';
      if (expected === 'boolean') return `"${shown(value)}"은 유효한 불리언(boolean)이 아닙니다.`;
      if (expected.includes('number')) return '유효한 숫자(number) 또는 숫자 문자열을 넣어주세요.';
      return `유효한 문자열(string)이 아닙니다. (expected ${expected}, got ${kind(value)})`;
    }
    case 'enum':
      return `${invalidChoice(value)} (allowed: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')})`;
    case 'const':
      return `${invalidChoice(value)} (allowed: ${JSON.stringify(p.allowedValue)})`;
    case 'minLength':
      return p.limit === 1 ? MESSAGES.blank : `이 필드의 글자 수가 적어도 ${p.limit} 이상인지 확인하십시오.`;
    case 'maxLength':
      return `이 필드의 글자 수가 ${p.limit} 이하인지 확인하십시오.`;
    case 'minimum':
      return `이 값이 ${p.limit}보다 크거나 같은지 확인하십시오.`;
    case 'maximum':
      return `이 값이 ${p.limit}보다 작거나 같은지 확인하십시오.`;
    case 'minItems':
      return `이 리스트는 적어도 ${p.limit}개의 항목을 가져야 합니다.`;
    case 'maxItems':
      return `이 리스트는 최대 ${p.limit}개의 항목을 가질 수 있습니다.`;
    case 'pattern':
    case 'format':
      return `형식에 맞지 않는 값입니다. (${error.message})`;
    case 'additionalProperties':
      return '알 수 없는 필드입니다. (unknown field)';
    default:
      return `${MESSAGES.invalid} (${error.message})`;
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
