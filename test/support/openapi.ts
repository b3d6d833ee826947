import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

/**
 * The two OpenAPI documents read independently of the simulator's own loader, for tests that hold the
 * simulator to them: every operation with its routes (aliases included), documented statuses,
 * parameters and request body; a router that says which operation a method + raw path designates; and
 * a response checker with its own Ajv 2020 + ajv-formats.
 */

export type Json = Record<string, unknown>;
export type DocumentName = 'ax-cloud' | 'simulator';

export const DOCUMENTS: Record<DocumentName, string> = {
  'ax-cloud': new URL('../../openapi/ax-cloud.yaml', import.meta.url).pathname,
  simulator: new URL('../../openapi/simulator.yaml', import.meta.url).pathname,
};

export interface DocOperation {
  document: DocumentName;
  operationId: string;
  method: string;
  path: string;
  /** The path and its `x-ax-aliases`, each with its method. */
  routes: Array<{ method: string; path: string }>;
  statuses: number[];
  successStatus: number;
  pathParams: string[];
  queryParams: Array<{ name: string; schema: Json }>;
  requestBody?: { required: boolean; schema: Json };
  /** `security: []`: no API key needed. */
  isPublic: boolean;
  /** Resolved JSON schemas of the JSON responses, by status. */
  responses: Map<number, Json | undefined>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Inlines local `$ref`s; sibling keywords of a `$ref` are merged over the target. */
function deref(node: unknown, root: Json, depth = 0): unknown {
  if (depth > 50) throw new Error('$ref too deep');
  if (Array.isArray(node)) return node.map((n) => deref(n, root, depth));
  if (!node || typeof node !== 'object') return node;
  const obj = node as Json;
  if (typeof obj.$ref === 'string') {
    let target: unknown = root;
    for (const part of obj.$ref.slice(2).split('/')) target = (target as Json)[part.replace(/~1/g, '/')];
    const { $ref: _, ...siblings } = obj;
    return { ...(deref(target, root, depth + 1) as Json), ...(deref(siblings, root, depth) as Json) };
  }
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, deref(v, root, depth)]));
}

let cache: DocOperation[] | undefined;

/** Every operation of both documents. */
export function specOperations(): DocOperation[] {
  if (cache) return cache;
  const ops: DocOperation[] = [];
  for (const [document, file] of Object.entries(DOCUMENTS) as Array<[DocumentName, string]>) {
    const raw = parse(readFileSync(file, 'utf8')) as Json;
    const doc = deref(raw, raw) as Json;
    for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
      for (const method of METHODS) {
        const op = item[method] as Json | undefined;
        if (!op) continue;
        const parameters = [...((item.parameters ?? []) as Json[]), ...((op.parameters ?? []) as Json[])];
        const responses = new Map<number, Json | undefined>();
        for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
          const content = response.content as Record<string, Json> | undefined;
          responses.set(Number(status), content?.['application/json']?.schema as Json | undefined);
        }
        const body = op.requestBody as Json | undefined;
        const bodySchema = (body?.content as Record<string, Json> | undefined)?.['application/json']?.schema;
        const statuses = [...responses.keys()];
        ops.push({
          document,
          operationId: String(op.operationId),
          method: method.toUpperCase(),
          path,
          routes: [
            { method: method.toUpperCase(), path },
            ...((op['x-ax-aliases'] ?? []) as Array<{ method: string; path: string }>).map((a) => ({
              method: a.method.toUpperCase(),
              path: a.path,
            })),
          ],
          statuses,
          successStatus: statuses.find((s) => s >= 200 && s < 300) ?? 200,
          pathParams: parameters.filter((p) => p.in === 'path').map((p) => String(p.name)),
          queryParams: parameters
            .filter((p) => p.in === 'query')
            .map((p) => ({ name: String(p.name), schema: (p.schema ?? {}) as Json })),
          requestBody: bodySchema
            ? { required: body?.required === true, schema: bodySchema as Json }
            : undefined,
          isPublic: Array.isArray(op.security) && op.security.length === 0,
          responses,
        });
      }
    }
  }
  cache = ops;
  return ops;
}

export function operation(operationId: string): DocOperation {
  const op = specOperations().find((o) => o.operationId === operationId);
  if (!op) throw new Error(`no operation ${operationId}`);
  return op;
}

/** Fills `{name}` placeholders with already-encoded segments. */
export function fillPath(path: string, params: Record<string, string>): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for path parameter ${name}`);
    return value;
  });
}

/**
 * The operation a request designates, the way the simulator's router (find-my-way, trailing slash
 * ignored) picks it: segment by segment, a static segment before a parameter. `rawPath` is the path as
 * sent (no query); static segments are compared as sent, so callers must not percent-encode them.
 */
export function routeOf(method: string, rawPath: string): DocOperation | undefined {
  let path = rawPath.split('?')[0]!;
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  const segments = path.split('/');
  let best: { op: DocOperation; score: string } | undefined;
  for (const op of specOperations()) {
    for (const route of op.routes) {
      if (route.method !== method) continue;
      const template = route.path.split('/');
      if (template.length !== segments.length) continue;
      let score = '';
      let ok = true;
      for (let i = 0; i < template.length; i++) {
        const t = template[i]!;
        if (t.startsWith('{')) {
          if (segments[i] === '') ok = false;
          score += '0';
        } else if (t === segments[i]) {
          score += '1';
        } else {
          ok = false;
        }
        if (!ok) break;
      }
      if (ok && (!best || score > best.score)) best = { op, score };
    }
  }
  return best?.op;
}

const DETAIL_ERROR: Json = {
  type: 'object',
  additionalProperties: false,
  required: ['detail'],
  properties: { detail: { type: 'string' } },
};

/** A fresh Ajv 2020 with formats, compiling each response schema once. */
export function responseChecker() {
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true });
  addFormats.default(ajv);
  const compiled = new Map<string, ValidateFunction>();
  const validatorFor = (key: string, schema: Json) => {
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.compile(schema);
      compiled.set(key, validate);
    }
    return validate;
  };
  const describe = (errors: ErrorObject[] | null | undefined) =>
    (errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || '/'} ${e.message}`)
      .join('; ');

  /**
   * What is wrong with an answer, or [] when it keeps the contract. `op` undefined: no operation has
   * this method and path, and the only right answer is the 404 `{"detail"}`. A request that carried a
   * body may also be refused for that body (413, 415, or a 400 for malformed JSON) even where the
   * operation takes none.
   */
  return function check(
    op: DocOperation | undefined,
    answer: { status: number; contentType: string | undefined; body: string },
    sentBody: boolean,
  ): string[] {
    const problems: string[] = [];
    const { status } = answer;
    if (status >= 500) problems.push(`${status} answered`);
    let parsed: unknown;
    try {
      parsed = answer.body === '' ? undefined : JSON.parse(answer.body);
    } catch {
      problems.push(`body is not JSON: ${answer.body.slice(0, 200)}`);
      return problems;
    }
    if (!answer.contentType?.startsWith('application/json')) {
      problems.push(`content-type ${answer.contentType} is not application/json`);
    }
    const bodyErrors = sentBody ? [413, 415, 400] : [];
    let schema: Json | undefined;
    let key: string;
    if (!op) {
      if (status !== 404 && !bodyErrors.includes(status))
        problems.push(`${status} for a path no operation has`);
      schema = DETAIL_ERROR;
      key = 'detail';
    } else if (op.responses.has(status)) {
      schema = op.responses.get(status);
      key = `${op.operationId} ${status}`;
    } else if (bodyErrors.includes(status)) {
      schema = DETAIL_ERROR;
      key = 'detail';
    } else {
      problems.push(`${status} is not documented for ${op.operationId} (${op.statuses.join(', ')})`);
      return problems;
    }
    if (schema) {
      const validate = validatorFor(key, schema);
      if (!validate(parsed)) {
        problems.push(
          `${status} body violates the schema of ${op?.operationId ?? '404'}: ${describe(validate.errors)} — ${answer.body.slice(0, 300)}`,
        );
      }
    }
    return problems;
  };
}
