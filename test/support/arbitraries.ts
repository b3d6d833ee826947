import fc from 'fast-check';
import type { Json } from './openapi.ts';

/**
 * fast-check arbitraries for hostile input: strings and numbers at their edges, values generated from
 * a JSON Schema (valid-ish: every constraint honoured that a generator can honour without knowing the
 * server's state), and mutations of a valid value (a required key removed, a value of the wrong type,
 * extra keys, deep nesting, a huge array).
 */

/** Strings that have broken servers before. */
export const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  '   ',
  '\u0000',
  'a\u0000b',
  '\u200b',
  '\u200c\u200d',
  '\ufeff',
  '\u202eevil\u202c',
  'مرحبا بالعالم',
  'שלום עולם',
  '👨\u200d👩\u200d👧\u200d👦',
  '🙂🙃',
  '🏳\ufe0f\u200d🌈',
  '\ud800',
  '\udfff',
  'e\u0301\u0301\u0301',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '..',
  '../../etc/passwd',
  '%00',
  '%ZZ',
  '%',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, on purpose
  '${7*7}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  "' OR '1'='1",
  '\r\n\r\n',
  '\t',
  '\u2028\u2029',
  '\u0085',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '1e309',
  '-0',
  '0x10',
  '9'.repeat(400),
  '한국어 🙂 English',
  'ＡＢＣ',
  'Ω≈ç√∫˜µ≤≥÷',
  '\u0007\u001b[31m',
];

export const EDGE_NUMBERS: readonly number[] = [
  0,
  -0,
  1,
  -1,
  0.5,
  1.5,
  -1.5,
  0.1,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  -Number.MAX_SAFE_INTEGER,
  1e21,
  1e300,
  -1e300,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  Number.EPSILON,
];

/** Any string, biased to the nasty ones and to very long ones. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('x', '한', '🙂', '\u200b', 'ك'), fc.integer({ min: 101, max: 12_000 }))
      .map(([unit, n]) => unit.repeat(n)),
  },
);

export const edgeNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(...EDGE_NUMBERS),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** A JSON value of any type, shallow. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  edgeNumber,
  hostileString,
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.oneof(edgeNumber, hostileString), { maxLength: 3 }),
  fc.dictionary(hostileString, fc.oneof(edgeNumber, hostileString, fc.constant(null)), { maxKeys: 3 }),
);

// ---------------------------------------------------------------------------------------------------
// Raw JSON text that JSON.stringify cannot build (a value nested 20 000 deep overflows the stringifier).

/**
 * A marker string that `serialise` replaces with raw JSON text built from its parameters (the text is
 * built only when sent, so thousands of generated cases do not hold megabytes each).
 */
function marker(kind: 'deep' | 'array', n: number, unit: string): string {
  return `\u0000RAW:${kind}:${n}:${unit}\u0000`;
}

function rawText(kind: string, n: number, unit: string): string {
  if (kind === 'deep') return unit.repeat(n) + (unit === '[' ? ']' : '0}').repeat(n);
  return `[${Array.from({ length: n }, () => unit).join(',')}]`;
}

/** JSON.stringify, then the markers replaced by their raw text. */
export function serialise(value: unknown): string {
  return JSON.stringify(value).replace(
    /"\\u0000RAW:(\w+):(\d+):(.*?)\\u0000"/g,
    (_, kind: string, n: string, unit: string) => rawText(kind, Number(n), JSON.parse(`"${unit}"`) as string),
  );
}

/** Arrays or objects nested up to 20 000 deep: more than any recursive walk of the value survives. */
export const deepNesting: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 50, max: 20_000 }), fc.constantFrom('[', '{"a":'))
  .map(([depth, open]) => marker('deep', depth, open));

/** Arrays of 1 000 – 20 000 small items: some fit the body limit, some do not. */
export const hugeArray: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 1_000, max: 20_000 }), fc.constantFrom('0', '"x"', '{}', 'null'))
  .map(([n, item]) => marker('array', n, item));

// ---------------------------------------------------------------------------------------------------
// From a JSON Schema

/** Only `required` (the `anyOf: [{required: [a]}, {required: [b]}]` idiom of the documents). */
const isRequiredOnly = (s: Json) => Object.keys(s).every((k) => k === 'required');

function mergeAllOf(schema: Json): Json {
  if (!Array.isArray(schema.allOf)) return schema;
  const { allOf, ...rest } = schema;
  const merged: Json = { ...rest };
  const anyOfs: Json[][] = Array.isArray(rest.anyOf) ? [rest.anyOf as Json[]] : [];
  for (const part of allOf as Json[]) {
    if (Array.isArray(part.anyOf)) anyOfs.push(part.anyOf as Json[]);
    if (Array.isArray(part.required))
      merged.required = [...((merged.required as string[]) ?? []), ...(part.required as string[])];
  }
  delete merged.anyOf;
  if (anyOfs.length > 0) merged.anyOfGroups = anyOfs;
  return merged;
}

/**
 * Values for `schema`: types, enums, consts, patterns, formats, bounds, required keys and the
 * "one of these names" groups are honoured; optional keys come and go; free strings are hostile.
 * `examples` are used now and then, so realistic values appear too.
 */
export function fromSchema(input: Json | boolean | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (
    input === undefined ||
    input === true ||
    (typeof input === 'object' && Object.keys(input).length === 0)
  ) {
    return depth > 2 ? fc.constant(null) : anyJson;
  }
  if (input === false) return fc.constant(null);
  const schema = mergeAllOf(input);
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const examples = Array.isArray(schema.examples) ? (schema.examples as unknown[]) : [];
  const oneOf = (schema.oneOf ??
    (Array.isArray(schema.anyOf) && !(schema.anyOf as Json[]).every(isRequiredOnly)
      ? schema.anyOf
      : undefined)) as Json[] | undefined;
  if (oneOf) {
    const { oneOf: _a, anyOf: _b, ...rest } = schema;
    return fc.oneof(...oneOf.map((branch) => fromSchema({ ...rest, ...branch }, depth)));
  }
  if (Array.isArray(schema.type)) {
    return fc.oneof(...(schema.type as string[]).map((type) => fromSchema({ ...schema, type }, depth)));
  }
  const generated = byType(schema, depth);
  return examples.length > 0
    ? fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...examples) }, { weight: 3, arbitrary: generated })
    : generated;
}

function byType(schema: Json, depth: number): fc.Arbitrary<unknown> {
  switch (schema.type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : -1_000_000;
      const max = typeof schema.maximum === 'number' ? schema.maximum : 1_000_000;
      return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max));
    }
    case 'number': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : -1e9;
      const max = typeof schema.maximum === 'number' ? schema.maximum : 1e9;
      return fc.oneof(
        fc.integer({ min: Math.ceil(min), max: Math.floor(max) }),
        fc.double({ min, max, noNaN: true }),
      );
    }
    case 'string':
      return stringFor(schema);
    case 'array': {
      const minLength = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const maxLength = Math.max(
        minLength,
        Math.min(typeof schema.maxItems === 'number' ? schema.maxItems : 3, 3),
      );
      return fc.array(fromSchema(schema.items as Json | undefined, depth + 1), { minLength, maxLength });
    }
    default:
      if (schema.type === undefined && !schema.properties && !schema.additionalProperties) return anyJson;
      return objectFor(schema, depth);
  }
}

function stringFor(schema: Json): fc.Arbitrary<string> {
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : undefined;
  if (typeof schema.pattern === 'string') return fc.stringMatching(new RegExp(schema.pattern));
  if (schema.format === 'date-time') {
    return fc
      .date({
        min: new Date('2000-01-01T00:00:00Z'),
        max: new Date('2099-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString());
  }
  const fits = (s: string) => s.length >= minLength && (maxLength === undefined || s.length <= maxLength);
  return fc.oneof(
    {
      weight: 2,
      arbitrary: fc.string({ minLength: Math.max(minLength, 1), maxLength: Math.min(maxLength ?? 16, 16) }),
    },
    { weight: 1, arbitrary: hostileString.filter(fits) },
  );
}

function objectFor(schema: Json, depth: number): fc.Arbitrary<unknown> {
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const groups: Json[][] = [
    ...((schema.anyOfGroups as Json[][] | undefined) ?? []),
    ...(Array.isArray(schema.anyOf) ? [schema.anyOf as Json[]] : []),
  ];
  const keys = Object.keys(properties);
  const additional = schema.additionalProperties;
  const keyArb = (schema.propertyNames as Json | undefined)?.pattern
    ? fc.stringMatching(new RegExp((schema.propertyNames as Json).pattern as string))
    : fc.oneof(fc.string({ minLength: 1, maxLength: 10 }), hostileString);
  const extra =
    additional && typeof additional === 'object'
      ? fc.dictionary(keyArb, fromSchema(additional as Json, depth + 1), {
          minKeys: typeof schema.minProperties === 'number' ? schema.minProperties : 0,
          maxKeys: 3,
        })
      : additional === true || additional === undefined
        ? fc.oneof(
            { weight: 4, arbitrary: fc.constant({}) },
            { weight: 1, arbitrary: fc.dictionary(keyArb, anyJson, { maxKeys: 2 }) },
          )
        : fc.constant({});
  // One name of each "one of these names is required" group becomes required.
  const chosen = fc.tuple(
    ...groups.map((g) => fc.constantFrom(...g.map((b) => (b.required as string[]) ?? []))),
  ) as fc.Arbitrary<string[][]>;
  const values = fc.record(
    Object.fromEntries(keys.map((k) => [k, fromSchema(properties[k], depth + 1)])) as Record<
      string,
      fc.Arbitrary<unknown>
    >,
  );
  const presence = fc.array(fc.boolean(), { minLength: keys.length, maxLength: keys.length });
  return fc.tuple(values, presence, chosen, extra).map(([vals, present, groupChoice, more]) => {
    const must = new Set([...required, ...groupChoice.flat()]);
    const out: Record<string, unknown> = { ...(more as Record<string, unknown>) };
    keys.forEach((k, i) => {
      if (must.has(k) || present[i]) out[k] = vals[k];
      else delete out[k];
    });
    return out;
  });
}

// ---------------------------------------------------------------------------------------------------
// Mutations

type Path = Array<string | number>;

function paths(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (out.length > 200) return out;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) paths(v, [...prefix, i], out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  }
  return out;
}

function setAt(
  root: unknown,
  path: Path,
  update: (parent: Record<string | number, unknown>, key: string | number) => void,
) {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  update(node, path[path.length - 1]!);
}

export type Mutation =
  | { kind: 'remove'; at: number }
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'add'; at: number; key: string; value: unknown };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('replace' as const),
    at: fc.nat(),
    value: fc.oneof(
      { weight: 6, arbitrary: anyJson },
      { weight: 1, arbitrary: deepNesting },
      { weight: 1, arbitrary: hugeArray },
    ),
  }),
  fc.record({
    kind: fc.constant('add' as const),
    at: fc.nat(),
    key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'extra', 'status_code'), hostileString),
    value: fc.oneof({ weight: 6, arbitrary: anyJson }, { weight: 1, arbitrary: deepNesting }),
  }),
);

/** Applies mutations to a copy of `value` (paths picked modulo the number of paths). */
export function mutate(value: unknown, mutations: readonly Mutation[]): unknown {
  let root: unknown = structuredClone(value);
  for (const m of mutations) {
    const all = paths(root);
    const path = all[m.at % all.length]!;
    if (m.kind === 'add') {
      const objects = all.filter((p) => {
        let node: unknown = root;
        for (const k of p) node = (node as Record<string | number, unknown>)[k];
        return !!node && typeof node === 'object' && !Array.isArray(node);
      });
      if (objects.length === 0) continue;
      const target = objects[m.at % objects.length]!;
      let node = root as Record<string, unknown>;
      for (const k of target) node = node[k] as Record<string, unknown>;
      Object.defineProperty(node, m.key, {
        value: structuredClone(m.value),
        enumerable: true,
        configurable: true,
        writable: true,
      });
      continue;
    }
    if (path.length === 0) {
      if (m.kind === 'replace') root = structuredClone(m.value);
      continue;
    }
    setAt(root, path, (parent, key) => {
      if (m.kind === 'remove') {
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
      } else {
        parent[key] = structuredClone(m.value);
      }
    });
  }
  return root;
}
