import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ApiError,
  apiError,
  CATALOGUE,
  type ErrorCode,
  invalidChoice,
  MESSAGES,
  message,
  NON_FIELD_ERRORS,
  Problems,
} from './errors.ts';

const CODES = Object.keys(CATALOGUE) as ErrorCode[];
const entry = (
  code: ErrorCode,
): {
  status: number;
  shape: string;
  ko: string;
  en: string;
  vendor?: boolean;
  field?: string;
  parent?: string;
} => CATALOGUE[code];

/** Every `{…}` of a template, and which of them are placeholders (a plain name, as `fill` reads them). */
function braces(template: string): { placeholders: string[]; literal: string[] } {
  const all = [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!);
  return {
    placeholders: all.filter((b) => /^[A-Za-z]\w*$/.test(b)),
    literal: all.filter((b) => !/^[A-Za-z]\w*$/.test(b)),
  };
}

function placeholdersOf(code: ErrorCode): string[] {
  const { ko, en } = entry(code);
  return [...new Set([...braces(ko).placeholders, ...braces(en).placeholders])];
}

/** Values for every placeholder, each one recognisable in the text, and where the error goes. */
function sampleParams(code: ErrorCode): Record<string, unknown> {
  const params: Record<string, unknown> = {
    field: 'some_field',
    item: { list: 'options', index: 1, length: 2 },
  };
  for (const name of placeholdersOf(code)) params[name] = `<${name}>`;
  return params;
}

const anyError = (code: ErrorCode, params: Record<string, unknown>) =>
  (apiError as (code: ErrorCode, params: Record<string, unknown>) => ApiError)(code, params);

describe('the error catalogue', () => {
  it.each(CODES)('%s has a status, a shape, and both languages', (code) => {
    const e = entry(code);
    expect(e.status).toBeGreaterThanOrEqual(400);
    expect(e.status).toBeLessThan(600);
    expect(['detail', 'field', 'nonField', 'nested', 'item']).toContain(e.shape);
    expect(e.ko.trim()).not.toBe('');
    expect(e.en.trim()).not.toBe('');
    // Korean first: every message has Hangul in its Korean template.
    expect(e.ko).toMatch(/[\uac00-\ud7a3]/);
    if (e.shape === 'nested') expect(e.parent).toBeTruthy();
  });

  it.each(CODES)('%s: every placeholder is filled, and literal braces are never read as one', (code) => {
    const { ko, en } = entry(code);
    // A brace pair that is not a plain name must hold a character the placeholder types exclude too,
    // so that the types and `fill` agree on what a placeholder is.
    for (const literal of [...braces(ko).literal, ...braces(en).literal])
      expect(literal).toMatch(/["\s,:?<.]/);
    const params = sampleParams(code);
    const text = message(code as 'internal', params as { reason: string });
    for (const name of placeholdersOf(code)) expect(text).toContain(`<${name}>`);
    expect(braces(text).placeholders).toEqual([]);
  });

  it('each error reads differently from every other (the text tells which one it was)', () => {
    const texts = CODES.map((code) => `${entry(code).ko}\u0000${entry(code).en}`);
    expect(new Set(texts).size).toBe(CODES.length);
  });

  it.each(CODES)('%s builds an ApiError of its status and shape, carrying its code', (code) => {
    const e = entry(code);
    const error = anyError(code, sampleParams(code));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(e.status);
    expect(error.code).toBe(code);
    const text = message(code as 'internal', sampleParams(code) as { reason: string });
    const field = e.field ?? 'some_field';
    const inItem = (errors: unknown) => ({ options: [{}, errors] });
    const expected = {
      detail: { detail: text },
      nonField: inItem({ [NON_FIELD_ERRORS]: [text] }),
      nested: { [e.parent!]: { [field]: [text] } },
      field: inItem({ [field]: [text] }),
      item: inItem({ [field]: [text] }),
    }[e.shape];
    expect(error.body).toEqual(expected);
  });

  it('answers the vendor messages in Korean only, and the others as "<ko> (<en>)"', () => {
    expect(message('notNull')).toBe('이 필드는 null일 수 없습니다.');
    expect(invalidChoice({ a: 1 })).toBe('"{"a":1}"이 유효하지 않은 선택(choice)입니다.');
    expect(message('soldOut', { option: 'o', when: '2026-03-01 09:00', quantity: 2 })).toBe(
      '매진된 인벤토리입니다. (sold out: option o, 2026-03-01 09:00, remain 0, quantity 2; choose another date or time from the inventory API)',
    );
    expect(MESSAGES.invalidJson).toBe('JSON 파싱 오류입니다. (malformed JSON body)');
    expect(MESSAGES.notAList).toBe('아이템 리스트가 예상되었으나 "{type}"를 받았습니다.');
  });

  it('fills values as they are: a value holding "{name}" or "$&" is not read again', () => {
    const text = message('questionCodeReused', { code: '{code} $& $1' });
    expect(text).toContain('question_code "{code} $& $1" was already used');
  });

  it('places errors in a list element, at the top, or nested', () => {
    expect(apiError('required', { field: 'options' }).body).toEqual({ options: [MESSAGES.required] });
    expect(
      apiError('ticketCountMismatch', {
        item: { list: 'options', index: 0, length: 3 },
        tickets: 1,
        quantity: 2,
      }).body,
    ).toEqual({
      options: [
        { [NON_FIELD_ERRORS]: [message('ticketCountMismatch', { tickets: 1, quantity: 2 })] },
        {},
        {},
      ],
    });
    expect(apiError('channelOrderIdReused', { field: 'channel_order_code', code: 'x' }).body).toEqual({
      order: { channel_order_code: [message('channelOrderIdReused', { code: 'x' })] },
    });
    expect(apiError('notFound').body).toEqual({ detail: '찾을 수 없습니다.' });
    // A field named like an Object member is a plain key.
    expect(Object.keys(apiError('required', { field: '__proto__' }).body)).toEqual(['__proto__']);
  });

  it('collects several problems under their fields, in the order found', () => {
    const problems = new Problems();
    expect(() => problems.throwIfAny()).not.toThrow();
    problems.add('optionsEmpty');
    problems.add('contentsNotAnObject');
    problems.add('optionListedTwice', { option: 'a' });
    try {
      problems.throwIfAny();
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      expect((e as ApiError).body).toEqual({
        options: [message('optionsEmpty'), message('optionListedTwice', { option: 'a' })],
        contents: [message('contentsNotAnObject')],
      });
    }
  });
});

/** Never run: `tsc` checks that the catalogue's types refuse a wrong name, a missing value or place. */
function typeChecks(): void {
  // @ts-expect-error: no such error
  apiError('soldOutt', { field: 'options' });
  // @ts-expect-error: `remain` missing
  apiError('notEnoughStock', { field: 'options', option: 'o', when: 'w', quantity: 1 });
  // @ts-expect-error: a field error needs its field
  apiError('required');
  // @ts-expect-error: an item error needs its list element
  apiError('lineQuantityInvalid', { quantity: 1 });
  // @ts-expect-error: a detail error has no placeholder to fill
  apiError('notFound', { field: 'x' });
  // @ts-expect-error: a list of problems holds field errors only
  new Problems().add('notFound');
  apiError('notFound');
  apiError('soldOut', { field: 'options', option: 'o', when: 'w', quantity: 1 });
}

describe('the catalogue types', () => {
  it('are checked by tsc (typeChecks above)', () => {
    expect(typeChecks).toBeTypeOf('function');
  });
});

describe('throw sites', () => {
  const serverDir = join(import.meta.dirname, '..');
  const sources = (readdirSync(serverDir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .filter((f) => join(serverDir, f) !== join(import.meta.dirname, 'errors.ts'));

  /** The argument text of every call `name(` in `source`. */
  function callsOf(source: string, name: string): string[] {
    const calls: string[] = [];
    for (let at = source.indexOf(name); at !== -1; at = source.indexOf(name, at + 1)) {
      let depth = 0;
      let end = at + name.length - 1;
      do {
        const c = source[end];
        if (c === '(') depth++;
        else if (c === ')') depth--;
        end++;
      } while (depth > 0 && end < source.length);
      calls.push(source.slice(at + name.length, end - 1));
    }
    return calls;
  }

  it('compose no message text outside the catalogue', () => {
    const offenders: string[] = [];
    for (const file of sources) {
      const source = readFileSync(join(serverDir, file), 'utf8');
      for (const args of callsOf(source, 'new ApiError(')) {
        if (/['"`]/.test(args)) offenders.push(`${file}: new ApiError(${args})`);
      }
      for (const name of ['fieldError(', 'nonFieldError(', 'itemErrors(', 'nestedErrors(']) {
        for (const args of callsOf(source, name)) offenders.push(`${file}: ${name}${args})`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
