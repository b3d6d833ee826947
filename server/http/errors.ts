import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  ApiError,
  apiError,
  invalidJson,
  MESSAGES,
  notFound,
  tooLarge,
  unavailable,
  unsupportedMedia,
} from '../domain/errors.ts';
import { StoreError } from '../store/store.ts';
import { validationError } from './validation.ts';

/**
 * Every error a request can end in, answered in the vendor's words: the domain's own `ApiError`s as
 * they are; Fastify's and ajv's errors (bad JSON, too large, wrong content type, a request that fails
 * the spec's schemas) as the error bodies the vendor's DRF server gives; a store that cannot write as
 * 503; what Node's HTTP parser refuses, on the raw socket.
 */

/**
 * How a request's validation errors are shaped: the channel API nests them as the vendor's DRF does;
 * the control API keeps its documented flat shape (openapi/simulator.yaml).
 */
export type ErrorShape = 'nested' | 'flat';

export function toApiError(
  error: FastifyError & { validationContext?: string },
  body: unknown,
  bodySchema: unknown,
  shape: ErrorShape,
): ApiError {
  if (error instanceof ApiError) return error;
  if (error.validation) {
    return validationError(
      error.validationContext as 'body',
      error.validation as never,
      body,
      bodySchema,
      shape,
    );
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return invalidJson();
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return tooLarge();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return unsupportedMedia();
  }
  if (error instanceof SyntaxError || error.statusCode === 400) return invalidJson();
  if (error instanceof StoreError) return unavailable();
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new ApiError(error.statusCode, { detail: error.message });
  }
  return apiError('internal', { reason: error.message });
}

/** A Fastify error handler answering with `toApiError`; a 5xx is logged. */
export function answerError(shape: ErrorShape) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const apiError = toApiError(error, request.body, request.routeOptions.schema?.body, shape);
    if (apiError.status >= 500) request.log.error(error);
    return reply.code(apiError.status).send(apiError.body);
  };
}

/** No such route: the vendor's 404 (never an echo of the URL). */
export function answerNotFound(_request: FastifyRequest, reply: FastifyReply): void {
  reply.code(404).send(notFound().body);
}

/** Malformed or absurdly long URLs (Fastify's `frameworkErrors`): no such resource either. */
export function answerFrameworkError(_error: unknown, _request: unknown, reply: unknown): void {
  (reply as FastifyReply).code(404).send(notFound().body);
}

/**
 * What Node's HTTP parser refuses before Fastify sees a request (a raw space or NUL in the URL, headers
 * past the size limit, a request that did not arrive within `requestTimeoutMs`): answered in the vendor's
 * `{"detail"}` style like every other error, then the connection is closed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, detail] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', MESSAGES.requestTimeout]
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', MESSAGES.headersTooLarge]
        : [400, 'Bad Request', MESSAGES.malformedRequest];
  const body = JSON.stringify({ detail });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
