/**
 * A lean HTTP/1.1 load generator for fixed GET requests: `connections` keep-alive sockets (`node:net`),
 * each with `pipelining` requests in flight (1 unless asked), the request bytes built once. Of each
 * answer it reads only the status line and the framing (`Content-Length`, or chunked encoding) — no
 * header objects, no body strings — counts it per status and records its latency in a fixed histogram.
 *
 * It exists because autocannon spends more CPU per request than bare Fastify does to answer it: on one
 * core it cannot drive one core of server (see docs/decisions/019-load-generator.md). Its counts and
 * bytes are cross-checked against autocannon and against the server's own count by `npm run
 * bench:check`.
 */
import { connect, type Socket } from 'node:net';

export interface LeanOptions {
  url: string;
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
  /** Requests in flight per connection (HTTP/1.1 pipelining); 1 = send the next after each answer. */
  pipelining?: number;
  /** Busy-waits this many microseconds per answer: makes the generator the bottleneck on purpose. */
  burnMicros?: number;
}

export interface LeanResult {
  seconds: number;
  /** Answers completed within the window, any status. */
  requests: number;
  statuses: Record<string, number>;
  /** Bytes of the 2xx answers (status line, headers and body), over the window. */
  okBytes: number;
  errors: number;
  /** Latency of 2xx answers, milliseconds (10 µs resolution). */
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Latency histogram: 10 µs buckets up to 1 s, one overflow bucket; the exact maximum kept aside. */
const BUCKET_MICROS = 10;
const BUCKETS = 100_000;

export class Histogram {
  readonly counts = new Uint32Array(BUCKETS + 1);
  total = 0;
  maxMicros = 0;

  record(micros: number): void {
    const i = Math.min(BUCKETS, Math.floor(micros / BUCKET_MICROS));
    this.counts[i]!++;
    this.total++;
    if (micros > this.maxMicros) this.maxMicros = micros;
  }

  /** Nearest-rank percentile in milliseconds (the upper edge of its bucket, capped by the maximum). */
  percentile(p: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let i = 0; i <= BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min((i + 1) * BUCKET_MICROS, this.maxMicros) / 1000;
    }
    return this.maxMicros / 1000;
  }
}

const CRLF2 = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');
/** Where a connection's parser is in the answer it reads. */
const HEAD = 0;
const BODY = 1;
const CHUNK_SIZE = 2;
const CHUNK_DATA = 3;
const CHUNK_END = 4;

/**
 * The framing of one answer's head: status and body length (-1: chunked). Only the two framing headers
 * are looked at, their names compared case-insensitively.
 */
function parseHead(head: string): { status: number; length: number } {
  const status = Number(head.slice(9, 12));
  let length = 0;
  let at = head.indexOf('\r\n') + 2;
  while (at < head.length) {
    const end = head.indexOf('\r\n', at);
    const line = end < 0 ? head.slice(at) : head.slice(at, end);
    const c = line.charCodeAt(0) | 0x20;
    if (c === 0x63 /* c */ && line.length > 15 && line.slice(0, 15).toLowerCase() === 'content-length:') {
      length = Number(line.slice(15).trim());
    } else if (
      c === 0x74 /* t */ &&
      line.slice(0, 18).toLowerCase() === 'transfer-encoding:' &&
      line.toLowerCase().includes('chunked')
    ) {
      length = -1;
    }
    if (end < 0) break;
    at = end + 2;
  }
  return { status, length };
}

/** Runs the load for `seconds` and resolves with what was answered within that window. */
export function runLean(options: LeanOptions): Promise<LeanResult> {
  const url = new URL(options.url);
  const port = Number(url.port || 80);
  const host = url.hostname;
  const pipelining = Math.max(1, options.pipelining ?? 1);
  const burn = options.burnMicros ?? 0;
  const headerLines = Object.entries(options.headers ?? {})
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const request = Buffer.from(
    `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n${headerLines}Connection: keep-alive\r\n\r\n`,
    'latin1',
  );
  const batch = Buffer.concat(Array.from({ length: pipelining }, () => request));

  const histogram = new Histogram();
  const statuses: Record<string, number> = {};
  let requests = 0;
  let okBytes = 0;
  let errors = 0;
  let running = true;
  const sockets = new Set<Socket>();

  const open = () => {
    const socket = connect({ host, port, noDelay: true });
    sockets.add(socket);
    // Send times of the requests in flight, oldest first (answers come back in order).
    const sent: number[] = [];
    let pending: Buffer | undefined;
    let state = HEAD;
    // Bytes still to skip in BODY or CHUNK_DATA (a chunk's data and its CRLF).
    let skip = 0;
    let status = 0;
    let answerBytes = 0;

    const send = (buffer: Buffer, n: number) => {
      const now = performance.now();
      for (let i = 0; i < n; i++) sent.push(now);
      socket.write(buffer);
    };
    const done = () => {
      state = HEAD;
      const started = sent.shift()!;
      const micros = (performance.now() - started) * 1000;
      if (!running) return;
      requests++;
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status >= 200 && status < 300) {
        histogram.record(micros);
        okBytes += answerBytes;
      }
      if (burn > 0) {
        const until = performance.now() + burn / 1000;
        while (performance.now() < until) {
          // the generator made slow on purpose
        }
      }
      send(request, 1);
    };

    socket.on('connect', () => send(batch, pipelining));
    socket.on('data', (chunk: Buffer) => {
      const data = pending ? Buffer.concat([pending, chunk]) : chunk;
      pending = undefined;
      let at = 0;
      while (at < data.length) {
        if (state === BODY || state === CHUNK_DATA) {
          const take = Math.min(skip, data.length - at);
          skip -= take;
          at += take;
          answerBytes += take;
          if (skip > 0) break;
          if (state === BODY) done();
          else state = CHUNK_SIZE;
          continue;
        }
        const end = data.indexOf(state === HEAD ? CRLF2 : CRLF, at);
        if (end < 0) {
          pending = data.subarray(at);
          break;
        }
        if (state === HEAD) {
          const head = parseHead(data.toString('latin1', at, end));
          status = head.status;
          answerBytes = end + 4 - at;
          at = end + 4;
          if (head.length === -1) state = CHUNK_SIZE;
          else if (head.length > 0) {
            state = BODY;
            skip = head.length;
          } else done();
        } else if (state === CHUNK_SIZE) {
          const size = Number.parseInt(data.toString('latin1', at, end), 16);
          answerBytes += end + 2 - at;
          at = end + 2;
          if (size === 0) state = CHUNK_END;
          else {
            state = CHUNK_DATA;
            skip = size + 2;
          }
        } else {
          // The empty line after the last chunk (the servers measured send no trailers).
          answerBytes += end + 2 - at;
          at = end + 2;
          done();
        }
      }
    });
    socket.on('error', () => {
      if (running) errors++;
    });
    socket.on('close', () => {
      sockets.delete(socket);
      // A connection the server closed is replaced, as autocannon does.
      if (running) open();
    });
  };

  return new Promise((resolve) => {
    const started = performance.now();
    for (let i = 0; i < options.connections; i++) open();
    setTimeout(() => {
      running = false;
      const seconds = (performance.now() - started) / 1000;
      for (const socket of sockets) socket.destroy();
      resolve({
        seconds,
        requests,
        statuses,
        okBytes,
        errors,
        p50: histogram.percentile(50),
        p90: histogram.percentile(90),
        p99: histogram.percentile(99),
        max: histogram.maxMicros / 1000,
      });
    }, options.seconds * 1000);
  });
}
