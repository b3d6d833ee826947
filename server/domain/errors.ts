/**
 * The one error catalogue. Every error the simulator answers with is built here, in the vendor's
 * Django-REST-Framework style: `{"detail": "..."}` for 403/404/invalid query, `{"<field>": ["..."]}` for
 * field errors. Errors inside a nested object are nested the same way (`{"order": {"currency": [...]}}`),
 * errors inside a list of objects are a list with `{}` for every element without errors
 * (`{"options": [{}, {"quantity": [...]}]}`), and errors about several fields at once go under
 * `non_field_errors` — at the top or inside the object they concern — as DRF's nested serializers answer.
 * The documented Korean messages are reproduced exactly; messages for rules the vendor never documented
 * say what failed, why, and what to do, in Korean first and English after.
 *
 * Domain code throws these; the HTTP layer only serialises them.
 */

export const MESSAGES = {
  denied: '이 작업을 수행할 권한(permission)이 없습니다.',
  notFound: '찾을 수 없습니다.',
  invalidQuery: '유효하지 않은 query입니다.',
  required: '이 필드는 필수 항목입니다.',
  notNull: '이 필드는 null일 수 없습니다.',
  blank: '이 필드는 blank일 수 없습니다.',
  invalid: '유효하지 않은 값입니다.',
  /** DRF's ListField / ListSerializer given something else; `{type}` is the Python type name. */
  notAList: '아이템 리스트가 예상되었으나 "{type}"를 받았습니다.',
  /** DRF's nested serializer given something else than an object. */
  notADict: '유효하지 않은 데이터. 딕셔너리(dictionary)대신 {type}를 받았습니다.',
  /** DRF's DictField given something else than an object. */
  notADictField: '아이템 딕셔너리가 예상되었으나 "{type}" 타입을 받았습니다.',
  invalidJson: 'JSON 파싱 오류입니다. (malformed JSON body)',
  tooDeep:
    'JSON 본문의 중첩이 너무 깊습니다. 객체와 배열은 256단계까지 중첩할 수 있습니다. (JSON body nested deeper than 256 levels; flatten it)',
  tooLarge: '요청 본문이 너무 큽니다. (request body too large)',
  unsupportedMedia: '지원되지 않는 미디어 타입입니다. (Content-Type must be application/json)',
  notImplemented: '구현되지 않았습니다. (not implemented)',
  unavailable: '일시적으로 사용할 수 없습니다. (service unavailable)',
  malformedRequest:
    '잘못된 HTTP 요청입니다. (malformed HTTP request: percent-encode spaces, control and non-ASCII characters in the URL)',
  requestTimeout:
    '요청을 제시간에 다 받지 못했습니다. (the request did not arrive in time; the connection is closed)',
  headersTooLarge: '요청 헤더가 너무 큽니다. (request line and headers too large; send a shorter URL)',
} as const;

export type ErrorBody = Record<string, unknown>;

export class ApiError extends Error {
  readonly status: number;
  readonly body: ErrorBody;
  constructor(status: number, body: ErrorBody) {
    super(`${status} ${JSON.stringify(body)}`);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

export const denied = () => new ApiError(403, { detail: MESSAGES.denied });
export const notFound = () => new ApiError(404, { detail: MESSAGES.notFound });
export const invalidQuery = () => new ApiError(400, { detail: MESSAGES.invalidQuery });
/** 400 naming one field: `{"<field>": ["<message>"]}`. */
export const fieldError = (field: string, message: string) => new ApiError(400, { [field]: [message] });
/** DRF's key for errors that concern several fields (or the object as a whole). */
export const NON_FIELD_ERRORS = 'non_field_errors';
/** 400 about the request as a whole: `{"non_field_errors": ["<message>"]}`. */
export const nonFieldError = (message: string) => new ApiError(400, { [NON_FIELD_ERRORS]: [message] });
/**
 * 400 about element `index` of the list field `list` (of `length` elements): DRF's
 * `{"<list>": [{}, …, {<errors of that element>}, …]}`, `{}` for every other element.
 */
export const itemErrors = (list: string, index: number, length: number, errors: Record<string, unknown>) =>
  new ApiError(400, {
    [list]: Array.from({ length: Math.max(length, index + 1) }, (_, i) => (i === index ? errors : {})),
  });
/** 400 about fields of the nested object `field`: `{"<field>": {<errors>}}`. */
export const nestedErrors = (field: string, errors: Record<string, unknown>) =>
  new ApiError(400, { [field]: errors });
/** 400 naming several fields at once. */
export const fieldErrors = (errors: Record<string, unknown>) => new ApiError(400, errors);
export const invalidJson = () => new ApiError(400, { detail: MESSAGES.invalidJson });
export const tooDeep = () => new ApiError(400, { detail: MESSAGES.tooDeep });
export const tooLarge = () => new ApiError(413, { detail: MESSAGES.tooLarge });
export const unsupportedMedia = () => new ApiError(415, { detail: MESSAGES.unsupportedMedia });
export const notImplemented = () => new ApiError(501, { detail: MESSAGES.notImplemented });
export const unavailable = () => new ApiError(503, { detail: MESSAGES.unavailable });

/**
 * A request value as messages quote it: a string as is, anything else as JSON. Never `String(value)`,
 * which throws on `{"toString": null}` — while the error for that very value is being written.
 */
export const shown = (value: unknown): string =>
  typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));

/** Python's name for the type of a JSON value, as DRF's messages show it (`str`, `int`, `list`, …). */
export const pythonType = (value: unknown): string => {
  if (value === null) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  return 'dict';
};

/** A catalogue message with `{type}` filled in. */
export const withType = (message: string, value: unknown) => message.replace('{type}', pythonType(value));

/** DRF's message for a value outside an enum. */
export const invalidChoice = (value: unknown) => `"${shown(value)}"이 유효하지 않은 선택(choice)입니다.`;
