import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { packageFile } from '../../server/package-files.ts';

/**
 * The operations of the two OpenAPI documents, read straight from the YAML — independent of the
 * simulator's own route and serializer code: method, path (and deprecated alias paths), and the JSON
 * Schema of every documented response, with local `$ref`s inlined.
 */

// From the package root: this module also runs built, from dist/contract-tests/support/.
export const AX_CLOUD_YAML = packageFile('openapi', 'ax-cloud.yaml');
export const SIMULATOR_YAML = packageFile('openapi', 'simulator.yaml');

type Json = Record<string, unknown>;

export interface ContractOperation {
  operationId: string;
  document: 'ax-cloud' | 'simulator';
  method: string;
  path: string;
  /** The path and its `x-ax-aliases`, as method + regular expression over the request path. */
  routes: Array<{ method: string; pattern: RegExp }>;
  /** Documented status → JSON Schema of its JSON body (`null` when the status documents no body). */
  responses: Map<number, Json | null>;
}

const METHODS = ['get', 'post', 'patch', 'put', 'delete'] as const;

let cache: ContractOperation[] | undefined;

/** Every operation of openapi/ax-cloud.yaml, then of openapi/simulator.yaml. */
export function contractOperations(): ContractOperation[] {
  cache ??= [...readOperations(AX_CLOUD_YAML, 'ax-cloud'), ...readOperations(SIMULATOR_YAML, 'simulator')];
  return cache;
}

/** The operationIds of the vendor contract (openapi/ax-cloud.yaml), in document order. */
export function axCloudOperationIds(): string[] {
  return contractOperations()
    .filter((op) => op.document === 'ax-cloud')
    .map((op) => op.operationId);
}

export function operationById(operationId: string): ContractOperation | undefined {
  return contractOperations().find((op) => op.operationId === operationId);
}

/** The operation a raw request (method + path, query ignored) addresses, if any. */
export function operationForRequest(method: string, path: string): ContractOperation | undefined {
  const bare = path.split('?')[0]!.replace(/(.)\/+$/, '$1');
  const upper = method.toUpperCase();
  // A literal segment beats a parameter: `/products/tour/update` is not `/products/tour/{product_code}`.
  const matches = contractOperations().filter((op) =>
    op.routes.some((r) => r.method === upper && r.pattern.test(bare)),
  );
  return matches.sort((a, b) => literalLength(b.path) - literalLength(a.path))[0];
}

const literalLength = (path: string) => path.replace(/\{[^}]+\}/g, '').length;

function readOperations(file: string, document: ContractOperation['document']): ContractOperation[] {
  const root = parse(readFileSync(file, 'utf8')) as Json;
  const operations: ContractOperation[] = [];
  for (const [path, rawItem] of Object.entries((root.paths ?? {}) as Json)) {
    const item = deref(rawItem, root) as Json;
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const responses = new Map<number, Json | null>();
      for (const [status, response] of Object.entries((op.responses ?? {}) as Json)) {
        const content = (response as Json).content as Json | undefined;
        const media = content?.['application/json'] as Json | undefined;
        responses.set(Number(status), (media?.schema as Json | undefined) ?? null);
      }
      const aliases = (op['x-ax-aliases'] ?? []) as Array<{ method: string; path: string }>;
      operations.push({
        operationId: String(op.operationId),
        document,
        method: method.toUpperCase(),
        path,
        routes: [{ method, path }, ...aliases].map((r) => ({
          method: r.method.toUpperCase(),
          pattern: pathPattern(r.path),
        })),
        responses,
      });
    }
  }
  return operations;
}

function pathPattern(template: string): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

/** Inlines local `$ref`s (the documents have no recursive schemas). */
function deref(node: unknown, root: Json, depth = 0): unknown {
  if (depth > 64) throw new Error('$ref nesting too deep');
  if (Array.isArray(node)) return node.map((n) => deref(n, root, depth));
  if (!node || typeof node !== 'object') return node;
  const obj = node as Json;
  if (typeof obj.$ref === 'string') {
    const { $ref, ...siblings } = obj;
    const target = deref(resolvePointer(root, $ref), root, depth + 1) as Json;
    return Object.keys(siblings).length > 0
      ? { ...target, ...(deref(siblings, root, depth) as Json) }
      : target;
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(obj)) out[key] = deref(value, root, depth);
  return out;
}

function resolvePointer(root: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported, got ${ref}`);
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    node = (node as Json | undefined)?.[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (node === undefined) throw new Error(`unresolvable $ref ${ref}`);
  }
  return node;
}
