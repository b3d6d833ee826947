import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Low } from 'lowdb';
import { describe, expect, it } from 'vitest';
import { type ChannelState, emptyState } from '../domain/types.ts';
import { type Snapshot, SnapshotError, SnapshotFile, writeSnapshotFile } from './snapshot.ts';
import { adoptState, applyChanges } from './store.ts';

const header = { format: 'ax-sim-channel/2', seq: 42 };

function sampleState(records: number): ChannelState {
  const state = emptyState({
    channel: 'c1',
    catalogId: 'seed-1',
    anchorDate: '2026-01-01',
    clockOffsetMs: 0,
    createdAt: '2026-01-01T00:00:00Z',
  });
  for (let i = 0; i < records; i++) {
    state.stock[`inv-${i}`] = i;
    state.schedule[`o-${i}:confirm`] = { orderCode: `o-${i}`, at: 1_700_000_000_000 + i, action: 'confirm' };
  }
  state.stock['10'] = 1;
  state.stock['9'] = 2;
  state.stock['키 "quoted"\n'] = 3;
  return state;
}

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'ax-sim-snapshot-'));

/** The state as a plain JSON value, key order included (what a restart must give back). */
const asJson = (state: unknown) => JSON.stringify(state);

describe('snapshot file (JSON Lines)', () => {
  it('round-trips a state exactly, key order included, whatever the chunk size', async () => {
    const dir = tempDir();
    const state = adoptState(sampleState(500));
    (state as unknown as Record<string, unknown>).extra = [1, 'two', null];
    (state.questions as Record<string, unknown>).dropped = undefined;
    for (const chunk of [1, 7, 100, 1 << 20]) {
      const file = path.join(dir, `c-${chunk}.json`);
      const bytes = await writeSnapshotFile(file, header, state, { chunkBytes: chunk });
      const text = readFileSync(file, 'utf8');
      expect(bytes).toBe(Buffer.byteLength(text));
      // One record per line: the longest line is one record, not the state.
      const lines = text.split('\n');
      expect(lines[0]).toBe('{"format":"ax-sim-channel/2","seq":42}');
      expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(200);
      const read = await new SnapshotFile(file).read();
      expect(read?.seq).toBe(42);
      expect(asJson(read?.state)).toBe(asJson(state));
      expect(Object.getPrototypeOf((read!.state as ChannelState).stock)).toBe(null);
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('is a lowdb adapter: lowdb writes it and reads it back', async () => {
    const file = path.join(tempDir(), 'c1.json');
    const state = sampleState(20);
    const db = new Low<Snapshot>(new SnapshotFile(file), { ...header, state });
    await db.write();
    const again = new Low<Snapshot | null>(new SnapshotFile(file) as never, null);
    await again.read();
    expect(again.data?.seq).toBe(42);
    expect(asJson(again.data?.state)).toBe(asJson(state));
  });

  it('holds the state as it was when called, though it changes while the file is written', async () => {
    const dir = tempDir();
    const state = sampleState(2_000);
    const expected = asJson(state);
    let turns = 0;
    const file = path.join(dir, 'c1.json');
    const writing = writeSnapshotFile(file, header, state, { chunkBytes: 1_000 });
    // Other work gets the event loop between chunks, and changes the state meanwhile.
    const changing = (async () => {
      while (turns < 20) {
        await new Promise((resolve) => setImmediate(resolve));
        applyChanges(state, [
          ['stock', `inv-${turns}`, -1],
          ['stock', `new-${turns}`, 1],
          ['schedule', `o-${turns}:confirm`, null],
        ]);
        turns++;
      }
    })();
    await writing;
    await changing;
    expect(turns).toBeGreaterThan(0);
    expect(asJson((await new SnapshotFile(file).read())?.state)).toBe(expected);
  });

  it('refuses a file cut short at any line, or with lines after its end', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'c1.json');
    await writeSnapshotFile(file, header, sampleState(3));
    const text = readFileSync(file, 'utf8');
    const ends = [...text.matchAll(/\n/g)].map((m) => m.index + 1);
    for (const cut of [...ends.slice(0, -1), ends.at(-1)! - 1]) {
      writeFileSync(file, text.slice(0, cut));
      await expect(new SnapshotFile(file).read(), `cut at ${cut}`).rejects.toThrow(SnapshotError);
    }
    // Cut inside the header: not a snapshot of any format.
    writeFileSync(file, text.slice(0, 5));
    await expect(new SnapshotFile(file).read()).rejects.toThrow(/JSON/);
    writeFileSync(file, `${text}["stock","late",1]\n`);
    await expect(new SnapshotFile(file).read()).rejects.toThrow(/follows the end marker/);
  });

  it('still reads the one-document format of earlier versions', async () => {
    const file = path.join(tempDir(), 'c1.json');
    const state = sampleState(5);
    writeFileSync(file, JSON.stringify({ format: 'ax-sim-channel/1', seq: 7, state }));
    const read = await new SnapshotFile(file).read();
    expect(read?.seq).toBe(7);
    expect(asJson(read?.state)).toBe(asJson(state));
  });

  it('answers null when there is no file', async () => {
    expect(await new SnapshotFile(path.join(tempDir(), 'none.json')).read()).toBe(null);
  });
});
