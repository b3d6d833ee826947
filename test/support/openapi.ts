import { schemaProblems } from '../../contract-tests/support/validator.ts';
import {
  allOperations,
  DOCUMENTS,
  type DocumentName,
  type DocumentOperation,
  type Json,
  type PathMatcher,
  pathMatcher,
} from '../../openapi/document.ts';

/**
 * The two OpenAPI documents as the document reader gives them (`openapi/document.ts`, the same reader the
 * contract suite uses, not the simulator's route code), for tests that hold the simulator to them: every
 * operation with its routes (aliases included), documented statuses, parameters and request body; a
 * router that says which operation a method + raw path designates; and a response checker that adds the
 * simulator's own rules (no 5xx, 404 for unknown paths, refusals of a body) to the contract suite's
 * schema validation.
 */

export { DOCUMENTS, type DocumentName, type Json };

/** `method` widened to a string: the tests build requests from it next to methods no document has. */
export interface DocOperation extends Omit<DocumentOperation, 'method'> {
  method: string;
  pathParams: string[];
  queryParams: Array<{ name: string; schema: Json }>;
}

let cache: { operations: DocOperation[]; match: PathMatcher<DocOperation> } | undefined;

function read() {
  if (!cache) {
    const operations = allOperations().map((op) => ({
      ...op,
      pathParams: op.parameters.filter((p) => p.in === 'path').map((p) => p.name),
      queryParams: op.parameters
        .filter((p) => p.in === 'query')
        .map((p) => ({ name: p.name, schema: p.schema })),
    }));
    cache = { operations, match: pathMatcher(operations) };
  }
  return cache;
}

/** Every operation of both documents. */
export function specOperations(): DocOperation[] {
  return read().operations;
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
 * ignored) picks it: see `pathMatcher` in openapi/document.ts. `rawPath` is the path as sent, query
 * allowed.
 */
export function routeOf(method: string, rawPath: string): DocOperation | undefined {
  return read().match(method, rawPath);
}

const DETAIL_ERROR: Json = {
  type: 'object',
  additionalProperties: false,
  required: ['detail'],
  properties: { detail: { type: 'string' } },
};

/** Checks answers against the documents, with the contract suite's schema validation (validator.ts). */
export function responseChecker() {
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
    const wrong = schema ? schemaProblems(key, schema, parsed) : [];
    if (wrong.length > 0) {
      problems.push(
        `${status} body violates the schema of ${op?.operationId ?? '404'}: ${wrong.join('; ')} — ${answer.body.slice(0, 300)}`,
      );
    }
    return problems;
  };
}
