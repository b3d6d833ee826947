/**
 * One load run with autocannon 9 (as a library, in this process): a fixed number of connections for a
 * fixed time, bounded and self-stopping. Latency is recorded from autocannon's `response` events with
 * sub-millisecond precision for every answer (autocannon's own histogram keeps whole milliseconds of 2xx
 * answers only), and per request kind when the run mixes kinds.
 */
import { readdirSync, readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
  method?: 'GET' | 'POST' | 'PATCH';
  body?: string;
  /** A request sequence per connection (autocannon `requests`); each entry may name its kind. */
  requests?: Array<autocannon.Request & { kind?: string }>;
  /**
   * The server's pid: CPU it and its children use is the server's, this process's is the load
   * generator's; the rest is someone else's.
   */
  serverPid?: number;
}

export interface KindStats {
  requests: number;
  /** Answers per HTTP status. */
  statuses: Record<string, number>;
  p50: number;
  p99: number;
}

export interface LoadResult {
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
  /** Mean bytes of a 2xx answer (headers included). */
  bytesPerResponse: number;
  kinds?: Record<string, KindStats>;
  /** CPU used by the server process during the run, in cores (1 = one core busy all the time). */
  serverCores?: number;
  /** CPU used by processes other than the server and the load generator, in cores. */
  foreignCores?: number;
}

const TICKS_PER_SECOND = 100;

/** Busy CPU ticks of the whole machine (all cores) spent in processes. */
function machineBusyTicks(): number {
  try {
    const fields = readFileSync('/proc/stat', 'utf8')
      .split('\n', 1)[0]!
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    // user nice system idle iowait irq softirq steal: interrupt time is left out — on loopback it is
    // mostly the benchmark's own traffic.
    const [user = 0, nice = 0, system = 0, , , , , steal = 0] = fields;
    return user + nice + system + steal;
  } catch {
    return Number.NaN;
  }
}

/** CPU ticks (user + system) used so far by one process, all its threads, and its parent's pid. */
function processStat(pid: number): { ticks: number; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ticks: Number(fields[11]) + Number(fields[12]), ppid: Number(fields[1]) };
  } catch {
    return undefined;
  }
}

function processTicks(pid: number): number {
  return processStat(pid)?.ticks ?? Number.NaN;
}

/** CPU ticks of a process and all its descendants (Prism serves from a child process it forks). */
function treeTicks(root: number): number {
  const children = new Map<number, number[]>();
  const ticks = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = processStat(Number(name));
    if (!stat) continue;
    ticks.set(Number(name), stat.ticks);
    const siblings = children.get(stat.ppid) ?? [];
    siblings.push(Number(name));
    children.set(stat.ppid, siblings);
  }
  let total = 0;
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    total += ticks.get(pid) ?? 0;
    queue.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Where the CPU went during a run: the server, this process, everyone else. */
export function cpuMeter(serverPid?: number) {
  const start = performance.now();
  const machine = machineBusyTicks();
  const self = processTicks(process.pid);
  const server = serverPid === undefined ? 0 : treeTicks(serverPid);
  return () => {
    const seconds = (performance.now() - start) / 1000;
    const dServer = serverPid === undefined ? 0 : treeTicks(serverPid) - server;
    const dSelf = processTicks(process.pid) - self;
    const dMachine = machineBusyTicks() - machine;
    const cores = (ticks: number) => ticks / TICKS_PER_SECOND / seconds;
    return {
      serverCores: cores(dServer),
      foreignCores: Math.max(0, cores(dMachine - dServer - dSelf)),
    };
  };
}

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const byKind = new Map<string, { latencies: number[]; statuses: Record<string, number> }>();
  let lastKind: string | undefined;
  let bytes = 0;
  const requests = options.requests?.map((request) => {
    const { kind, onResponse, ...rest } = request;
    if (!kind) return request;
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

  const meter = cpuMeter(options.serverPid);
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.seconds,
        timeout: 10,
        // Only what is set: autocannon takes an explicit undefined as a value.
        ...(options.headers && { headers: options.headers }),
        ...(options.method && { method: options.method }),
        ...(options.body !== undefined && { body: options.body }),
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
          ...meter(),
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
    });
  });
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}
