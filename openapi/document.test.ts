import { describe, expect, it } from 'vitest';
import {
  AX_CLOUD_DOCUMENT,
  allOperations,
  dereference,
  type Json,
  operationsOf,
  pathMatcher,
  readDocument,
  resolvePointer,
  SIMULATOR_DOCUMENT,
  toJsonSchema,
} from './document.ts';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

const ok = (schema?: Json) => ({
  description: 'ok',
  ...(schema && { content: { 'application/json': { schema } } }),
});
const doc = (paths: Json, components: Json = {}) => ({
  openapi: '3.1.0',
  info: { title: 't', version: '1' },
  paths,
  components,
});

describe('dereference()', () => {
  it('unescapes ~1 to / and ~0 to ~, in that order, after percent-decoding', () => {
    const root = { a: { 'x/y': 1, 'x~y': 2, '~1': 3, 'with space': 4 } };
    expect(resolvePointer(root, '#/a/x~1y')).toBe(1);
    expect(resolvePointer(root, '#/a/x~0y')).toBe(2);
    // `~01` is a `~` followed by `1`, not a `/`.
    expect(resolvePointer(root, '#/a/~01')).toBe(3);
    expect(resolvePointer(root, '#/a/with%20space')).toBe(4);
  });

  it('follows only local references, and names what it cannot follow', () => {
    const root = { a: { b: 1 }, list: [10, 20] };
    expect(resolvePointer(root, '#/list/1')).toBe(20);
    for (const ref of ['other.yaml#/a', 'https://example.com/s.yaml#/a', '#a', 'a/b']) {
      expect(() => resolvePointer(root, ref, 'doc.yaml')).toThrow(
        `doc.yaml: cannot follow $ref ${ref}: only local references (#/...) are supported.`,
      );
    }
    expect(() => resolvePointer(root, '#/a/c', 'doc.yaml')).toThrow(
      'doc.yaml: $ref #/a/c points at nothing.',
    );
    // Keys an object inherits are not in the document.
    expect(() => resolvePointer(root, '#/a/constructor')).toThrow('points at nothing');
    expect(() => resolvePointer(root, '#/a/b/c')).toThrow('points at nothing');
    expect(() => resolvePointer(root, '#/a/%E0')).toThrow('is not a valid URI fragment');
  });

  it('inlines every $ref, lays sibling keywords over the target and leaves the input alone', () => {
    const input = deepFreeze({
      components: {
        schemas: {
          Code: { type: 'string', description: 'a code' },
          Pair: { type: 'array', items: { $ref: '#/components/schemas/Code' } },
        },
      },
      use: {
        plain: { $ref: '#/components/schemas/Code' },
        described: { $ref: '#/components/schemas/Code', description: 'the product code', minLength: 1 },
        nested: { $ref: '#/components/schemas/Pair' },
      },
    });
    const out = dereference(input);
    expect(out.use.plain).toEqual({ type: 'string', description: 'a code' });
    expect(out.use.described).toEqual({ type: 'string', description: 'the product code', minLength: 1 });
    expect(out.use.nested).toEqual({ type: 'array', items: { type: 'string', description: 'a code' } });
    // Copies, not the target itself: a consumer that changes one changes nothing else.
    expect(out.use.plain).not.toBe(out.components.schemas.Code);
    expect(() => dereference({ a: 'text', b: { $ref: '#/a', description: 'x' } })).toThrow(
      'has keywords beside it but points at no object',
    );
  });

  it('refuses a recursive $ref, direct or through others, but not one used twice', () => {
    const direct = { s: { type: 'object', properties: { child: { $ref: '#/s' } } }, use: { $ref: '#/s' } };
    expect(() => dereference(direct, 'doc.yaml')).toThrow(
      'doc.yaml: $ref #/s is recursive (#/s → #/s); it cannot be inlined.',
    );
    const cycle = { a: { items: { $ref: '#/b' } }, b: { items: { $ref: '#/a' } }, use: { $ref: '#/a' } };
    expect(() => dereference(cycle)).toThrow('$ref #/b is recursive (#/b → #/a → #/b)');
    const twice = { s: { type: 'string' }, pair: [{ $ref: '#/s' }, { items: { $ref: '#/s' } }] };
    expect(dereference(twice).pair).toEqual([{ type: 'string' }, { items: { type: 'string' } }]);
  });
});

describe('toJsonSchema()', () => {
  it('drops OpenAPI-only keywords and x- extensions, keeps property names and data as they are', () => {
    const schema = {
      type: 'object',
      example: { a: 1 },
      'x-internal': true,
      properties: { example: { type: 'string', nullable: true }, 'x-name': { type: 'integer' } },
      examples: [{ example: 1, 'x-y': 2 }],
      enum: [{ 'x-z': 1 }],
    };
    expect(toJsonSchema(schema)).toEqual({
      type: 'object',
      properties: { example: { type: 'string' }, 'x-name': { type: 'integer' } },
      examples: [{ example: 1, 'x-y': 2 }],
      enum: [{ 'x-z': 1 }],
    });
    expect(toJsonSchema(schema).examples).not.toBe(schema.examples);
  });
});

describe('operationsOf()', () => {
  const document = deepFreeze(
    doc(
      {
        '/things/{code}': {
          parameters: [
            { name: 'code', in: 'path', required: true, schema: { type: 'string', example: 'T-1' } },
            { name: 'lang', in: 'query', schema: { type: 'string' } },
          ],
          get: {
            operationId: 'getThing',
            'x-ax-aliases': [
              { method: 'get', path: '/thing/{code}' },
              { method: 'POST', path: '/things/{code}' },
            ],
            parameters: [{ name: 'lang', in: 'query', required: true, schema: { enum: ['ko', 'en'] } }],
            responses: {
              '404': { $ref: '#/components/responses/Detail' },
              '200': ok({ $ref: '#/components/schemas/Thing' }),
            },
          },
          patch: {
            operationId: 'changeThing',
            security: [],
            requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
            responses: { '204': ok(), '200': ok({ type: 'object' }) },
          },
        },
        '/ref': { $ref: '#/components/pathItems/Ref' },
      },
      {
        schemas: {
          Thing: { type: 'object', example: { code: 'T-1' }, properties: { code: { type: 'string' } } },
        },
        responses: { Detail: ok({ type: 'object', required: ['detail'] }) },
        pathItems: { Ref: { delete: { operationId: 'dropRef', responses: { '204': ok() } } } },
      },
    ),
  );

  it('reads each operation with its routes, parameters, body and response schemas', () => {
    const [get, patch, drop] = operationsOf(document, 'doc');
    expect(get).toEqual({
      operationId: 'getThing',
      method: 'GET',
      path: '/things/{code}',
      url: '/things/:code',
      aliases: [
        { method: 'GET', path: '/thing/{code}', url: '/thing/:code' },
        { method: 'POST', path: '/things/{code}', url: '/things/:code' },
      ],
      routes: [
        { method: 'GET', path: '/things/{code}', url: '/things/:code' },
        { method: 'GET', path: '/thing/{code}', url: '/thing/:code' },
        { method: 'POST', path: '/things/{code}', url: '/things/:code' },
      ],
      // The operation's own `lang` replaces the path item's; `example` is gone from the schemas.
      parameters: [
        { name: 'code', in: 'path', required: true, schema: { type: 'string' } },
        { name: 'lang', in: 'query', required: true, schema: { enum: ['ko', 'en'] } },
      ],
      responses: new Map([
        [404, { type: 'object', required: ['detail'] }],
        [200, { type: 'object', properties: { code: { type: 'string' } } }],
      ]),
      statuses: [200, 404],
      successStatuses: [200],
      successStatus: 200,
      isPublic: false,
    });
    expect(patch).toMatchObject({
      operationId: 'changeThing',
      method: 'PATCH',
      requestBody: { required: true, schema: { type: 'object' } },
      responses: new Map([
        [200, { type: 'object' }],
        [204, undefined],
      ]),
      successStatuses: [200, 204],
      successStatus: 200,
      isPublic: true,
    });
    expect(get?.requestBody).toBeUndefined();
    expect(drop).toMatchObject({
      operationId: 'dropRef',
      method: 'DELETE',
      path: '/ref',
      successStatus: 204,
    });
  });

  it.each([
    [
      { '/a': { get: { responses: { '200': ok() } } } },
      'doc GET /a: needs an operationId that is a JavaScript identifier',
    ],
    [
      {
        '/a': { get: { operationId: 'x', responses: { '200': ok() } } },
        '/b': { put: { operationId: 'x', responses: { '200': ok() } } },
      },
      'doc PUT /b: operationId "x" is already used by doc GET /a.',
    ],
    [
      { '/a': { get: { operationId: 'a', responses: { default: ok() } } } },
      'doc GET /a: response "default" is not supported',
    ],
    [
      { '/a': { get: { operationId: 'a', responses: { '404': ok() } } } },
      'doc GET /a: documents no 2xx response',
    ],
    [
      {
        '/a': {
          get: {
            operationId: 'a',
            'x-ax-aliases': [{ method: 'fetch', path: '/b' }],
            responses: { '200': ok() },
          },
        },
      },
      'doc GET /a: x-ax-aliases entry {"method":"fetch","path":"/b"} needs a method and a path.',
    ],
    [{ '/a': { get: { $ref: 'other.yaml#/get' } } }, 'doc: cannot follow $ref other.yaml#/get'],
  ])('refuses %j', (paths, message) => {
    expect(() => operationsOf(doc(paths), 'doc')).toThrow(message);
  });

  it('refuses what is not an OpenAPI document', () => {
    expect(() => operationsOf({ swagger: '2.0' }, 'old.yaml')).toThrow('old.yaml: not an OpenAPI document');
    expect(() => operationsOf({ openapi: '3.1.0', paths: [] }, 'doc')).toThrow(
      'doc: "paths" must be an object.',
    );
  });
});

describe('pathMatcher()', () => {
  const operations = operationsOf(
    doc({
      '/products/{code}': {
        get: {
          operationId: 'getProduct',
          'x-ax-aliases': [{ method: 'get', path: '/product/{code}' }],
          responses: { '200': ok() },
        },
      },
      '/products/update': { get: { operationId: 'listUpdates', responses: { '200': ok() } } },
      '/products/{code}/options/{option}': { put: { operationId: 'putOption', responses: { '200': ok() } } },
      '/products/{code}/options/all': { put: { operationId: 'putAllOptions', responses: { '200': ok() } } },
    }),
    'doc',
  );
  const match = (method: string, path: string) => pathMatcher(operations)(method, path)?.operationId;

  it('finds the operation by method and path, aliases included', () => {
    expect(match('GET', '/products/P-1')).toBe('getProduct');
    expect(match('GET', '/product/P-1')).toBe('getProduct');
    expect(match('get', '/products/P-1')).toBe('getProduct');
    expect(match('POST', '/products/P-1')).toBeUndefined();
    expect(match('PUT', '/products/P-1/options/O-1')).toBe('putOption');
    expect(match('GET', '/products')).toBeUndefined();
    expect(match('GET', '/products/P-1/extra')).toBeUndefined();
  });

  it('prefers a literal segment to a parameter', () => {
    expect(match('GET', '/products/update')).toBe('listUpdates');
    expect(match('PUT', '/products/P-1/options/all')).toBe('putAllOptions');
    expect(match('PUT', '/products/update/options/O-1')).toBe('putOption');
  });

  it('takes %-encoded parameter segments as one segment and decodes literals as the router does', () => {
    expect(match('GET', '/products/A%2FB')).toBe('getProduct');
    expect(match('GET', '/products/%E2%82%AC%20x')).toBe('getProduct');
    expect(match('GET', '/products/%')).toBe('getProduct');
    expect(match('GET', '/products/upd%61te')).toBe('listUpdates');
    expect(match('GET', '/product%2Fs/P-1')).toBeUndefined();
  });

  it('ignores the query and one trailing slash, and takes no empty parameter', () => {
    expect(match('GET', '/products/P-1?page=2&x=/a/b')).toBe('getProduct');
    expect(match('GET', '/products/P-1/')).toBe('getProduct');
    expect(match('GET', '/products/update/?q')).toBe('listUpdates');
    expect(match('GET', '/products/P-1//')).toBeUndefined();
    expect(match('GET', '/products//')).toBeUndefined();
    expect(match('PUT', '/products//options/O-1')).toBeUndefined();
  });

  it('refuses a parameter that fills only part of a segment', () => {
    const [op] = operationsOf(
      doc({ '/files/{name}.json': { get: { operationId: 'f', responses: { '200': ok() } } } }),
      'doc',
    );
    expect(() => pathMatcher([op!])).toThrow(
      'f /files/{name}.json: a path parameter must fill a whole segment.',
    );
  });
});

describe('the documents', () => {
  it('read, with their aliases, and every route matches its own operation', () => {
    const axCloud = readDocument(AX_CLOUD_DOCUMENT);
    const simulator = readDocument(SIMULATOR_DOCUMENT);
    expect(axCloud.operations).toHaveLength(28);
    expect(axCloud.document.paths).toBeDefined();
    expect(axCloud.operations.find((op) => op.operationId === 'getTourProduct')).toMatchObject({
      method: 'GET',
      url: '/v1/channel/products/tour/:product_code',
    });
    expect(axCloud.operations.flatMap((op) => op.aliases).length).toBeGreaterThan(0);
    const all = allOperations();
    expect(all.map((op) => [op.document, op.operationId])).toEqual([
      ...axCloud.operations.map((op) => ['ax-cloud', op.operationId]),
      ...simulator.operations.map((op) => ['simulator', op.operationId]),
    ]);
    const match = pathMatcher(all);
    for (const op of all) {
      for (const route of op.routes) {
        expect(match(route.method, route.path.replace(/\{[^}]+\}/g, 'some-code'))?.operationId).toBe(
          op.operationId,
        );
      }
    }
  });
});
