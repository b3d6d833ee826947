import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSimulator } from '../server/app.ts';
import {
  anyJson,
  deepNesting,
  fromSchema,
  hostileString,
  hugeArray,
  type Mutation,
  mutate,
  mutation,
  serialise,
} from './support/arbitraries.ts';
import { buildWorld, type World } from './support/fixture.ts';
import { type DocOperation, fillPath, responseChecker, routeOf, specOperations } from './support/openapi.ts';
import { CHANNELS, type FamilyName } from './support/sandbox.ts';

/**
 * Spec-driven fuzzing of every operation of both documents (the 28 channel operations and the control
 * API), through the whole Fastify pipeline (app.inject). Each case is one request built from the
 * operation: real codes or hostile path segments, valid or broken queries, good and bad credentials and
 * content types, and a body that is realistic, generated from the request schema, mutated (a required
 * key removed, a wrong type, extra keys, 20 000-deep nesting, huge arrays) or not JSON at all.
 *
 * Every answer must: not be a 5xx; have a status documented for the operation (413/415 — and a 400 for
 * malformed JSON — allowed wherever a body was sent); match the response schema for that status (a
 * fresh Ajv 2020 + ajv-formats); and leave both channels' exported state (and fault rules) untouched
 * when it is a 4xx, or when it answers a GET.
 *
 * Reproduce with the printed seed: FUZZ_SEED=<seed> [FUZZ_RUNS=<per operation>] npx vitest run
 * --project unit test/fuzz.test.ts [-t <operationId>]. The clock is frozen, so a seed replays exactly.
 */

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const RUNS = Number(process.env.FUZZ_RUNS ?? 80);
const NOW = Date.UTC(2026, 2, 1, 9, 0, 0);
const BODY_LIMIT = 64 * 1024;

let app: FastifyInstance;
const check = responseChecker();
const stats = new Map<string, Map<number, number>>();

beforeAll(async () => {
  process.stdout.write(`fuzz: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} (per operation)\n`);
  app = await buildSimulator({ realNow: () => NOW, bodyLimit: BODY_LIMIT });
});

afterAll(async () => {
  await app?.close();
  const lines = [...stats].map(([id, byStatus]) => {
    const total = [...byStatus.values()].reduce((a, b) => a + b, 0);
    const statuses = [...byStatus]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}×${n}`)
      .join(' ');
    return `  ${id.padEnd(28)} ${String(total).padStart(4)}  ${statuses}`;
  });
  const total = [...stats.values()].flatMap((m) => [...m.values()]).reduce((a, b) => a + b, 0);
  process.stdout.write(`fuzz: ${total} requests, seed ${SEED}\n${lines.join('\n')}\n`);
});

// ---------------------------------------------------------------------------------------------------
// Requests

interface FuzzRequest {
  method: string;
  /** The raw path and query, as sent. */
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

const ALL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** `arb` in one case out of `n`, otherwise null. */
function oneIn<T>(n: number, arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: n - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });
}

/** A path segment for any string: lone surrogates, which encodeURIComponent refuses, as their WTF-8 bytes. */
function encodeSegment(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) {
      out +=
        `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
    } else {
      out += encodeURIComponent(ch);
    }
  }
  return out;
}

/** Raw path segments that are not simply an encoded string. */
const RAW_SEGMENTS = [
  '%ZZ',
  '%',
  '%E0%A4%A',
  '%C0%AF',
  '%FF%FE',
  '%00',
  'a%00b',
  '%F0%9F%99%82',
  'a%2Fb',
  '%3F',
  '%23',
  'x'.repeat(101),
  'x'.repeat(2049),
  'x'.repeat(10_000),
  '%E2%80%AE',
  '__proto__',
  'constructor',
];

function segment(values: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...values).map(encodeSegment) },
    { weight: 2, arbitrary: hostileString.filter((s) => s.length > 0).map(encodeSegment) },
    { weight: 2, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
  );
}

function paramValues(world: World, other: World, op: DocOperation, name: string): string[] {
  const family: FamilyName | undefined = op.path.includes('day-ticket')
    ? 'day-ticket'
    : op.path.includes('/tour')
      ? 'tour'
      : undefined;
  const sameFamily = <T extends { family: FamilyName }>(list: T[]) =>
    family ? [...list.filter((x) => x.family === family), ...list.slice(0, 1)] : list;
  switch (name) {
    case 'product_code':
      return [...sameFamily(world.products).map((p) => p.code), 'no-such-product'];
    case 'ax_order_code':
      return [...sameFamily(world.orders).map((o) => o.code), other.orders[0]!.code];
    case 'ticket_code':
      return [...world.orders.flatMap((o) => o.tickets), other.orders[0]!.tickets[0]!];
    case 'question_code':
      return [...world.questions.map((q) => q.code), 'no-such-question'];
    default:
      return ['x'];
  }
}

/** Path parameters that belong together (an order and one of its tickets), or each on its own. */
function pathArbitrary(world: World, other: World, op: DocOperation): fc.Arbitrary<Record<string, string>> {
  const independent = fc.record(
    Object.fromEntries(op.pathParams.map((name) => [name, segment(paramValues(world, other, op, name))])),
  ) as fc.Arbitrary<Record<string, string>>;
  const family: FamilyName = op.path.includes('day-ticket') ? 'day-ticket' : 'tour';
  if (op.pathParams.includes('ticket_code')) {
    const orders = world.orders.filter((o) => op.document === 'simulator' || o.family === family);
    const linked = fc
      .constantFrom(...orders)
      .chain((o) => fc.constantFrom(...o.tickets).map((t) => ({ ax_order_code: o.code, ticket_code: t })));
    return fc.oneof({ weight: 3, arbitrary: linked }, { weight: 2, arbitrary: independent });
  }
  if (op.pathParams.includes('question_code') && op.pathParams.includes('product_code')) {
    const linked = fc
      .constantFrom(...world.questions.filter((q) => q.family === family))
      .map((q) => ({ product_code: q.productCode, question_code: q.code }));
    return fc.oneof({ weight: 3, arbitrary: linked }, { weight: 2, arbitrary: independent });
  }
  return independent;
}

const QUERY_VALUES = [
  '1',
  '2',
  '25',
  '100',
  '0',
  '-1',
  '101',
  '1.5',
  'abc',
  '',
  '1e2',
  ' 1',
  '01',
  '9'.repeat(30),
  '%ZZ',
];

function queryArbitrary(op: DocOperation): fc.Arbitrary<string> {
  const declared = op.queryParams.map((p) =>
    oneIn(
      4,
      fc.oneof(
        {
          weight: 4,
          arbitrary: fromSchema(p.schema).map((v) => [`${p.name}=${encodeURIComponent(String(v))}`]),
        },
        { weight: 3, arbitrary: fc.constantFrom(...QUERY_VALUES).map((v) => [`${p.name}=${v}`]) },
        {
          weight: 1,
          arbitrary: fc.tuple(fc.nat(200), fc.nat(200)).map(([a, b]) => [`${p.name}=${a}`, `${p.name}=${b}`]),
        },
        { weight: 1, arbitrary: fc.constant([p.name]) },
      ),
    ),
  );
  const extra = oneIn(
    4,
    fc.tuple(hostileString, hostileString).map(([k, v]) => [`${encodeSegment(k)}=${encodeSegment(v)}`]),
  );
  return fc.tuple(fc.tuple(...declared), extra).map(([parts, more]) => {
    const all = [...parts.flatMap((p) => p ?? []), ...(more ?? [])];
    return all.length > 0 ? `?${all.join('&')}` : '';
  });
}

const headerSafe = (s: string) => /^[\t\x20-\x7e]*$/.test(s);

function headersArbitrary(): fc.Arbitrary<Record<string, string>> {
  const [a, b] = CHANNELS;
  const authorization = fc.oneof(
    { weight: 14, arbitrary: fc.constant(`Token ${a.key}`) },
    { weight: 2, arbitrary: fc.constant(`Token ${b.key}`) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '',
        'Token',
        'Token ',
        'Token wrong-key',
        `token ${a.key}`,
        `Bearer ${a.key}`,
        `Token  ${a.key}`,
        `Token ${a.key} extra`,
        `Token ${a.key}\t`,
        `Token ${'x'.repeat(8000)}`,
        'Basic ZGVtbzpkZW1v',
      ),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }).filter(headerSafe) },
  );
  const channel = oneIn(
    6,
    fc.oneof(
      fc.constant(`Code ${a.code}`),
      fc.constantFrom(`Code ${b.code}`, 'Code', 'Code ', a.code, `Code ${a.code} x`, 'Code ../..'),
    ),
  );
  const admin = oneIn(8, fc.string({ maxLength: 20 }).filter(headerSafe));
  return fc.tuple(authorization, channel, admin).map(([auth, ch, adm]) => ({
    ...(auth === '' ? {} : { authorization: auth }),
    ...(ch === null ? {} : { channel: ch }),
    ...(adm === null ? {} : { 'x-sim-admin': adm }),
  }));
}

const CONTENT_TYPES = [
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/json-patch+json',
  'application/vnd.api+json',
  'application/jsonx',
  '*/*',
  'json',
  ';;;',
  '',
];

const MALFORMED = [
  '{',
  '}',
  '{"a":}',
  '[1,]',
  "{'a': 1}",
  'NaN',
  'undefined',
  '{} trailing',
  '\ufeff{}',
  '{"a": 1e999}',
  '{"__proto__": {"polluted": true}}',
  '{"constructor": {"prototype": {"polluted": true}}}',
  '',
  ' ',
  'null',
  '"just a string"',
  '12',
  '[]',
  'true',
  '{"a":"\\ud800"}',
  '{"a": "\u0000"}',
];

type BodyChoice =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: number[] };

function bodyArbitrary(
  op: DocOperation,
  realistic: fc.Arbitrary<unknown> | undefined,
): fc.Arbitrary<BodyChoice> {
  const json = (arb: fc.Arbitrary<unknown>) => arb.map((value): BodyChoice => ({ kind: 'json', value }));
  const mutated = (arb: fc.Arbitrary<unknown>) =>
    fc
      .tuple(arb, fc.array(mutation, { minLength: 1, maxLength: 3 }))
      .map(([value, ms]: [unknown, Mutation[]]): BodyChoice => ({ kind: 'json', value: mutate(value, ms) }));
  const junk = fc.oneof(
    json(anyJson),
    json(fc.oneof(deepNesting, hugeArray)),
    fc.constantFrom(...MALFORMED).map((text): BodyChoice => ({ kind: 'text', text })),
    fc.constant<BodyChoice>({
      kind: 'bytes',
      bytes: [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d],
    }),
    fc.constant<BodyChoice>({ kind: 'bytes', bytes: [0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00] }),
  );
  if (!op.requestBody) {
    return fc.oneof(
      { weight: 8, arbitrary: fc.constant<BodyChoice>({ kind: 'none' }) },
      { weight: 2, arbitrary: junk },
    );
  }
  const schema = fromSchema(op.requestBody.schema);
  return fc.oneof(
    ...(realistic
      ? [
          { weight: 6, arbitrary: json(realistic) },
          { weight: 3, arbitrary: mutated(realistic) },
        ]
      : []),
    { weight: 3, arbitrary: json(schema) },
    { weight: 2, arbitrary: mutated(schema) },
    { weight: 2, arbitrary: junk },
    { weight: 1, arbitrary: fc.constant<BodyChoice>({ kind: 'none' }) },
  );
}

function requestArbitrary(op: DocOperation, world: World, other: World): fc.Arbitrary<FuzzRequest> {
  const method = fc.oneof(
    { weight: 19, arbitrary: fc.constantFrom(...op.routes.map((r) => r.method)) },
    { weight: 1, arbitrary: fc.constantFrom(...ALL_METHODS) },
  );
  const route = fc.constantFrom(...op.routes.map((r) => r.path));
  const contentType = fc.oneof(
    { weight: 12, arbitrary: fc.constant('application/json') },
    { weight: 3, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
  return fc
    .record({
      method,
      route,
      params: pathArbitrary(world, other, op),
      query: queryArbitrary(op),
      headers: headersArbitrary(),
      body: bodyArbitrary(op, realisticBody(op, world, other)),
      contentType,
      trailingSlash: oneIn(10, fc.constant(true)),
    })
    .map(({ method, route, params, query, headers, body, contentType, trailingSlash }) => {
      const url = `${fillPath(route, params)}${trailingSlash ? '/' : ''}${query}`;
      const out: FuzzRequest = { method, url, headers: { ...headers } };
      if (body.kind === 'none') return out;
      out.payload =
        body.kind === 'json'
          ? serialise(body.value)
          : body.kind === 'text'
            ? body.text
            : Buffer.from(body.bytes);
      if (contentType !== undefined) out.headers['content-type'] = contentType;
      return out;
    });
}

// ---------------------------------------------------------------------------------------------------
// Realistic bodies: what a channel that read the docs would send, with the world's real codes

const money = fc.oneof(
  fc.nat(1_000_000).map(String),
  fc.nat(1_000_000),
  fc.constantFrom('2200', '71200.00000', '0', '0.00001', '-1', '1.123456', '1e3', ''),
);
const dateTime = fc.oneof(
  fc.constantFrom('2026-03-05T09:00:00Z', '2026-01-20 21:13:13', '2026-01-21 10:00', '2026-02-30T10:00:00Z'),
  fc.constantFrom('9999-12-31T23:59:59-23:59', '0000-01-01T00:00:00+23:59', '2026-03-01T24:00:00Z'),
  fc
    .date({
      min: new Date('2020-01-01T00:00:00Z'),
      max: new Date('2030-01-01T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString()),
);
const text = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('여행자의 개인 사정', 'ok', '좋아요 🙂') },
  { weight: 1, arbitrary: hostileString },
);

function familyOf(op: DocOperation): FamilyName {
  return op.path.includes('day-ticket') ? 'day-ticket' : 'tour';
}

function realisticBody(op: DocOperation, world: World, other: World): fc.Arbitrary<unknown> | undefined {
  const family = familyOf(op);
  const products = world.products.filter((p) => p.family === family);
  const product = fc.constantFrom(...products);
  switch (op.operationId) {
    case 'registerTourProduct':
    case 'registerDayTicketProduct':
      return fc.record({
        mapping_data: fc.oneof(
          fc.constant(Object.fromEntries(products[0]!.options.map((o) => [o.code, o.name]))),
          product.map((p) => Object.fromEntries(p.options.map((o, i) => [o.code, `${o.name} ${i}`]))),
          product.chain((p) =>
            fc
              .uniqueArray(text, { minLength: p.options.length, maxLength: p.options.length })
              .map((names) => Object.fromEntries(p.options.map((o, i) => [o.code, names[i]]))),
          ),
        ),
        channel_product_name: text,
        channel_product_link: fc.constantFrom('https://channel.example.com/p', 'https://*'),
        channel_product_id: text,
      });
    case 'createTourOrder':
    case 'createDayTicketOrder':
      return fc
        .record({
          product: fc.constantFrom(...products.filter((p) => p.profile !== 'always-reject')),
          quantity: fc.integer({ min: 1, max: 3 }),
          slot: fc.nat(),
          id: fc.oneof(
            fc.nat().map((n) => `fuzz-${n}`),
            text,
          ),
          unit: money,
          amount: money,
          extra: oneIn(4, fc.dictionary(fc.string({ maxLength: 8 }), text, { maxKeys: 2 })),
          legacy: oneIn(5, fc.constant(true)),
        })
        .map(({ product: p, quantity, slot, id, unit, amount, extra, legacy }) => {
          const option = p.options[slot % p.options.length]!;
          const slots = p.slots[option.code]!;
          const person = {
            name: '홍길동',
            national_code: '82',
            phone: '01012345678',
            email: 'a@example.com',
          };
          const additional = Object.fromEntries(
            Object.entries(p.rti)
              .filter(([, required]) => required)
              .map(([k]) => [k, `value of ${k}`]),
          );
          const line = {
            channel_product_mapping_code: p.mappingCode,
            [legacy ? 'dc_code' : 'option_code']: option.code,
            quantity,
            [legacy ? 'use_date' : 'inventory_at']: slots[slot % slots.length],
            unit_selling_price: unit,
            amount_price: amount,
            tickets: Array.from({ length: quantity }, (_, i) => ({
              ...person,
              channel_code: `t-${i}`,
              additional,
            })),
            ...(extra ?? {}),
          };
          return {
            [legacy ? 'depth_combinations' : 'options']: [line],
            order: {
              [legacy ? 'channel_order_code' : 'channel_order_id']: id,
              purchased_at: '2026-03-01T09:00:00Z',
              sub_total: unit,
              total: amount,
              status: 'New',
              is_voucher: true,
              currency: 'KRW',
            },
            purchaser: { ...person, is_required_more_information: false },
            representative: { ...person, additional },
          };
        });
    case 'cancelTourOrder':
    case 'cancelDayTicketOrder':
      return fc.record(
        {
          channel_status: fc.oneof(
            fc.constantFrom('Traveler cancel', 'Unavoidable cancel', 'New'),
            fc.constantFrom('Supplier confirm', 'traveler cancel', 'Refunded'),
          ),
          comment: text,
        },
        { requiredKeys: ['channel_status'] },
      );
    case 'cancelTourTicket':
    case 'cancelDayTicketTicket':
      return fc.record(
        {
          status: fc.constantFrom('Traveler canceled', 'Traveler Canceled', 'Used', 'traveler canceled'),
          comment: text,
        },
        { requiredKeys: ['status'] },
      );
    case 'refundTourTicket':
    case 'refundDayTicketTicket':
      return fc
        .record({
          price: money,
          canceled: dateTime,
          refunded: dateTime,
          policy: fc.oneof(
            fc.constant({ '0': '1', '50': '3', '100': '7' }),
            fc.dictionary(fc.stringMatching(/^\d{1,3}$/), fc.stringMatching(/^\d{1,4}$/), {
              minKeys: 1,
              maxKeys: 4,
            }),
          ),
          dayTicketNames: fc.boolean(),
        })
        .map(({ price, canceled, refunded, policy, dayTicketNames }) =>
          dayTicketNames && family === 'day-ticket'
            ? { price, canceled_datetime: canceled, refunded_datetime: refunded, policy }
            : {
                channel_refunded_price: price,
                channel_canceled_at: canceled,
                channel_refunded_at: refunded,
                channel_policy: policy,
              },
        );
    case 'createTourReview':
      return fc.record(
        {
          review_code: fc.oneof(
            fc.nat().map((n) => `review-${n}`),
            text,
          ),
          score_type: fc.constantFrom(
            'ONE_FIVE_STAR',
            'ZERO_FIVE_STAR',
            'GOOD_OR_BAD',
            'NO_SCORE',
            'ONE_FIVE',
          ),
          score: fc.integer({ min: -1, max: 6 }),
          title: text,
          body: text,
          reviewed_at: dateTime,
          option_code: fc.constantFrom(...products[0]!.options.map((o) => o.code)),
        },
        { requiredKeys: ['review_code', 'score_type', 'title', 'reviewed_at'] },
      );
    case 'createDayTicketReview':
      return fc.record(
        {
          review_score_type: fc.constantFrom('ONE_FIVE_STAR', 'NO_SCORE', 'GOOD_OR_BAD', 'ZERO_FIVE'),
          review_score: fc.integer({ min: -1, max: 101 }),
          title: text,
          body: text,
          reviewed_at: dateTime,
          channel_order_code: text,
          reviewer_info: fc.record({ name: text, phone: text, email: text }, { requiredKeys: [] }),
        },
        { requiredKeys: ['review_score_type', 'body', 'reviewed_at'] },
      );
    case 'createTourQuestion':
    case 'createDayTicketQuestion':
      return fc.record(
        {
          question_code: fc.oneof(
            fc.nat().map((n) => `question-${n}`),
            text,
          ),
          title: text,
          body: text,
          is_public: fc.boolean(),
          quested_at: dateTime,
        },
        { requiredKeys: ['question_code', 'is_public', 'quested_at'] },
      );
    case 'advanceClock':
      return fc.record({
        seconds: fc.oneof(fc.nat(7200), fc.constantFrom(0, 86_400 * 365, 1e11, 1e15, 2 ** 53 - 1, 1e20)),
      });
    case 'actAsSupplierOnOrder':
      return fc.record(
        { action: fc.constantFrom('pending', 'confirm', 'reject', 'unavoidable-cancel'), comment: text },
        { requiredKeys: ['action'] },
      );
    case 'actAsSupplierOnTicket':
      return fc.record({ action: fc.constantFrom('use', 'cancel') });
    case 'answerQuestion':
      return fc.record({ body: text });
    case 'publishProductVersion': {
      const all = world.products;
      return fc.record(
        {
          prices: fc.constantFrom(...all).map((p) =>
            Object.fromEntries(
              p.options.map((o) => [
                o.code,
                p.family === 'tour'
                  ? {
                      unit_selling_price_usd: 85,
                      selling_price_per_person_usd: 80,
                      unit_selling_price_krw: 93500,
                      selling_price_per_person_krw: 88000,
                    }
                  : { currency: 'KRW', price: '72000.00000' },
              ]),
            ),
          ),
          contents: fc.dictionary(
            fc.constantFrom('product_sub_title', 'poi', 'new_key', '__proto__', 'toString'),
            fc.oneof(text, fc.array(text, { maxLength: 3 })),
            { maxKeys: 3 },
          ),
          options: fc
            .constantFrom(...all)
            .map((p) => [
              ...p.options.map((o) => ({ option_code: o.code, option_name: `${o.name} new` })),
              { option_name: '경로' },
            ]),
        },
        { requiredKeys: [] },
      );
    }
    case 'putFaults':
      return fc.record({
        rules: fc.array(
          fc.record(
            {
              id: fc.string({ minLength: 1, maxLength: 10 }),
              method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
              path: fc.constantFrom(
                '/v1/channel/**',
                '/v1/channel/orders/*',
                '/**',
                '/v1/channel/products/tour',
              ),
              status: fc.integer({ min: 100, max: 599 }),
              body: anyJson,
              delayMs: fc.nat(10),
              probability: fc.double({ min: 0, max: 1, noNaN: true }),
              times: fc.integer({ min: 1, max: 5 }),
            },
            { requiredKeys: ['path'] },
          ),
          { maxLength: 3 },
        ),
      });
    case 'importState':
      return fc
        .constantFrom(world, other)
        .map((w) => ({ exportOf: w.channel }))
        .map(({ exportOf }) => stateExports.get(exportOf));
    default:
      return undefined;
  }
}

/** The state exports taken right after the worlds were built (importState's realistic bodies). */
const stateExports = new Map<string, unknown>();

// ---------------------------------------------------------------------------------------------------
// The property

async function faultsOf(key: string): Promise<string> {
  const answer = await app.inject({
    method: 'GET',
    url: '/__sim/faults',
    headers: { authorization: `Token ${key}` },
  });
  return answer.body;
}

async function snapshot(): Promise<string> {
  const parts = await Promise.all(
    CHANNELS.flatMap((c) => [app.sim.exportState(c.code).then((s) => JSON.stringify(s)), faultsOf(c.key)]),
  );
  return parts.join('\n');
}

function describeRequest(request: FuzzRequest): string {
  const payload =
    request.payload === undefined
      ? '(no body)'
      : Buffer.isBuffer(request.payload)
        ? `bytes ${request.payload.toString('hex')}`
        : request.payload.length > 600
          ? `${request.payload.slice(0, 600)}… (${request.payload.length} chars)`
          : request.payload;
  const url =
    request.url.length > 300 ? `${request.url.slice(0, 300)}… (${request.url.length} chars)` : request.url;
  return `${request.method} ${url}\n  headers ${JSON.stringify(request.headers).slice(0, 300)}\n  body ${payload}`;
}

const operations = specOperations();

describe('fuzz: every operation of both documents', () => {
  it('covers all 28 channel operations and every control operation', () => {
    expect(operations.filter((o) => o.document === 'ax-cloud')).toHaveLength(28);
    expect(operations.filter((o) => o.document === 'simulator').length).toBeGreaterThanOrEqual(18);
  });

  it.each(operations.map((op) => [op.operationId, op] as const))('%s', async (operationId, op) => {
    const [worldA, worldB] = [await buildWorld(app, CHANNELS[0]), await buildWorld(app, CHANNELS[1])];
    stateExports.set(worldA.channel, await app.sim.exportState(worldA.channel));
    stateExports.set(worldB.channel, await app.sim.exportState(worldB.channel));
    const seed = (SEED ^ hashOf(operationId)) >>> 0;
    const byStatus = new Map<number, number>();
    stats.set(operationId, byStatus);
    let before = await snapshot();

    const property = fc.asyncProperty(requestArbitrary(op, worldA, worldB), async (request) => {
      const answer = await app.inject({
        method: request.method as 'GET',
        url: request.url,
        headers: request.headers,
        payload: request.payload,
      });
      byStatus.set(answer.statusCode, (byStatus.get(answer.statusCode) ?? 0) + 1);
      const route = routeOf(request.method, request.url);
      const problems = check(
        route,
        {
          status: answer.statusCode,
          contentType: answer.headers['content-type'] as string | undefined,
          body: answer.body,
        },
        request.payload !== undefined,
      );
      const after = await snapshot();
      if (after !== before) {
        if (answer.statusCode >= 400) problems.push(`the state changed on a ${answer.statusCode}`);
        else if (request.method === 'GET') problems.push('a GET changed the state');
      }
      before = after;
      if (problems.length > 0) {
        throw new Error(
          `${problems.join('\n')}\n${describeRequest(request)}\n  → ${answer.statusCode} ${answer.body.slice(0, 400)}`,
        );
      }
    });
    try {
      await fc.assert(property, { seed, numRuns: RUNS, endOnFailure: !process.env.FUZZ_SHRINK });
    } catch (error) {
      const cause = (error as Error).cause as Error | undefined;
      throw new Error(
        `FUZZ_SEED=${SEED} (operation seed ${seed}) ${operationId}:\n${cause?.message ?? ''}\n${(error as Error).message}`,
      );
    }
  });
});

function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
