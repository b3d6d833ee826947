import { inject } from 'vitest';
import {
  type AxCloudClient,
  AxCloudError,
  createAxCloudClient,
  type RawRequestOptions,
  type RawResponse,
} from '../../client/index.ts';
import { operationById, operationForRequest } from './spec.ts';
import type { ContractTarget } from './target.ts';
import { checkAnswer } from './validator.ts';

/**
 * The typed client every contract test uses, with contract validation registered in this one place:
 * every answer of every operation method — success or error — and every `raw()` answer to a documented
 * method + path is checked against the OpenAPI document before the test sees it. A test cannot forget
 * the check, and a violation fails the test with a ContractViolation naming the operation.
 */

export const target: ContractTarget = inject('axContractTarget');

export interface ContractClientOptions {
  /** Another API key (e.g. an invalid one, for 403 tests). */
  apiKey?: string;
  /** Another channel code; `null` sends no `Channel` header. */
  channelCode?: string | null;
}

export function contractClient(options: ContractClientOptions = {}): AxCloudClient {
  const channelCode = options.channelCode === null ? undefined : (options.channelCode ?? target.channelCode);
  const inner = createAxCloudClient({
    baseUrl: target.baseUrl,
    apiKey: options.apiKey ?? target.apiKey,
    ...(channelCode !== undefined && { channelCode }),
    ...(target.adminKey !== undefined && { adminKey: target.adminKey }),
    // One attempt: a retried 5xx would hide exactly the kind of break this suite is for.
    retries: 0,
    timeoutMs: 20_000,
  });
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(inner)) {
    wrapped[name] =
      typeof value !== 'function' || name === 'close'
        ? value
        : name === 'raw'
          ? validatedRaw(inner)
          : validatedOperation(inner, name);
  }
  return Object.freeze(wrapped) as AxCloudClient;
}

function validatedOperation(client: AxCloudClient, operationId: string) {
  const call = (client as unknown as Record<string, (args?: unknown) => Promise<RawResponse>>)[operationId]!;
  return async (args?: unknown) => {
    let result: { status: number; data: unknown; headers: RawResponse['headers'] };
    try {
      result = await call(args);
    } catch (error) {
      if (error instanceof AxCloudError) {
        checkAnswer(operationId, {
          status: error.status,
          body: error.body,
          headers: error.headers,
          request: `${error.method} ${error.path}`,
        });
      }
      throw error;
    }
    checkAnswer(operationId, {
      status: result.status,
      body: result.data,
      headers: result.headers,
      request: describeCall(operationId, args),
    });
    return result;
  };
}

function validatedRaw(client: AxCloudClient) {
  return async (method: string, path: string, options?: RawRequestOptions): Promise<RawResponse> => {
    const answer = await client.raw(method, path, options);
    const op = operationForRequest(method, path);
    if (op) {
      checkAnswer(op.operationId, {
        status: answer.status,
        body: answer.data,
        headers: answer.headers,
        request: `${method.toUpperCase()} ${path}`,
      });
    }
    return answer;
  };
}

/** `GET /v1/channel/products/tour/<code>` for the messages (the client reports its path only on errors). */
function describeCall(operationId: string, args: unknown): string {
  const op = operationById(operationId);
  if (!op) return operationId;
  const params = (args as { path?: Record<string, unknown> } | undefined)?.path ?? {};
  const path = op.path.replace(/\{([^}]+)\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : encodeURIComponent(String(params[name])),
  );
  return `${op.method} ${path}`;
}
