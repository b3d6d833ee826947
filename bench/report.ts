/** The benchmark's results: medians over rounds, the targets, and the markdown table. */

import type { GrowthLevel, StartupResult } from './growth.ts';
import type { KindStats, LoadResult } from './load.ts';
import { median } from './median.ts';

export type TargetName = 'bare' | 'sim' | 'prism';

export interface Summary {
  rps: number;
  p50: number;
  p99: number;
  /** Answers that were not 2xx, over all rounds. */
  non2xx: number;
  errors: number;
  /** Median CPU of the load generator's process and of the server over the counted rounds, in cores. */
  generatorCores: number;
  serverCores: number;
  /** Rounds left out because the generator was saturated (their figures are the generator's). */
  refused: number;
  /** Every round was refused: there is no figure for this cell. */
  invalid?: string;
}

export interface ReadResult {
  id: string;
  title: string;
  path: string;
  /** Body bytes of one answer per target (Prism answers its examples, so its bodies differ). */
  bodyBytes: Partial<Record<TargetName, number>>;
  rounds: Partial<Record<TargetName, LoadResult[]>>;
  summary: Partial<Record<TargetName, Summary>>;
  simOverCeiling?: number;
  simOverPrism?: number;
}

export interface WriteMixResult {
  description: string;
  rounds: LoadResult[];
  summary: Summary;
  kinds: Record<string, { rps: number; p50: number; p99: number; statuses: Record<string, number> }>;
}

export interface TargetCheck {
  target: string;
  goal: string;
  measured: string;
  met: boolean;
}

export interface BenchResults {
  generatedAt: string;
  machine: { cpus: number; cpuModel: string; node: string; platform: string; pinned: boolean };
  config: {
    seconds: number;
    rounds: number;
    connections: number;
    warmupSeconds: number;
    growthLevels: number[];
    startupProducts: number;
    maxForeignCores: number;
    retries: number;
    /** The generator of the read runs (write sequences always run on autocannon). */
    generator: string;
    /** A run whose generator used more than this share of its core (or of its loop's time) is refused. */
    maxGeneratorCores: number;
  };
  versions: Record<string, string>;
  notes: string[];
  reads: ReadResult[];
  writeMix?: WriteMixResult;
  growth: GrowthLevel[];
  startup?: StartupResult;
  targets: TargetCheck[];
}

/** Medians over the rounds that count: a round whose generator was saturated is left out. */
export function summarise(all: readonly LoadResult[]): Summary {
  const counted = all.filter((r) => !r.refused);
  const rounds = counted.length > 0 ? counted : all;
  return {
    rps: median(rounds.map((r) => r.rps)),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    non2xx: rounds.reduce((sum, r) => sum + r.non2xx, 0),
    errors: rounds.reduce((sum, r) => sum + r.errors + r.timeouts, 0),
    generatorCores: median(rounds.map((r) => r.generatorCores)),
    serverCores: median(rounds.map((r) => r.serverCores ?? 0)),
    refused: all.length - counted.length,
    ...(counted.length === 0 && all.length > 0 && { invalid: all[0]!.refused }),
  };
}

export function summariseKinds(rounds: readonly LoadResult[]): WriteMixResult['kinds'] {
  const names = new Set(rounds.flatMap((r) => Object.keys(r.kinds ?? {})));
  const out: WriteMixResult['kinds'] = {};
  for (const name of names) {
    const per = rounds.map((r) => ({ k: r.kinds?.[name], seconds: r.seconds }));
    const statuses: Record<string, number> = {};
    for (const { k } of per) {
      for (const [code, n] of Object.entries(k?.statuses ?? {})) statuses[code] = (statuses[code] ?? 0) + n;
    }
    out[name] = {
      rps: median(per.map(({ k, seconds }) => ok(k) / seconds)),
      p50: median(per.map(({ k }) => k?.p50 ?? 0)),
      p99: median(per.map(({ k }) => k?.p99 ?? 0)),
      statuses,
    };
  }
  return out;
}

function ok(k: KindStats | undefined): number {
  if (!k) return 0;
  return Object.entries(k.statuses)
    .filter(([code]) => code.startsWith('2'))
    .reduce((sum, [, n]) => sum + n, 0);
}

export function checkTargets(results: Omit<BenchResults, 'targets'>): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const read of results.reads) {
    const { sim, bare, prism } = read.summary;
    // A ratio with a refused side is no measurement: the target is not met, and says why.
    const refused = (...sides: Array<Summary | undefined>) =>
      sides
        .filter((x) => x?.invalid)
        .map((x) => `refused: ${x!.invalid}`)
        .join('; ');
    if (read.simOverCeiling !== undefined) {
      const why = refused(sim, bare);
      checks.push({
        target: `${read.title}: simulator ≥ 0.8 × bare Fastify`,
        goal: '≥ 0.80',
        measured: why || `${read.simOverCeiling.toFixed(2)} (${int(sim?.rps)} / ${int(bare?.rps)} req/s)`,
        met: !why && read.simOverCeiling >= 0.8,
      });
    }
    if (read.simOverPrism !== undefined) {
      const why = refused(sim, prism);
      checks.push({
        target: `${read.title}: simulator ≥ 10 × Prism`,
        goal: '≥ 10.0',
        measured: why || `${read.simOverPrism.toFixed(1)} (${int(sim?.rps)} / ${int(prism?.rps)} req/s)`,
        met: !why && read.simOverPrism >= 10,
      });
    }
  }
  const zero = results.growth.find((g) => g.existingOrders === 0);
  if (zero) {
    checks.push({
      target: 'durable order create ≥ 3,000/s with p99 ≤ 50 ms (empty channel)',
      goal: '≥ 3000/s, ≤ 50 ms',
      measured: `${int(zero.load.rps)}/s, p99 ${zero.load.p99.toFixed(1)} ms`,
      met: zero.load.rps >= 3000 && zero.load.p99 <= 50,
    });
  }
  if (results.writeMix) {
    const s = results.writeMix.summary;
    checks.push({
      target: 'durable write mix (create + ticket cancel + order cancel) ≥ 3,000/s with p99 ≤ 50 ms',
      goal: '≥ 3000/s, ≤ 50 ms',
      measured: `${int(s.rps)}/s, p99 ${s.p99.toFixed(1)} ms`,
      met: s.rps >= 3000 && s.p99 <= 50,
    });
  }
  const largest = [...results.growth].sort((a, b) => b.existingOrders - a.existingOrders)[0];
  if (zero && largest && largest.existingOrders > 0) {
    const ratio = largest.load.rps / zero.load.rps;
    checks.push({
      target: `order create with ${largest.existingOrders.toLocaleString('en')} existing orders ≥ 0.7 × with 0`,
      goal: '≥ 0.70',
      measured: `${ratio.toFixed(2)} (${int(largest.load.rps)} / ${int(zero.load.rps)} creates/s)`,
      met: ratio >= 0.7,
    });
    const perHundredK = ((largest.rssStart - zero.rssStart) / largest.existingOrders) * 100_000;
    checks.push({
      target: 'memory per 100k orders (stated)',
      goal: 'stated',
      measured: `${mib(perHundredK)} MiB (RSS after start-up: ${mib(zero.rssStart)} → ${mib(largest.rssStart)} MiB)`,
      met: true,
    });
  }
  if (results.startup) {
    checks.push({
      target: `start-up with ${results.startup.products.toLocaleString('en')} products ≤ 5 s`,
      goal: '≤ 5 s',
      measured:
        `${results.startup.startSeconds.toFixed(2)} s` +
        (results.startup.startSecondsPinned === undefined
          ? ''
          : ` (${results.startup.startSecondsPinned.toFixed(2)} s pinned to one core)`),
      met: results.startup.startSeconds <= 5,
    });
  }
  return checks;
}

const int = (n: number | undefined) => (n === undefined ? '–' : Math.round(n).toLocaleString('en'));
const ms = (n: number | undefined) => (n === undefined ? '–' : n < 10 ? n.toFixed(2) : n.toFixed(1));
const mib = (bytes: number) => (bytes / 1048576).toFixed(0);
const ratio = (n: number | undefined, digits = 2) => (n === undefined ? '–' : `${n.toFixed(digits)}×`);

/** Server CPU per answer of the ceiling and of the simulator (µs), and their ratio. */
function cpuPerAnswer(bare: Summary | undefined, sim: Summary | undefined): string {
  if (!bare || !sim || bare.invalid || sim.invalid || !(bare.rps > 0 && sim.rps > 0)) return '–';
  const micros = (s: Summary) => (s.serverCores * 1e6) / s.rps;
  return `${micros(bare).toFixed(1)} / ${micros(sim).toFixed(1)} · ${ratio(micros(bare) / micros(sim))}`;
}

/** Neither side of a ratio was refused. */
const valid = (...sides: Array<Summary | undefined>) => sides.every((x) => !x?.invalid);

function cell(s: Summary | undefined): string {
  if (!s) return '–';
  if (s.invalid) return `**refused** (${s.invalid})`;
  return (
    `${int(s.rps)} · ${ms(s.p50)} · ${ms(s.p99)} · ${s.generatorCores.toFixed(2)} / ${s.serverCores.toFixed(2)}` +
    (s.refused > 0 ? ` (${s.refused} round${s.refused > 1 ? 's' : ''} refused)` : '')
  );
}

export function toMarkdown(r: BenchResults): string {
  const lines: string[] = [];
  const m = r.machine;
  lines.push(
    `Measured ${r.generatedAt} on ${m.cpus} × ${m.cpuModel}, Node ${m.node}; ` +
      `the load generator (${r.config.generator} for the reads, autocannon for the write mix) runs in its own process` +
      `${m.pinned ? ', pinned to CPU 0, the servers to CPU 1' : ''}; ` +
      `${r.config.connections} connections, ${r.config.rounds} alternating rounds of ${r.config.seconds} s ` +
      `(after ${r.config.warmupSeconds} s warm-up); figures are medians over the rounds that count. ` +
      'Cells: req/s (2xx only) · p50 ms · p99 ms · CPU of the generator / of the server (cores). ' +
      `A run where the generator used more than ${r.config.maxGeneratorCores} of its core (or its event loop was ` +
      'busy that share of the time) is refused: run again, and reported as refused if it stays saturated.',
    '',
    '| scenario | body bytes (sim / Prism) | bare Fastify (ceiling) | simulator | Prism 5.14.2 | sim / ceiling | sim / Prism | server CPU µs per answer: ceiling / sim |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const read of r.reads) {
    const { bare, sim } = read.summary;
    lines.push(
      `| ${read.title} | ${read.bodyBytes.sim ?? '–'} / ${read.bodyBytes.prism ?? '–'} | ${cell(bare)} | ` +
        `${cell(sim)} | ${cell(read.summary.prism)} | ` +
        `${valid(sim, bare) ? ratio(read.simOverCeiling) : 'refused'} | ` +
        `${valid(read.summary.sim, read.summary.prism) ? ratio(read.simOverPrism, 1) : 'refused'} | ` +
        `${cpuPerAnswer(bare, sim)} |`,
    );
  }
  lines.push(
    '',
    'The last column is the check on the ratio when neither server filled its core (one request in flight per ' +
      'connection leaves each side gaps while the other works): the server CPU of a round per answer, and ' +
      "ceiling ÷ simulator — the share of bare Fastify's throughput the simulator would reach on a full core.",
  );
  if (r.writeMix) {
    const w = r.writeMix;
    lines.push(
      `| durable write mix (all requests) | – | – | ${cell(w.summary)} | – | – | – |`,
      ...Object.entries(w.kinds).map(
        ([kind, k]) =>
          `| &nbsp;&nbsp;${kind} | – | – | ${int(k.rps)} · ${ms(k.p50)} · ${ms(k.p99)} | – | – | – |`,
      ),
    );
    const statuses = Object.entries(w.kinds)
      .map(
        ([kind, k]) =>
          `${kind} ${Object.entries(k.statuses)
            .map(([code, n]) => `${code}×${n}`)
            .join(' ')}`,
      )
      .join('; ');
    lines.push('', `Write mix answers over all rounds: ${statuses}. ${w.description}`);
  }
  const nonOk = r.reads
    .flatMap((read) =>
      Object.entries(read.summary).map(([t, s]) =>
        s && s.non2xx + s.errors > 0 ? `${read.id}/${t}: ${s.non2xx} non-2xx, ${s.errors} errors` : '',
      ),
    )
    .filter(Boolean);
  if (nonOk.length > 0) lines.push('', `Read answers that were not 2xx: ${nonOk.join('; ')}.`);

  if (r.growth.length > 0) {
    const zero = r.growth.find((g) => g.existingOrders === 0);
    lines.push(
      '',
      '**Growth** — durable order create only (1 unit per order), same connections and duration:',
      '',
      '| existing orders | snapshot MiB | start s | creates/s | p50 ms | p99 ms | max ms | non-2xx | vs 0 orders | RSS after start MiB | RSS after load MiB | CPU generator / server |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
      ...r.growth.map(
        (g) =>
          `| ${g.existingOrders.toLocaleString('en')} | ${(g.snapshotBytes / 1048576).toFixed(1)} | ${g.startSeconds.toFixed(2)} | ` +
          `${int(g.load.rps)} | ${ms(g.load.p50)} | ${ms(g.load.p99)} | ${ms(g.load.max)} | ${g.load.non2xx} | ` +
          `${zero ? ratio(g.load.rps / zero.load.rps) : '–'} | ${mib(g.rssStart)} | ${mib(g.rssEnd)} | ` +
          `${g.load.generatorCores.toFixed(2)} / ${(g.load.serverCores ?? 0).toFixed(2)}` +
          `${g.load.refused ? ` **refused** (${g.load.refused})` : ''} |`,
      ),
    );
  }
  if (r.startup) {
    const s = r.startup;
    lines.push(
      '',
      `**Start-up** — ${s.products.toLocaleString('en')} products: \`ax-sim seed\` ${s.seedSeconds.toFixed(1)} s ` +
        `(${mib(s.fixtureBytes)} MiB file); \`ax-sim serve --fixtures\` until \`/__sim/health\` answers 200: ` +
        `${s.startSeconds.toFixed(2)} s as a user runs it (not pinned; nothing else running)` +
        `${s.startSecondsPinned === undefined ? '' : `, ${s.startSecondsPinned.toFixed(2)} s pinned to one core`} ` +
        `(medians of ${s.starts.length} alternating starts); RSS ${mib(s.rss)} MiB.`,
    );
  }
  lines.push('', '**Targets**', '', '| target | goal | measured | met |', '|---|---|---|---|');
  for (const t of r.targets)
    lines.push(`| ${t.target} | ${t.goal} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`);
  const runs = [
    ...r.reads.flatMap((read) => Object.values(read.rounds).flat()),
    ...(r.writeMix?.rounds ?? []),
    ...r.growth.map((g) => g.load),
  ];
  const foreign = runs.map((run) => run?.foreignCores ?? 0);
  const notes = [...r.notes];
  if (foreign.length > 0) {
    notes.push(
      `CPU used by other processes on the machine during the kept runs: median ${median(foreign).toFixed(2)}, ` +
        `max ${Math.max(...foreign).toFixed(2)} cores (a read or write-mix run above ${r.config.maxForeignCores} ` +
        `is run again, up to ${r.config.retries} times, and the quietest attempt kept).`,
    );
  }
  if (notes.length > 0) lines.push('', ...notes.map((n) => `- ${n}`));
  return `${lines.join('\n')}\n`;
}
