/**
 * The one error catalogue. Every error the simulator answers with is an entry of `CATALOGUE`, thrown by
 * its name: `throw apiError('soldOut', { field: 'options', option, when, quantity })`. An entry holds
 *
 * - its **status**;
 * - its **shape**, the vendor's Django-REST-Framework body:
 *   - `detail`   `{"detail": "..."}` (403, 404, invalid query, malformed bodies);
 *   - `field`    `{"<field>": ["..."]}` — the field is the entry's own or the thrower's (`field`);
 *   - `nonField` `{"non_field_errors": ["..."]}`, DRF's key for errors about several fields at once;
 *   - `nested`   `{"<parent>": {"<field>": ["..."]}}`, a field of a nested object;
 *   - `item`     `{"<list>": [{}, …, {"<field>": ["..."]}, …]}`, a field of one element of a list
 *     (`{}` for every other element), as DRF's nested list serializers answer.
 *   A `field` or `nonField` error may also be placed inside a list element by passing `item`.
 * - its **Korean and English templates**, with named placeholders (`{name}`) that the thrower fills.
 *   The answer reads `<ko> (<en>)`: what failed, why, what to do — Korean first, as the vendor's
 *   channel developers read it. The vendor's own documented messages (DRF's) are `vendor: true`: they
 *   are answered exactly as the vendor does, in Korean only; their English is the translation, kept
 *   here for the reader.
 *
 * The types check the name, the placeholders to fill and where the error goes, so a wrong name or a
 * missing placeholder fails `tsc`. Nothing outside this file writes message text; domain code throws
 * these and the HTTP layer only serialises them.
 */

/** DRF's key for errors that concern several fields (or the object as a whole). */
export const NON_FIELD_ERRORS = 'non_field_errors';

type Shape = 'detail' | 'field' | 'nonField' | 'nested' | 'item';

interface Entry {
  readonly status: number;
  readonly shape: Shape;
  readonly ko: string;
  readonly en: string;
  /** The vendor's documented message: answered in Korean only, exactly as the vendor writes it. */
  readonly vendor?: boolean;
  /** The field the message is always about (otherwise the thrower names it). */
  readonly field?: string;
  /** `nested`: the object holding the field. */
  readonly parent?: string;
}

/** The six ways a refund policy can be malformed share one message; only the reason differs. */
const refundPolicy = <const K extends string, const E extends string>(why: K, whyEn: E) =>
  ({
    status: 400,
    shape: 'field',
    ko: `환불 정책이 올바르지 않습니다: ${why}. {"환불 비율(%)": "이용일 며칠 전"} 형식으로 보내 주세요. 예: {"0": "1", "50": "3", "100": "7"}`,
    en: `invalid refund policy: ${whyEn}; send {"<percent 0-100>": "<days before the use date>"}, e.g. {"0": "1", "50": "3", "100": "7"}`,
  }) as const;

export const CATALOGUE = {
  // -------------------------------------------------------------------------------------------------
  // The vendor's (DRF's) messages, word for word

  denied: {
    status: 403,
    shape: 'detail',
    vendor: true,
    ko: '이 작업을 수행할 권한(permission)이 없습니다.',
    en: 'You do not have permission to perform this action.',
  },
  notFound: { status: 404, shape: 'detail', vendor: true, ko: '찾을 수 없습니다.', en: 'Not found.' },
  invalidQuery: {
    status: 400,
    shape: 'detail',
    vendor: true,
    ko: '유효하지 않은 query입니다.',
    en: 'Invalid query.',
  },
  required: {
    status: 400,
    shape: 'field',
    vendor: true,
    ko: '이 필드는 필수 항목입니다.',
    en: 'This field is required.',
  },
  notNull: {
    status: 400,
    shape: 'field',
    vendor: true,
    ko: '이 필드는 null일 수 없습니다.',
    en: 'This field may not be null.',
  },
  blank: {
    status: 400,
    shape: 'field',
    vendor: true,
    ko: '이 필드는 blank일 수 없습니다.',
    en: 'This field may not be blank.',
  },
  invalid: { status: 400, shape: 'field', vendor: true, ko: '유효하지 않은 값입니다.', en: 'Invalid value.' },
  /** A value outside an enum; `{value}` as `shown` quotes it. */
  invalidChoice: {
    status: 400,
    shape: 'field',
    vendor: true,
    ko: '"{value}"이 유효하지 않은 선택(choice)입니다.',
    en: '"{value}" is not a valid choice.',
  },
  /** DRF's ListField / ListSerializer given something else; `{type}` is the Python type name. */
  notAList: {
    status: 400,
    shape: 'field',
    vendor: true,
    ko: '아이템 리스트가 예상되었으나 "{type}"를 받았습니다.',
    en: 'Expected a list of items but got type "{type}".',
  },
  /** DRF's nested serializer given something else than an object. */
  notADict: {
    status: 400,
    shape: 'field',
    vendor: true,
    ko: '유효하지 않은 데이터. 딕셔너리(dictionary)대신 {type}를 받았습니다.',
    en: 'Invalid data. Expected a dictionary, but got {type}.',
  },
  /** DRF's DictField given something else than an object. */
  notADictField: {
    status: 400,
    shape: 'field',
    vendor: true,
    ko: '아이템 딕셔너리가 예상되었으나 "{type}" 타입을 받았습니다.',
    en: 'Expected a dictionary of items but got type "{type}".',
  },

  // The schema validator's words for a value of the wrong type or size (server/http/validation.ts),
  // DRF's where it has them.
  notAnInteger: {
    status: 400,
    shape: 'field',
    vendor: true,
    ko: '유효한 정수(integer)를 넣어주세요.',
    en: 'A valid integer is required.',
  },
  notABoolean: {
    status: 400,
    shape: 'field',
    vendor: true,
    ko: '"{value}"은 유효한 불리언(boolean)이 아닙니다.',
    en: '"{value}" is not a valid boolean.',
  },
  notANumber: {
    status: 400,
    shape: 'field',
    vendor: true,
    ko: '유효한 숫자(number) 또는 숫자 문자열을 넣어주세요.',
    en: 'A valid number or numeric string is required.',
  },
  notAString: {
    status: 400,
    shape: 'field',
    ko: '유효한 문자열(string)이 아닙니다.',
    en: 'expected {expected}, got {got}',
  },
  notAllowed: {
    status: 400,
    shape: 'field',
    ko: '"{value}"이 유효하지 않은 선택(choice)입니다.',
    en: 'allowed: {allowed}',
  },
  tooShort: {
    status: 400,
    shape: 'field',
    vendor: true,
    ko: '이 필드의 글자 수가 적어도 {limit} 이상인지 확인하십시오.',
    en: 'Ensure this field has at least {limit} characters.',
  },
  tooLong: {
    status: 400,
    shape: 'field',
    vendor: true,
    ko: '이 필드의 글자 수가 {limit} 이하인지 확인하십시오.',
    en: 'Ensure this field has no more than {limit} characters.',
  },
  belowMinimum: {
    status: 400,
    shape: 'field',
    vendor: true,
    ko: '이 값이 {limit}보다 크거나 같은지 확인하십시오.',
    en: 'Ensure this value is greater than or equal to {limit}.',
  },
  aboveMaximum: {
    status: 400,
    shape: 'field',
    vendor: true,
    ko: '이 값이 {limit}보다 작거나 같은지 확인하십시오.',
    en: 'Ensure this value is less than or equal to {limit}.',
  },
  tooFewItems: {
    status: 400,
    shape: 'field',
    vendor: true,
    ko: '이 리스트는 적어도 {limit}개의 항목을 가져야 합니다.',
    en: 'Ensure this list has at least {limit} items.',
  },
  tooManyItems: {
    status: 400,
    shape: 'field',
    vendor: true,
    ko: '이 리스트는 최대 {limit}개의 항목을 가질 수 있습니다.',
    en: 'Ensure this list has no more than {limit} items.',
  },
  badFormat: { status: 400, shape: 'field', ko: '형식에 맞지 않는 값입니다.', en: '{why}' },
  unknownField: { status: 400, shape: 'field', ko: '알 수 없는 필드입니다.', en: 'unknown field' },
  invalidBecause: { status: 400, shape: 'field', ko: '유효하지 않은 값입니다.', en: '{why}' },

  // -------------------------------------------------------------------------------------------------
  // The request as a whole

  invalidJson: { status: 400, shape: 'detail', ko: 'JSON 파싱 오류입니다.', en: 'malformed JSON body' },
  tooDeep: {
    status: 400,
    shape: 'detail',
    ko: 'JSON 본문의 중첩이 너무 깊습니다. 객체와 배열은 256단계까지 중첩할 수 있습니다.',
    en: 'JSON body nested deeper than 256 levels; flatten it',
  },
  tooLarge: { status: 413, shape: 'detail', ko: '요청 본문이 너무 큽니다.', en: 'request body too large' },
  unsupportedMedia: {
    status: 415,
    shape: 'detail',
    ko: '지원되지 않는 미디어 타입입니다.',
    en: 'Content-Type must be application/json',
  },
  notImplemented: { status: 501, shape: 'detail', ko: '구현되지 않았습니다.', en: 'not implemented' },
  unavailable: {
    status: 503,
    shape: 'detail',
    ko: '일시적으로 사용할 수 없습니다.',
    en: 'service unavailable',
  },
  /** A failure of the simulator itself: the 503's words, then what went wrong. */
  internal: {
    status: 500,
    shape: 'detail',
    ko: '일시적으로 사용할 수 없습니다. (service unavailable)',
    en: '{reason}',
  },
  malformedRequest: {
    status: 400,
    shape: 'detail',
    ko: '잘못된 HTTP 요청입니다.',
    en: 'malformed HTTP request: percent-encode spaces, control and non-ASCII characters in the URL',
  },
  requestTimeout: {
    status: 408,
    shape: 'detail',
    ko: '요청을 제시간에 다 받지 못했습니다.',
    en: 'the request did not arrive in time; the connection is closed',
  },
  headersTooLarge: {
    status: 431,
    shape: 'detail',
    ko: '요청 헤더가 너무 큽니다.',
    en: 'request line and headers too large; send a shorter URL',
  },

  // -------------------------------------------------------------------------------------------------
  // Order create (one element of `options` per line)

  unknownMappingCode: {
    status: 400,
    shape: 'item',
    field: 'channel_product_mapping_code',
    ko: '등록된 상품 매핑 코드가 아닙니다. 상품 등록(매핑) 요청의 응답으로 받은 코드를 보내 주세요.',
    en: '"{mappingCode}" is not a mapping code issued to this channel for a {family} product; send the code returned by the registration request',
  },
  lineOptionUnknown: {
    status: 400,
    shape: 'item',
    ko: '이 상품의 옵션 코드가 아닙니다. 상품 상세 조회의 options[].option_code를 보내 주세요.',
    en: '"{optionCode}" is not an option of product {product} version {version}; use an option_code from the product detail',
  },
  lineQuantityInvalid: {
    status: 400,
    shape: 'item',
    field: 'quantity',
    ko: '수량은 1 이상의 정수여야 합니다.',
    en: 'quantity must be an integer of at least 1, got {quantity}',
  },
  /** Two fields of the line disagree: DRF puts that under the element's non_field_errors. */
  ticketCountMismatch: {
    status: 400,
    shape: 'item',
    field: NON_FIELD_ERRORS,
    ko: '티켓 수({tickets})가 수량({quantity})과 다릅니다. 수량 1개당 티켓 1개를 보내 주세요.',
    en: '{tickets} tickets for quantity {quantity}; send exactly one ticket per unit',
  },
  lineDateTimeInvalid: {
    status: 400,
    shape: 'item',
    ko: '날짜/시간 형식이 올바르지 않습니다. RFC 3339 UTC(예: 2026-03-01T09:00:00Z)로 보내 주세요.',
    en: '"{value}" is not a valid date-time; send RFC 3339 UTC, e.g. 2026-03-01T09:00:00Z',
  },
  noInventoryAt: {
    status: 400,
    shape: 'item',
    ko: '해당 일시에 이 옵션의 인벤토리가 없습니다. 인벤토리 조회 API로 구매 가능한 일시를 확인해 주세요.',
    en: 'no inventory for option {option} at {at}; pick a date (and start time) listed by the inventory API',
  },
  datePassed: {
    status: 400,
    shape: 'item',
    ko: '이미 지난 날짜입니다.',
    en: 'the date has passed: {when} is before now, {today} {time} in Korea (UTC+9); pick a date listed by the inventory API',
  },
  /** The product (through one line), the representative and the tickets together: non_field_errors. */
  rtiMissing: {
    status: 400,
    shape: 'nonField',
    ko: '필수 여행자 정보(RTI)가 없습니다: {names}. representative.additional(또는 모든 티켓의 additional)에 문자열 값으로 보내 주세요.',
    en: "options[{index}]: required traveler information missing: {names}; send each as a non-empty string in representative.additional or in every ticket's additional",
  },
  channelOrderIdReused: {
    status: 400,
    shape: 'nested',
    parent: 'order',
    ko: '이미 다른 내용의 주문에 사용된 채널 주문 ID입니다. 새 주문에는 새 ID를 사용하고, 재시도는 같은 본문으로 보내 주세요.',
    en: 'channel order id "{code}" was already used with a different request body; use a new id for a new order, and resend the identical body to retry',
  },
  moneyInvalid: {
    status: 400,
    shape: 'field',
    ko: '금액은 소수점 5자리 이하의 숫자 또는 숫자 문자열이어야 합니다.',
    en: 'got {value}',
  },

  // -------------------------------------------------------------------------------------------------
  // Stock: why units of an inventory entry cannot be ordered (`{when}` is the date, and start time)

  stockQuantityInvalid: {
    status: 400,
    shape: 'field',
    ko: '주문 수량은 1 이상의 정수여야 합니다.',
    en: 'quantity must be a positive integer; got {quantity} for option {option}, {when}',
  },
  notOnSaleDate: {
    status: 400,
    shape: 'field',
    ko: '판매하지 않는 날짜입니다.',
    en: 'not on sale on this date: option {option}, {when}; the inventory lists it with remain_quantity 0 — choose another date from the inventory API',
  },
  notOnSale: {
    status: 400,
    shape: 'field',
    ko: '판매 중이 아닌 인벤토리입니다.',
    en: 'inventory not on sale: option {option}, {when}; is_order is false — choose another date or time from the inventory API',
  },
  soldOut: {
    status: 400,
    shape: 'field',
    ko: '매진된 인벤토리입니다.',
    en: 'sold out: option {option}, {when}, remain 0, quantity {quantity}; choose another date or time from the inventory API',
  },
  notEnoughStock: {
    status: 400,
    shape: 'field',
    ko: '남은 수량이 부족합니다.',
    en: 'not enough inventory: option {option}, {when}, remain {remain}, quantity {quantity}; order at most {remain}',
  },

  // -------------------------------------------------------------------------------------------------
  // Order and ticket status changes (the channel's cancels, the supplier's actions)

  orderCannotChange: {
    status: 400,
    shape: 'field',
    field: 'channel_status',
    ko: "현재 주문 상태({status})에서는 '{requested}'(으)로 변경할 수 없습니다. 주문 상태를 주문 확인 API로 확인해 주세요.",
    en: 'an order in status "{status}" cannot be changed to "{requested}"; only New, Supplier pending and Supplier confirm orders can be cancelled',
  },
  ticketCannotCancel: {
    status: 400,
    shape: 'field',
    field: 'status',
    ko: '현재 티켓 상태({status})에서는 취소할 수 없습니다. 새 티켓(New)만 취소할 수 있습니다.',
    en: 'a ticket in status "{status}" cannot be cancelled; only New tickets can',
  },
  supplierCannotActOnOrder: {
    status: 400,
    shape: 'field',
    field: 'action',
    ko: "현재 주문 상태({status})에서는 공급사 동작 '{action}'을(를) 할 수 없습니다.",
    en: 'the supplier cannot "{action}" an order in status "{status}"',
  },
  supplierCannotActOnTicket: {
    status: 400,
    shape: 'field',
    field: 'action',
    ko: "현재 티켓 상태({status})에서는 공급사 동작 '{action}'을(를) 할 수 없습니다. 새 티켓(New)만 처리할 수 있습니다.",
    en: 'the supplier cannot "{action}" a ticket in status "{status}"; only New tickets can change',
  },

  // -------------------------------------------------------------------------------------------------
  // Refunds

  policyNotAnObject: refundPolicy('객체가 아닙니다', 'not an object'),
  policyEmpty: refundPolicy('비어 있습니다', 'it is empty'),
  policyPercentNotInteger: refundPolicy(
    '비율 "{key}"이(가) 정수가 아닙니다',
    'percent key "{key}" is not an integer',
  ),
  policyPercentOver100: refundPolicy(
    '비율 {percent}%가 100%를 넘습니다',
    'percent {percent} is greater than 100',
  ),
  policyDaysNotInteger: refundPolicy(
    '"{key}"의 일수 {days}이(가) 0 이상의 정수가 아닙니다',
    'day count {days} of "{key}" is not a non-negative integer',
  ),
  policyThresholdTwice: refundPolicy(
    '{days}일 기준이 두 번 있습니다',
    'the {days}-day threshold appears twice',
  ),
  refundDateTimeInvalid: {
    status: 400,
    shape: 'field',
    ko: '날짜/시간 형식이 올바르지 않습니다. RFC 3339 UTC(예: 2026-03-01T09:00:00Z) 또는 "YYYY-MM-DD hh:mm:ss"로 보내 주세요.',
    en: '{value} is not a valid date-time; send RFC 3339 UTC or "YYYY-MM-DD hh:mm:ss"',
  },
  refundAmountInvalid: {
    status: 400,
    shape: 'field',
    ko: '금액 형식이 올바르지 않습니다. 소수점 5자리까지의 숫자 문자열로 보내 주세요. 예: "5000"',
    en: '{value} is not an amount; send a decimal string with at most 5 decimals, e.g. "5000"',
  },
  ticketNotCancelled: {
    status: 400,
    shape: 'field',
    field: 'ax_ticket_status',
    ko: '티켓이 취소되지 않았습니다. 먼저 티켓(또는 주문) 취소를 동기화한 뒤 환불을 보내 주세요.',
    en: 'the ticket must be cancelled before a refund is synced; current status: {status}',
  },

  // -------------------------------------------------------------------------------------------------
  // Registration (every problem of `mapping_data` listed at once)

  mappingNotAnObject: {
    status: 400,
    shape: 'field',
    field: 'mapping_data',
    ko: '매핑 데이터는 객체여야 합니다.',
    en: 'mapping_data must be an object of option_code -> option name',
  },
  mappingKeyUnknown: {
    status: 400,
    shape: 'field',
    field: 'mapping_data',
    ko: '이 상품의 옵션이 아닌 option_code입니다.',
    en: 'not an option of product {product} version {version}: {key}; use the option codes from the product detail API',
  },
  mappingNameNotText: {
    status: 400,
    shape: 'field',
    field: 'mapping_data',
    ko: '옵션 이름은 비어 있지 않은 문자열이어야 합니다.',
    en: 'the option name for {key} must be a non-empty string',
  },
  mappingNameTwice: {
    status: 400,
    shape: 'field',
    field: 'mapping_data',
    ko: '같은 옵션 이름을 두 번 사용할 수 없습니다.',
    en: 'option names must be unique within a product; "{name}" is used for {other} and {key}',
  },
  mappingIncomplete: {
    status: 400,
    shape: 'field',
    field: 'mapping_data',
    ko: '모든 옵션이 매핑되어야 합니다.',
    en: 'every option of the product must be mapped; missing: {missing}',
  },

  // -------------------------------------------------------------------------------------------------
  // A new product version (control API; every problem of `options`, `prices`, `contents` at once)

  optionsEmpty: {
    status: 400,
    shape: 'field',
    field: 'options',
    ko: '옵션이 하나 이상 있어야 합니다.',
    en: 'options must be a non-empty list of {optionCode?, optionName}',
  },
  optionNotAnObject: {
    status: 400,
    shape: 'field',
    field: 'options',
    ko: '옵션 {index}번이 객체가 아닙니다.',
    en: 'options[{index}] must be an object {optionCode?, optionName}',
  },
  optionNameNotText: {
    status: 400,
    shape: 'field',
    field: 'options',
    ko: '옵션 이름은 비어 있지 않은 문자열이어야 합니다.',
    en: 'options[{index}].optionName must be a non-empty string',
  },
  optionNameRepeated: {
    status: 400,
    shape: 'field',
    field: 'options',
    ko: '같은 옵션 이름을 두 번 사용할 수 없습니다.',
    en: 'option names must be unique; "{name}" is repeated',
  },
  optionCodeUnknown: {
    status: 400,
    shape: 'field',
    field: 'options',
    ko: '이 상품의 옵션이 아닌 option_code입니다.',
    en: 'options[{index}].optionCode {code} is not an option of product {product}; omit it to add a new option',
  },
  optionListedTwice: {
    status: 400,
    shape: 'field',
    field: 'options',
    ko: '같은 옵션을 두 번 사용할 수 없습니다.',
    en: 'option {option} is listed twice',
  },
  optionNothingToCopy: {
    status: 400,
    shape: 'field',
    field: 'options',
    ko: '새 옵션의 가격과 인벤토리를 가져올 기존 옵션이 없습니다.',
    en: 'product {product} has no option to copy',
  },
  pricesNotAnObject: {
    status: 400,
    shape: 'field',
    field: 'prices',
    ko: '가격은 option_code별 객체여야 합니다.',
    en: 'prices must be an object keyed by option code',
  },
  priceOptionUnknown: {
    status: 400,
    shape: 'field',
    field: 'prices',
    ko: '이 상품의 옵션이 아닌 option_code입니다.',
    en: 'prices: {option} is not an option of product {product}',
  },
  priceNotAnObject: {
    status: 400,
    shape: 'field',
    field: 'prices',
    ko: '가격은 객체여야 합니다.',
    en: 'prices.{option} must be an object',
  },
  priceEmpty: {
    status: 400,
    shape: 'field',
    field: 'prices',
    ko: '가격 항목이 비어 있습니다.',
    en: 'empty price for option {option}',
  },
  tourPriceKeyUnknown: {
    status: 400,
    shape: 'field',
    field: 'prices',
    ko: '알 수 없는 가격 항목입니다.',
    en: 'unknown tour price key "{key}" for option {option}; use {keys}',
  },
  tourPriceInvalid: {
    status: 400,
    shape: 'field',
    field: 'prices',
    ko: '가격은 소수점 2자리 이하의 0 이상 숫자여야 합니다.',
    en: '{key} of option {option} must be a non-negative number with at most 2 decimals',
  },
  dayTicketCurrencyInvalid: {
    status: 400,
    shape: 'field',
    field: 'prices',
    ko: '통화는 KRW 또는 USD여야 합니다.',
    en: 'currency of option {option} must be "KRW" or "USD"',
  },
  dayTicketPriceInvalid: {
    status: 400,
    shape: 'field',
    field: 'prices',
    ko: '가격은 소수점 5자리 이하의 0 이상 숫자여야 합니다.',
    en: 'price of option {option} must be a non-negative number or numeric string with at most 5 decimals',
  },
  dayTicketPriceKeyUnknown: {
    status: 400,
    shape: 'field',
    field: 'prices',
    ko: '알 수 없는 가격 항목입니다.',
    en: 'unknown day-ticket price key "{key}" for option {option}; use currency, price',
  },
  contentsNotAnObject: {
    status: 400,
    shape: 'field',
    field: 'contents',
    ko: 'contents는 객체여야 합니다.',
    en: 'contents must be an object',
  },
  contentsValueInvalid: {
    status: 400,
    shape: 'field',
    field: 'contents',
    ko: 'contents 값은 문자열 또는 문자열 목록이어야 합니다.',
    en: 'contents.{key} must be a string or a list of strings',
  },

  // -------------------------------------------------------------------------------------------------
  // Reviews and questions

  feedbackOptionUnknown: {
    status: 400,
    shape: 'field',
    field: 'option_code',
    ko: '이 상품의 옵션 코드가 아닙니다. 상품 상세 조회의 options[].option_code를 보내거나 생략해 주세요.',
    en: '"{optionCode}" is not an option of product {product}; send one from the product detail, or omit it',
  },
  feedbackDateTimeInvalid: {
    status: 400,
    shape: 'field',
    ko: '날짜/시간 형식이 올바르지 않습니다. "YYYY-MM-DD hh:mm" 또는 RFC 3339(예: 2026-03-01T09:00:00Z)로 보내 주세요.',
    en: '{value} is not a valid date-time; send "YYYY-MM-DD hh:mm" or RFC 3339',
  },
  scoreNotAllowed: {
    status: 400,
    shape: 'field',
    ko: '점수 유형이 NO_SCORE이면 점수를 보내지 않아야 합니다.',
    en: 'a {scoreType} review must not carry a score; omit it or send null',
  },
  tourScoreOutOfRange: {
    status: 400,
    shape: 'field',
    ko: '점수는 {min} 이상 {max} 이하의 정수여야 합니다 ({scoreType}).',
    en: 'score must be an integer from {min} to {max} for {scoreType}, got {score}',
  },
  dayTicketScoreOutOfRange: {
    status: 400,
    shape: 'field',
    ko: '점수는 {min} 이상 {max} 이하의 정수여야 합니다 (0–100으로 환산한 점수 (normalised 0–100)).',
    en: 'score must be an integer from {min} to {max} for day-ticket reviews, got {score}',
  },
  reviewCodeReused: {
    status: 400,
    shape: 'field',
    field: 'review_code',
    ko: '이미 다른 내용으로 등록된 리뷰 코드입니다. 새 리뷰에는 새 review_code를 사용해 주세요.',
    en: 'review_code "{code}" was already used for this product with different content; use a new review_code',
  },
  questionCodeReused: {
    status: 400,
    shape: 'field',
    field: 'question_code',
    ko: '이미 사용된 question_code입니다. 질문마다 새 코드(UUID4 권장)를 사용해 주세요.',
    en: 'question_code "{code}" was already used in this channel; use a new one per question, UUID4 recommended',
  },

  // -------------------------------------------------------------------------------------------------
  // Control API: the clock, fault rules, state import

  clockTooFar: {
    status: 400,
    shape: 'field',
    field: 'seconds',
    ko: '가상 시계는 9000-01-01T00:00:00Z 이전에 머물러야 합니다. 지금부터 최대 {most}초까지 앞당길 수 있습니다.',
    en: 'the virtual clock stays before 9000-01-01T00:00:00Z, so that every date-time the simulator writes has a four-digit year; advance it by at most {most} seconds from now',
  },
  rulesNotAList: {
    status: 400,
    shape: 'field',
    field: 'rules',
    ko: '리스트(array)가 필요합니다.',
    en: 'rules must be an array',
  },
  rulePathInvalid: {
    status: 400,
    shape: 'field',
    field: 'rules',
    ko: '{at}.path: "/"로 시작하는 경로가 필요합니다.',
    en: 'path must be a glob starting with /',
  },
  ruleStatusInvalid: {
    status: 400,
    shape: 'field',
    field: 'rules',
    ko: '{at}.status: 200–303 또는 305–599 사이의 상태 코드만 사용할 수 있습니다.',
    en: 'status must be 200–303 or 305–599: a 1xx or 304 answer has no body a client can read as the answer — clients hang, drop the socket or see a length mismatch',
  },
  ruleNeedsEffect: {
    status: 400,
    shape: 'field',
    field: 'rules',
    ko: '{at}: status 또는 delayMs가 필요합니다.',
    en: 'a rule needs a status, a delay, or both',
  },
  stateFormatWrong: {
    status: 400,
    shape: 'field',
    field: 'format',
    ko: '"{format}" 형식이어야 합니다.',
    en: 'send a document exported by GET /__sim/state',
  },
  stateCollectionMissing: {
    status: 400,
    shape: 'field',
    field: 'state',
    ko: 'state.{name} 객체가 없습니다.',
    en: 'state.{name} must be an object',
  },
  stateMetaMalformed: {
    status: 400,
    shape: 'field',
    field: 'state',
    ko: 'state.meta.meta 가 올바르지 않습니다.',
    en: 'state.meta.meta is malformed',
  },
  stateOtherCatalogue: {
    status: 400,
    shape: 'field',
    field: 'state',
    ko: '다른 카탈로그의 상태입니다.',
    en: 'this state was built on catalogue "{saved}", the simulator runs "{running}"',
  },
  stateNotExported: {
    status: 400,
    shape: 'field',
    field: 'state',
    ko: '내보낸 상태의 형식이 아닙니다.',
    en: 'not a state exported by GET /__sim/state: {problems}',
  },
  stateClockTooFar: {
    status: 400,
    shape: 'field',
    field: 'state',
    ko: '가상 시계가 9000-01-01T00:00:00Z를 넘습니다.',
    en: 'state.meta.meta.clockOffsetMs puts the virtual clock past 9000-01-01T00:00:00Z',
  },
} as const satisfies Record<string, Entry>;

export type ErrorCode = keyof typeof CATALOGUE;
type EntryOf<C extends ErrorCode> = (typeof CATALOGUE)[C];

/** The placeholders of a template: `{name}` with a plain name (JSON braces in the text are not ones). */
type Placeholders<T extends string> = T extends `${string}{${infer Name}}${infer Rest}`
  ?
      | (Name extends `${string}${'"' | ' ' | ',' | ':' | '?' | '<' | '.'}${string}` | '' ? never : Name)
      | Placeholders<Rest>
  : never;

/** A list element an error is about: element `index` of the list `list`, of `length` elements. */
export interface ItemAt {
  list: string;
  index: number;
  length: number;
}

type FieldOf<E> = E extends { field: string } ? { field?: never } : { field: string };
type LocationOf<E> = E extends { shape: 'detail' | 'nested' }
  ? E extends { shape: 'nested' }
    ? FieldOf<E> & { item?: never }
    : { field?: never; item?: never }
  : E extends { shape: 'item' }
    ? FieldOf<E> & { item: ItemAt }
    : E extends { shape: 'field' }
      ? FieldOf<E> & { item?: ItemAt }
      : { item?: ItemAt };

/** A value for every placeholder of entry `code`. */
export type TextParams<C extends ErrorCode> = {
  [K in Placeholders<EntryOf<C>['ko'] | EntryOf<C>['en']>]: string | number;
};

/** What the thrower of `code` passes: a value for every placeholder, and where the error goes. */
export type ErrorParams<C extends ErrorCode> = TextParams<C> & LocationOf<EntryOf<C>>;

/** The errors about one field of the request (those a `Problems` list collects). */
type FieldCode = { [C in ErrorCode]: EntryOf<C> extends { shape: 'field' } ? C : never }[ErrorCode];

/** The parameters as an argument: optional when there is nothing to pass. */
type Arg<P> = object extends P ? [params?: P] : [params: P];

export type ErrorBody = Record<string, unknown>;

export class ApiError extends Error {
  readonly status: number;
  readonly body: ErrorBody;
  /** The catalogue entry it was built from (absent for errors passed through from Fastify). */
  readonly code: ErrorCode | undefined;
  constructor(status: number, body: ErrorBody, code?: ErrorCode) {
    super(`${status} ${JSON.stringify(body)}`);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
    this.code = code;
  }
}

const PLACEHOLDER = /\{([A-Za-z]\w*)\}/g;

/** `template` with every placeholder replaced by its value (values are not scanned again). */
function fill(template: string, params: Record<string, unknown>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/** The answer's text of catalogue entry `code`, filled: `<ko> (<en>)`, or the vendor's Korean alone. */
export function message<C extends ErrorCode>(code: C, ...[params]: Arg<TextParams<C>>): string {
  return render(CATALOGUE[code], (params ?? {}) as Record<string, unknown>);
}

function render(entry: Entry, values: Record<string, unknown>): string {
  const ko = fill(entry.ko, values);
  return entry.vendor ? ko : `${ko} (${fill(entry.en, values)})`;
}

/** `errors` as element `item.index` of the list `item.list`, `{}` for every other element. */
function inItem(errors: ErrorBody, item: ItemAt | undefined): ErrorBody {
  if (!item) return errors;
  const length = Math.max(item.length, item.index + 1);
  return { [item.list]: Array.from({ length }, (_, i) => (i === item.index ? errors : {})) };
}

/** The answer body of entry `code` around its filled message. */
function bodyOf(entry: Entry, text: string, params: Record<string, unknown>): ErrorBody {
  const field = entry.field ?? (params.field as string);
  const item = params.item as ItemAt | undefined;
  switch (entry.shape) {
    case 'detail':
      return { detail: text };
    case 'nonField':
      return inItem({ [NON_FIELD_ERRORS]: [text] }, item);
    case 'nested':
      return { [entry.parent!]: { [field]: [text] } };
    case 'field':
    case 'item':
      return inItem({ [field]: [text] }, item);
  }
}

/** The error `code` of the catalogue, filled and placed: `throw apiError('soldOut', {...})`. */
export function apiError<C extends ErrorCode>(code: C, ...[params]: Arg<ErrorParams<C>>): ApiError {
  const entry: Entry = CATALOGUE[code];
  const values = (params ?? {}) as Record<string, unknown>;
  const text = render(entry, values);
  return new ApiError(entry.status, bodyOf(entry, text, values), code);
}

/**
 * Several problems of one request, listed together under their fields in the order found (the body
 * `{"prices": [...], "contents": [...]}`): what a rule that reports every problem at once collects.
 */
export class Problems {
  private readonly errors: Record<string, string[]> = {};

  add<C extends FieldCode>(code: C, ...[params]: Arg<TextParams<C> & FieldOf<EntryOf<C>>>): void {
    const entry: Entry = CATALOGUE[code];
    const values = (params ?? {}) as Record<string, unknown>;
    const field = entry.field ?? (values.field as string);
    const list = Object.hasOwn(this.errors, field) ? this.errors[field]! : [];
    list.push(render(entry, values));
    this.errors[field] = list;
  }

  /** Throws them all as one 400, when there is any. */
  throwIfAny(): void {
    if (Object.keys(this.errors).length > 0) throw new ApiError(400, this.errors);
  }
}

/**
 * The message templates the HTTP layer places itself (schema errors, raw socket answers): `{type}` in
 * notAList / notADict / notADictField is left for `withType`.
 */
export const MESSAGES = {
  denied: message('denied'),
  notFound: message('notFound'),
  invalidQuery: message('invalidQuery'),
  required: message('required'),
  notNull: message('notNull'),
  blank: message('blank'),
  invalid: message('invalid'),
  notAList: CATALOGUE.notAList.ko,
  notADict: CATALOGUE.notADict.ko,
  notADictField: CATALOGUE.notADictField.ko,
  invalidJson: message('invalidJson'),
  tooDeep: message('tooDeep'),
  tooLarge: message('tooLarge'),
  unsupportedMedia: message('unsupportedMedia'),
  notImplemented: message('notImplemented'),
  unavailable: message('unavailable'),
  malformedRequest: message('malformedRequest'),
  requestTimeout: message('requestTimeout'),
  headersTooLarge: message('headersTooLarge'),
} as const;

export const denied = () => apiError('denied');
export const notFound = () => apiError('notFound');
export const invalidQuery = () => apiError('invalidQuery');
export const invalidJson = () => apiError('invalidJson');
export const tooDeep = () => apiError('tooDeep');
export const tooLarge = () => apiError('tooLarge');
export const unsupportedMedia = () => apiError('unsupportedMedia');
export const notImplemented = () => apiError('notImplemented');
export const unavailable = () => apiError('unavailable');

/** 400 naming several fields at once, each with its messages (the schema validator's answer). */
export const fieldErrors = (errors: Record<string, unknown>) => new ApiError(400, errors);

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
export const invalidChoice = (value: unknown) => message('invalidChoice', { value: shown(value) });
