import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { packageFile } from '../package-files.ts';

/**
 * Reads an OpenAPI document into what route registration needs: one entry per operation with its
 * method, Fastify URL, aliases and JSON Schemas for params, query and body. Everything the simulator
 * validates comes from here, so the document stays the single source of truth.
 */

export const AX_CLOUD_SPEC = packageFile('openapi', 'ax-cloud.yaml');
export const SIMULATOR_SPEC = packageFile('openapi', 'simulator.yaml');

type Json = Record<string, unknown>;

export interface OperationSpec {
  operationId: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** The OpenAPI path, e.g. `/v1/channel/products/tour/{product_code}`. */
  path: string;
  /** The same path in Fastify's syntax, e.g. `/v1/channel/products/tour/:product_code`. */
  url: string;
  /** Deprecated spellings the simulator also serves (`x-ax-aliases`). */
  aliases: Array<{ method: OperationSpec['method']; url: string }>;
  /** The documented success status. */
  successStatus: number;
  params?: Json;
  querystring?: Json;
  body?: Json;
  bodyRequired: boolean;
}

export interface LoadedSpec {
  /** The document as written (serve it as is). */
  document: Json;
  operations: OperationSpec[];
}

const METHODS = ['get', 'post', 'patch', 'put', 'delete'] as const;

export function loadSpec(file: string): LoadedSpec {
  const document = parse(readFileSync(file, 'utf8')) as Json;
  // Work on a copy: the served document stays exactly as written.
  const resolved = deref(structuredClone(document), document) as Json;
  const operations: OperationSpec[] = [];
  for (const [path, item] of Object.entries((resolved.paths ?? {}) as Record<string, Json>)) {
    const shared = (item.parameters ?? []) as Json[];
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const parameters = [...shared, ...((op.parameters ?? []) as Json[])];
      const requestBody = op.requestBody as Json | undefined;
      const bodySchema = (requestBody?.content as Json | undefined)?.['application/json'] as Json | undefined;
      const success = Object.keys((op.responses ?? {}) as Json).find((code) => /^2\d\d$/.test(code));
      operations.push({
        operationId: String(op.operationId),
        method: method.toUpperCase() as OperationSpec['method'],
        path,
        url: toFastifyUrl(path),
        aliases: ((op['x-ax-aliases'] ?? []) as Array<{ method: string; path: string }>).map((a) => ({
          method: a.method.toUpperCase() as OperationSpec['method'],
          url: toFastifyUrl(a.path),
        })),
        successStatus: Number(success ?? 200),
        params: objectSchema(parameters.filter((p) => p.in === 'path')),
        querystring: objectSchema(parameters.filter((p) => p.in === 'query')),
        body: bodySchema?.schema ? toJsonSchema(bodySchema.schema) : undefined,
        bodyRequired: requestBody?.required === true,
      });
    }
  }
  return { document, operations };
}

/** JSON Schema of a response, for tests that check answers against the document. */
export function responseSchema(spec: LoadedSpec, operationId: string, status: number): Json | undefined {
  const resolved = deref(structuredClone(spec.document), spec.document) as Json;
  for (const item of Object.values((resolved.paths ?? {}) as Record<string, Json>)) {
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (op?.operationId !== operationId) continue;
      const response = ((op.responses ?? {}) as Json)[String(status)] as Json | undefined;
      const media = (response?.content as Json | undefined)?.['application/json'] as Json | undefined;
      return media?.schema ? toJsonSchema(media.schema) : undefined;
    }
  }
  return undefined;
}

function toFastifyUrl(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}

function objectSchema(parameters: Json[]): Json | undefined {
  if (parameters.length === 0) return undefined;
  const properties: Json = {};
  const required: string[] = [];
  for (const p of parameters) {
    properties[String(p.name)] = toJsonSchema(p.schema ?? {});
    if (p.required) required.push(String(p.name));
  }
  return { type: 'object', properties, required };
}

/** Inlines local `$ref`s (`#/components/...`). The documents have no recursive schemas. */
function deref(node: unknown, root: Json, depth = 0): unknown {
  if (depth > 64) throw new Error('$ref nesting too deep (recursive schema?)');
  if (Array.isArray(node)) return node.map((n) => deref(n, root, depth));
  if (!node || typeof node !== 'object') return node;
  const obj = node as Json;
  if (typeof obj.$ref === 'string') {
    const target = resolvePointer(root, obj.$ref);
    const { $ref: _, ...siblings } = obj;
    const inlined = deref(structuredClone(target), root, depth + 1) as Json;
    return Object.keys(siblings).length > 0
      ? { ...inlined, ...(deref(siblings, root, depth) as Json) }
      : inlined;
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(obj)) out[k] = deref(v, root, depth);
  return out;
}

function resolvePointer(root: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`Only local $refs are supported, got ${ref}`);
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = (node as Json | undefined)?.[key];
    if (node === undefined) throw new Error(`Unresolvable $ref ${ref}`);
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
 * `deprecated`, which 2020-12 knows).
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
      out[key] = value;
    } else {
      out[key] = strip(value);
    }
  }
  return out;
}
