/**
 * The load generator's own process: started once by the benchmark (`bench/load.ts`), pinned to its own
 * core, it takes load jobs over IPC, runs each — the lean generator (`bench/lean.ts`) for fixed GETs, or
 * autocannon 9 as a library for request sequences (the write mix, order create) or when asked — and
 * answers with what it counted plus the CPU this process used during the job (`process.cpuUsage()`,
 * user + system, in cores) and its event-loop utilisation: the two figures by which the benchmark
 * tells a run where the generator, not the server, set the pace.
 */
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { runLean } from './lean.ts';
import { createOnlyRequests, type Slot, writeMixRequests } from './scenarios.ts';

export type GeneratorName = 'lean' | 'autocannon';

export interface LoadJob {
  generator: GeneratorName;
  url: string;
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
  method?: 'GET' | 'POST' | 'PATCH';
  body?: string;
  /** A request sequence per connection, built here from the slots (functions cannot cross IPC). */
  sequence?: { kind: 'write mix' | 'create only'; slots: Slot[]; runId: string };
  /** Lean generator only: requests in flight per connection. */
  pipelining?: number;
  /** Busy-waits this many microseconds per answer (to check that a slow generator is refused). */
  burnMicros?: number;
}

export interface KindStats {
  requests: number;
  /** Answers per HTTP status. */
  statuses: Record<string, number>;
  p50: number;
  p99: number;
}

export interface JobResult {
  generator: GeneratorName;
  seconds: number;
  /** Answers of any status. */
  requests: number;
  /** 2xx answers per second: the throughput that counts. */
  rps: number;
  /** Latency of 2xx answers, milliseconds. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  statuses: Record<string, number>;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Mean bytes of a 2xx answer (status line and headers included). */
  bytesPerResponse: number;
  kinds?: Record<string, KindStats>;
  /** CPU this process used during the job (user + system), in cores. */
  generatorCores: number;
  /** Share of the job's wall time the generator's event loop was busy (0–1). */
  generatorElu: number;
}

async function run(job: LoadJob): Promise<JobResult> {
  const cpu = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  const started = performance.now();
  const counted = job.generator === 'lean' && !job.sequence ? await lean(job) : await cannon(job);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return {
    ...counted,
    generator: job.sequence ? 'autocannon' : job.generator,
    generatorCores: (used.user + used.system) / 1e6 / seconds,
    generatorElu: performance.eventLoopUtilization(elu).utilization,
  };
}

type Counted = Omit<JobResult, 'generator' | 'generatorCores' | 'generatorElu'>;

async function lean(job: LoadJob): Promise<Counted> {
  if (job.method && job.method !== 'GET') throw new Error('the lean generator sends GET requests only');
  const r = await runLean({
    url: job.url,
    connections: job.connections,
    seconds: job.seconds,
    headers: job.headers,
    pipelining: job.pipelining,
    burnMicros: job.burnMicros,
  });
  const ok = Object.entries(r.statuses)
    .filter(([code]) => code.startsWith('2'))
    .reduce((sum, [, n]) => sum + n, 0);
  return {
    seconds: r.seconds,
    requests: r.requests,
    rps: ok / r.seconds,
    p50: r.p50,
    p90: r.p90,
    p99: r.p99,
    max: r.max,
    statuses: r.statuses,
    non2xx: r.requests - ok,
    errors: r.errors,
    timeouts: 0,
    bytesPerResponse: ok > 0 ? Math.round(r.okBytes / ok) : 0,
  };
}

/**
 * autocannon as a library. Latency is recorded from its `response` events with sub-millisecond precision
 * for every answer (its own histogram keeps whole milliseconds of 2xx answers only), and per request
 * kind when the run mixes kinds.
 */
function cannon(job: LoadJob): Promise<Counted> {
  const latencies: number[] = [];
  const byKind = new Map<string, { latencies: number[]; statuses: Record<string, number> }>();
  let lastKind: string | undefined;
  let bytes = 0;
  const sequence = job.sequence
    ? job.sequence.kind === 'write mix'
      ? writeMixRequests(job.sequence.slots, job.sequence.runId)
      : createOnlyRequests(job.sequence.slots, job.sequence.runId)
    : undefined;
  const requests = sequence?.map((request) => {
    const { kind, onResponse, ...rest } = request;
    if (!byKind.has(kind)) byKind.set(kind, { latencies: [], statuses: {} });
    return {
      ...rest,
      // Called synchronously just before autocannon emits `response` for the same answer.
      onResponse: (status: number, body: string, context: object, headers: autocannon.Request['headers']) => {
        lastKind = kind;
        if (typeof onResponse === 'function') onResponse(status, body, context, headers);
      },
    };
  });
  const burn = job.burnMicros ?? 0;

  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: job.url,
        connections: job.connections,
        duration: job.seconds,
        timeout: 10,
        // Only what is set: autocannon takes an explicit undefined as a value.
        ...(job.headers && { headers: job.headers }),
        ...(job.method && { method: job.method }),
        ...(job.body !== undefined && { body: job.body }),
        ...(requests && { requests }),
      },
      (error, result) => {
        if (error) return reject(error);
        const sorted = Float64Array.from(latencies).sort();
        const kinds =
          byKind.size > 0
            ? Object.fromEntries(
                [...byKind].map(([kind, k]) => {
                  const s = Float64Array.from(k.latencies).sort();
                  return [
                    kind,
                    {
                      requests: k.latencies.length,
                      statuses: k.statuses,
                      p50: percentile(s, 50),
                      p99: percentile(s, 99),
                    },
                  ];
                }),
              )
            : undefined;
        const statuses = Object.fromEntries(
          Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [
            code,
            (s as { count: number }).count,
          ]),
        );
        const ok = latencies.length;
        resolve({
          seconds: result.duration,
          requests: Object.values(statuses).reduce((a, b) => a + b, 0),
          rps: ok / result.duration,
          p50: percentile(sorted, 50),
          p90: percentile(sorted, 90),
          p99: percentile(sorted, 99),
          max: sorted.length > 0 ? sorted[sorted.length - 1]! : 0,
          statuses,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          bytesPerResponse: ok > 0 ? Math.round(bytes / ok) : 0,
          ...(kinds && { kinds }),
        });
      },
    );
    instance.on('response', (_client, status: number, resBytes: number, ms: number) => {
      if (status >= 200 && status < 300) {
        latencies.push(ms);
        bytes += resBytes;
      }
      if (lastKind !== undefined) {
        const k = byKind.get(lastKind)!;
        k.statuses[status] = (k.statuses[status] ?? 0) + 1;
        if (status >= 200 && status < 300) k.latencies.push(ms);
        lastKind = undefined;
      }
      if (burn > 0) {
        const until = performance.now() + burn / 1000;
        while (performance.now() < until) {
          // the generator made slow on purpose
        }
      }
    });
  });
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

// Started by bench/load.ts with an IPC channel: serve its jobs until it disconnects.
if (process.send) {
  process.on('message', (message: { id: number; job: LoadJob }) => {
    run(message.job).then(
      (result) => process.send!({ id: message.id, result }),
      (error: Error) => process.send!({ id: message.id, error: error.stack ?? String(error) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ ready: true });
}
