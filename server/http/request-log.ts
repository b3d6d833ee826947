import type { FastifyInstance } from 'fastify';

/** One answered request, as `--log` prints it. */
export interface RequestLogEntry {
  method: string;
  /** Path and query as requested. */
  path: string;
  status: number;
  ms: number;
  /** The channel the credentials named; undefined when there were none (or they were refused). */
  channel: string | undefined;
  /** For a 4xx or 5xx: the first message of the error body (`detail`, or the first field's first message). */
  error?: string;
}

/** The first human message in a DRF-style error body: `detail`, else the first field's first message. */
export function firstErrorMessage(body: unknown, field?: string): string | undefined {
  if (typeof body === 'string') return field ? `${field}: ${body}` : body;
  if (Array.isArray(body)) {
    for (const item of body) {
      const found = firstErrorMessage(item, field);
      if (found) return found;
    }
    return undefined;
  }
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    for (const key of ['detail', 'message']) {
      if (typeof record[key] === 'string') return record[key];
    }
    for (const [key, value] of Object.entries(record)) {
      const found = firstErrorMessage(value, field ? `${field}.${key}` : key);
      if (found) return found;
    }
  }
  return undefined;
}

function parsedError(payload: unknown): string | undefined {
  const text =
    typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '';
  if (!text) return undefined;
  try {
    const message = firstErrorMessage(JSON.parse(text));
    return message && message.length > 200 ? `${message.slice(0, 199)}…` : message;
  } catch {
    return undefined;
  }
}

/** The error answer's payload, from onSend to onResponse. */
const errorPayloads = new WeakMap<object, unknown>();

/**
 * Calls `log` once per answered request with what a developer looks for in a log line — method, path,
 * status, time, channel, and why a request was refused — instead of a logger's two raw lines.
 */
export function addRequestLog(app: FastifyInstance, log: (entry: RequestLogEntry) => void): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode >= 400) errorPayloads.set(request, payload);
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    const status = reply.statusCode;
    const entry: RequestLogEntry = {
      method: request.method,
      path: request.url,
      status,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      channel: request.channel?.code,
    };
    if (status >= 400) {
      const error = parsedError(errorPayloads.get(request));
      if (error !== undefined) entry.error = error;
    }
    log(entry);
  });
}

/** `12:01:02.345 POST /v1/channel/orders/tour 400 3.2 ms demo-channel — quantity: …` */
export function formatRequestLine(entry: RequestLogEntry, at: Date = new Date()): string {
  const time = at.toISOString().slice(11, 23);
  const error = entry.error !== undefined ? ` — ${entry.error}` : '';
  return `${time} ${entry.method} ${entry.path} ${entry.status} ${entry.ms} ms ${entry.channel ?? '-'}${error}`;
}
