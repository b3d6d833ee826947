import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSimulator } from '../../server/app.ts';
import { type ContractRunResult, runContractSuite } from '../support/run.ts';
import { mutations, TOLERATED } from './mutations.ts';
import { type Mutation, startMutatingProxy } from './proxy.ts';

/**
 * Teeth: a contract suite that passes against a broken server is worthless. Runs the whole suite
 * (a child vitest, exactly as `ax-sim contract` does) against a mutating proxy in front of a fresh
 * in-process simulator, once per deliberate break, and asserts each run FAILS with at least one failing
 * test naming the broken operation — and that the same proxy without a mutation (and with the vendor's
 * tolerated `message` error key) PASSES, so the failures come from the mutations.
 */

interface Scenario {
  name: string;
  mutation: Mutation | undefined;
  expect: 'pass' | 'fail';
  /** Also write JUnit XML here (checked for the unmutated run). */
  junit?: string;
}

interface Outcome {
  run: ContractRunResult;
  rewritten: number;
}

const JUNIT_DIR = mkdtempSync(join(tmpdir(), 'ax-teeth-'));

const SCENARIOS: Scenario[] = [
  { name: 'unmutated proxy', mutation: undefined, expect: 'pass', junit: join(JUNIT_DIR, 'unmutated.xml') },
  { name: TOLERATED.name, mutation: TOLERATED, expect: 'pass' },
  ...mutations().map((mutation) => ({ name: mutation.name, mutation, expect: 'fail' as const })),
];

/** Runs at a time: the machine has 2 cores; each run is one child vitest plus a simulator and proxy here. */
const CONCURRENCY = Math.max(1, Number(process.env.AX_TEETH_CONCURRENCY ?? 2));

async function runScenario(scenario: Scenario): Promise<Outcome> {
  const app = await buildSimulator({ data: ':memory:' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const proxy = await startMutatingProxy(`http://127.0.0.1:${port}`, scenario.mutation);
  try {
    const run = await runContractSuite({
      target: proxy.url,
      apiKey: 'demo-key',
      channelCode: 'demo-channel',
      writes: true,
      stdio: 'pipe',
      ...(scenario.junit && { junit: scenario.junit }),
    });
    return { run, rewritten: proxy.rewritten };
  } finally {
    await proxy.close();
    await app.close();
  }
}

const outcomes = new Map<string, Outcome>();
const started = Date.now();

beforeAll(async () => {
  const queue = [...SCENARIOS];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift())
      outcomes.set(next.name, await runScenario(next));
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}, 900_000);

afterAll(() => {
  rmSync(JUNIT_DIR, { recursive: true, force: true });
  const lines = SCENARIOS.map((s) => {
    const outcome = outcomes.get(s.name);
    if (!outcome?.run.summary) return `  ${s.name}: no summary`;
    const failed = outcome.run.summary.tests.filter((t) => t.state === 'failed');
    const naming = s.mutation?.affects ? failed.filter((t) => t.name.includes(s.mutation!.affects)) : [];
    return [
      `  ${s.name} (${(outcome.run.durationMs / 1000).toFixed(1)} s, ${outcome.rewritten} answers rewritten): ` +
        `exit ${outcome.run.exitCode}, ${failed.length} failed` +
        (s.mutation?.affects ? `, ${naming.length} naming ${s.mutation.affects}` : ''),
      ...naming.map((t) => `      ✗ ${t.name}`),
    ].join('\n');
  });
  console.info(
    `[teeth] ${SCENARIOS.length} suite runs in ${((Date.now() - started) / 1000).toFixed(1)} s (concurrency ${CONCURRENCY})\n${lines.join('\n')}`,
  );
});

function outcomeOf(name: string): Outcome {
  const outcome = outcomes.get(name);
  if (!outcome) throw new Error(`scenario "${name}" did not run`);
  if (!outcome.run.summary) {
    throw new Error(
      `scenario "${name}": the suite wrote no summary (exit ${outcome.run.exitCode}):\n${outcome.run.output.slice(-3000)}`,
    );
  }
  return outcome;
}

describe('the contract suite against a mutating proxy', () => {
  for (const scenario of SCENARIOS.filter((s) => s.expect === 'pass')) {
    it(`passes: ${scenario.name}`, () => {
      const { run } = outcomeOf(scenario.name);
      const failed = run.summary!.tests.filter((t) => t.state === 'failed');
      expect(failed.map((t) => `${t.name}: ${t.errors.join(' | ')}`)).toEqual([]);
      expect(run.exitCode).toBe(0);
      // Not vacuous: the run really exercised the API (nearly everything runs with writes on a simulator).
      expect(run.summary!.tests.filter((t) => t.state === 'passed').length).toBeGreaterThan(100);
    });
  }

  it('writes JUnit XML with every test, and skip reasons as messages', () => {
    const scenario = SCENARIOS.find((s) => s.junit)!;
    const { run } = outcomeOf(scenario.name);
    const xml = readFileSync(scenario.junit!, 'utf8');
    expect(xml).toMatch(new RegExp(`<testsuites [^>]*tests="${run.summary!.tests.length}" failures="0"`));
    const skipped = run.summary!.tests.filter((t) => t.state === 'skipped');
    expect((xml.match(/<skipped message="/g) ?? []).length).toBe(skipped.length);
    for (const operationId of ['createTourOrder', 'getDayTicketInventory', 'refundTourTicket']) {
      expect(xml).toContain(`${operationId} ›`);
    }
  });

  for (const scenario of SCENARIOS.filter((s) => s.expect === 'fail')) {
    const mutation = scenario.mutation!;
    it(`catches: ${mutation.name} — ${mutation.description}`, () => {
      const { run, rewritten } = outcomeOf(scenario.name);
      expect(
        rewritten,
        'the mutation rewrote no answer: the suite never called what it breaks',
      ).toBeGreaterThan(0);
      expect(run.exitCode, 'the suite passed against a broken server').not.toBe(0);
      const failed = run.summary!.tests.filter((t) => t.state === 'failed');
      expect(failed.length).toBeGreaterThan(0);
      expect(
        failed.filter((t) => t.name.includes(mutation.affects)).map((t) => t.name),
        `no failing test names ${mutation.affects}; failing: ${failed.map((t) => t.name).join('; ')}`,
      ).not.toEqual([]);
    });
  }
});
