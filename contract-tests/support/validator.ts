import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { operationById } from './spec.ts';

/**
 * Checks one answer against the contract: its status must be one the document lists for the operation,
 * its body must match that status's schema (JSON Schema 2020-12, formats on, no coercion), and a
 * documented JSON body must come as `application/json`. A fresh Ajv of its own — nothing is shared with
 * the simulator's request validation or serialisation.
 *
 * Two tolerances, both from the vendor's docs: the vendor sometimes sends an error's message under
 * `message` instead of `detail`, and the latest list may answer 200 instead of its documented 201
 * (its docs show both) — its body is still checked against the 201 schema.
 */

const ajv = new Ajv2020({
  strict: false,
  allErrors: true,
  coerceTypes: false,
  useDefaults: false,
  removeAdditional: false,
  validateFormats: true,
});
addFormats.default(ajv);

/** Statuses answered in place of a documented one: operationId → { answered: documented }. */
const STATUS_EQUIVALENTS: Record<string, Record<number, number>> = {
  listTourProductUpdates: { 200: 201 },
  listDayTicketProductUpdates: { 200: 201 },
};

const compiled = new Map<string, ValidateFunction>();

/**
 * What is wrong with `body` under `schema`, described, or [] when it fits. `key` names the schema (e.g.
 * `getTourProduct 200`): each is compiled once. The tests' own answer checks use this too, so both hold
 * the simulator to one reading of the schemas.
 */
export function schemaProblems(key: string, schema: Record<string, unknown>, body: unknown): string[] {
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  return validate(body) ? [] : describeErrors(validate.errors ?? []);
}

/** An answer the contract does not allow. The message says which operation, which rule and what came. */
export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
  constructor(
    readonly operationId: string,
    readonly status: number,
    readonly problems: string[],
    request: string,
    body: unknown,
  ) {
    super(
      `${operationId} (${request}) answered ${status}, which breaks openapi contract:\n  - ${problems.join('\n  - ')}\n  body: ${snippet(body)}`,
    );
  }
}

export interface ObservedAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string | string[]>;
  /** e.g. `GET /v1/channel/products/tour?page=1`, for the message. */
  request: string;
}

/** Throws a ContractViolation unless the answer is what the document promises for `operationId`. */
export function checkAnswer(operationId: string, answer: ObservedAnswer): void {
  const op = operationById(operationId);
  if (!op) throw new Error(`unknown operationId ${operationId}`);
  const documented = STATUS_EQUIVALENTS[operationId]?.[answer.status] ?? answer.status;
  if (!op.responses.has(documented)) {
    throw new ContractViolation(
      operationId,
      answer.status,
      [
        `status ${answer.status} is not documented for ${operationId} (documented: ${[...op.responses.keys()].join(', ')})`,
      ],
      answer.request,
      answer.body,
    );
  }
  const schema = op.responses.get(documented);
  if (!schema) return;
  const problems: string[] = [];
  const contentType = String(answer.headers['content-type'] ?? '');
  if (!/^application\/json\b/i.test(contentType)) {
    problems.push(`content-type is "${contentType}", not application/json`);
  }
  const body = answer.status >= 400 ? tolerateMessageKey(answer.body) : answer.body;
  problems.push(...schemaProblems(`${op.operationId} ${documented}`, schema, body));
  if (problems.length > 0) {
    throw new ContractViolation(operationId, answer.status, problems, answer.request, answer.body);
  }
}

/** `{"message": "..."}` is the vendor's older spelling of `{"detail": "..."}` (several of its doc pages). */
function tolerateMessageKey(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const { message, ...rest } = body as Record<string, unknown>;
  if (typeof message === 'string' && !('detail' in rest)) return { ...rest, detail: message };
  return body;
}

function describeErrors(errors: ErrorObject[]): string[] {
  const lines = errors
    // oneOf/anyOf summaries repeat what their branches say.
    .filter((e) => !['oneOf', 'anyOf', 'if'].includes(e.keyword) || errors.length === 1)
    .map((e) => {
      const where = e.instancePath || '(body)';
      const params = e.params as Record<string, unknown>;
      const extra =
        e.keyword === 'additionalProperties'
          ? ` "${String(params.additionalProperty)}"`
          : e.keyword === 'enum'
            ? ` ${JSON.stringify(params.allowedValues)}`
            : e.keyword === 'const'
              ? ` ${JSON.stringify(params.allowedValue)}`
              : '';
      return `${where} ${e.message}${extra}`;
    });
  const unique = [...new Set(lines)];
  return unique.length > 8 ? [...unique.slice(0, 8), `… ${unique.length - 8} more`] : unique;
}

function snippet(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  if (text === undefined) return '(empty)';
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}
