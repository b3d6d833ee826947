import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blankState } from '../domain/testing.ts';
import type { ChannelState } from '../domain/types.ts';
import { type FaultPoint, FaultyFiles, type FileFault } from './faulty-files.ts';
import { FileStore } from './file.ts';

/**
 * The write path under a failing disk, at every point: a fault-injecting file layer fails one append,
 * fsync, rotation or snapshot step (ENOSPC, EIO, or a short write) and keeps failing until it is
 * disarmed ("space comes back"). Invariants, for each point:
 * - every write answered OK is there after a restart, and no write answered with an error is;
 * - while writes fail, memory holds exactly what is on disk, and reads are answered;
 * - once disarmed, writes succeed again without a restart;
 * - the restart itself always succeeds.
 */

const init = (): ChannelState => blankState();

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ax-sim-faults-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

let quiet: typeof process.emitWarning;
beforeAll(() => {
  quiet = process.emitWarning;
  process.emitWarning = () => {};
  return () => {
    process.emitWarning = quiet;
  };
});

/** A journal handle: opened as `.journal`, or as `.journal.new` by a rotation (then renamed). */
const JOURNAL = /\.journal(\.new)?$/;

/** Small journals, so that the scenario rotates and snapshots several times. */
const COMPACT_BYTES = 1_500;

interface Outcome {
  acknowledged: Set<string>;
  refused: Set<string>;
  /** Keys in memory right after the faulty phase (before the disk came back). */
  inMemory: string[];
  recovered: ChannelState;
  resumed: boolean;
  failures: number;
}

/**
 * One scenario: 20 writes, then the fault is armed and 60 more go in waves of 10 concurrent ones, a read
 * after each wave; then the fault is disarmed, 20 more writes; then a crash (the store is abandoned)
 * and a restart on plain files. Each write adds its own key and increments `total`.
 */
async function scenario(fault: FileFault | FileFault[] | undefined): Promise<Outcome & { ops: FaultyFiles }> {
  const dir = tempDir();
  const ops = new FaultyFiles();
  const store = new FileStore({ dir, compactBytes: COMPACT_BYTES, fileOps: ops });
  await store.open('c1', init);
  const acknowledged = new Set<string>();
  const refused = new Set<string>();
  let n = 0;
  const write = async () => {
    const key = `k-${n++}`;
    // A value that makes lines long enough to rotate often.
    const value = key.length * 1000 + n;
    try {
      await store.transact('c1', (tx) =>
        tx.apply([
          ['stock', key, value],
          ['stock', 'total', (tx.state.stock.total ?? 0) + 1],
          ['products', key, { pad: 'x'.repeat(40) } as never],
        ]),
      );
      acknowledged.add(key);
    } catch {
      refused.add(key);
    }
  };
  for (let i = 0; i < 20; i++) await write();
  for (const f of fault ? [fault].flat() : []) ops.arm(f);
  let inMemory: string[] = [];
  for (let wave = 0; wave < 6; wave++) {
    await Promise.all(Array.from({ length: 10 }, write));
    // A read: answered, and what it sees is exactly what was acknowledged.
    inMemory = await store.transact('c1', (tx) => Object.keys(tx.state.stock).filter((k) => k !== 'total'));
    expect(new Set(inMemory)).toEqual(acknowledged);
  }
  ops.disarm();
  const before = acknowledged.size;
  for (let i = 0; i < 20; i++) await write();
  const resumed = acknowledged.size === before + 20;
  // Let a background snapshot finish or fail, then crash.
  await new Promise((resolve) => setTimeout(resolve, 20));
  store.abandon();
  const again = new FileStore({ dir, compactBytes: COMPACT_BYTES });
  await again.open('c1', init);
  const recovered = await again.transact('c1', (tx) => structuredClone(tx.state));
  await again.close();
  return { acknowledged, refused, inMemory, recovered, resumed, failures: ops.failures, ops };
}

/** Totals over every scenario, printed at the end. */
const totals = { scenarios: 0, tried: 0, acknowledged: 0, refused: 0, recovered: 0, injected: 0 };
afterAll(() => {
  process.stdout.write(
    `file faults: ${totals.scenarios} scenarios, ${totals.injected} injected failures; writes tried ${totals.tried}, ` +
      `acknowledged ${totals.acknowledged}, refused ${totals.refused}; recovered after restart ${totals.recovered}\n`,
  );
});

function expectDurable(outcome: Outcome, where: string) {
  totals.scenarios++;
  totals.tried += outcome.acknowledged.size + outcome.refused.size;
  totals.acknowledged += outcome.acknowledged.size;
  totals.refused += outcome.refused.size;
  totals.injected += outcome.failures;
  totals.recovered += Object.keys(outcome.recovered.stock).filter((k) => k !== 'total').length;
  const keys = Object.keys(outcome.recovered.stock).filter((k) => k !== 'total');
  expect(new Set(keys), `${where}: recovered = acknowledged`).toEqual(outcome.acknowledged);
  expect(outcome.recovered.stock.total, `${where}: total`).toBe(outcome.acknowledged.size);
  for (const key of outcome.refused) expect(outcome.recovered.stock[key], where).toBeUndefined();
}

describe('FileStore on a failing disk', () => {
  it('a clean run (no fault) counts the calls each point sees', async () => {
    const outcome = await scenario(undefined);
    expect(outcome.acknowledged.size).toBe(100);
    expect(outcome.refused.size).toBe(0);
    expectDurable(outcome, 'no fault');
    // The scenario does rotate and snapshot: rename, unlink and sync are exercised.
    expect(outcome.ops.calls.rename).toBeGreaterThan(4);
    expect(outcome.ops.calls.sync).toBeGreaterThan(4);
  });

  const points: Array<{ point: FaultPoint; kind?: FileFault['kind']; file?: RegExp }> = [
    { point: 'write', file: JOURNAL },
    { point: 'write', file: JOURNAL, kind: 'short' },
    { point: 'write', file: JOURNAL, kind: 'EIO' },
    { point: 'datasync', file: JOURNAL },
    { point: 'datasync', file: JOURNAL, kind: 'EIO' },
    { point: 'open', file: /\.journal\.new$/ },
    { point: 'rename', file: /\.journal$/ },
    { point: 'rename', file: /\.journal\.new$/ },
    { point: 'open', file: /\.tmp$/ },
    { point: 'write', file: /\.tmp$/ },
    { point: 'write', file: /\.tmp$/, kind: 'short' },
    { point: 'sync', file: /\.tmp$/ },
    { point: 'rename', file: /\.tmp$/ },
    { point: 'unlink', file: /\.journal\.1$/ },
  ];

  it.each(points)(
    '$point $kind $file: at every occurrence, nothing acknowledged is lost, nothing refused kept, writes resume',
    async (p) => {
      let tried = 0;
      let failedSomething = 0;
      for (let skip = 0; skip < 12; skip++) {
        const outcome = await scenario({ ...p, skip });
        const where = `${p.point} ${p.kind ?? 'ENOSPC'} ${p.file} after ${skip}`;
        expectDurable(outcome, where);
        expect(outcome.resumed, `${where}: writes resume once the disk is back`).toBe(true);
        tried++;
        if (outcome.failures > 0) failedSomething++;
      }
      expect(tried).toBe(12);
      // The point is reached in the scenario (otherwise the test proves nothing).
      expect(failedSomething).toBeGreaterThan(0);
    },
  );

  it('a journal that cannot even be cut back refuses writes until a restart, and the restart holds every acknowledged one', async () => {
    const outcome = await scenario([
      { point: 'write', file: JOURNAL, skip: 3, kind: 'short' },
      { point: 'truncate', file: JOURNAL },
    ]);
    expect(outcome.refused.size).toBeGreaterThan(0);
    expect(outcome.resumed).toBe(false);
    expectDurable(outcome, 'truncate fails');
  });
});
