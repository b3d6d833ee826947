import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ChannelState, emptyState } from '../domain/types.ts';
import { writeSnapshotFile } from './snapshot.ts';
import { adoptState, applyChanges } from './store.ts';

const header = { format: 'ax-sim-channel/1', seq: 42 };

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

describe('writeSnapshotFile', () => {
  it('writes the same bytes as JSON.stringify of the whole snapshot, whatever the chunk size', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ax-sim-snapshot-'));
    const state = adoptState(sampleState(500));
    (state as unknown as Record<string, unknown>).extra = [1, 'two', null];
    (state.questions as Record<string, unknown>).dropped = undefined;
    const expected = JSON.stringify({ ...header, state });
    for (const chunk of [1, 7, 100, 1 << 20]) {
      const file = path.join(dir, `c-${chunk}.json`);
      const bytes = await writeSnapshotFile(file, header, state, chunk);
      expect(readFileSync(file, 'utf8')).toBe(expected);
      expect(bytes).toBe(Buffer.byteLength(expected));
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('holds the state as it was when called, though it changes while the file is written', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ax-sim-snapshot-'));
    const state = sampleState(2_000);
    const expected = JSON.stringify({ ...header, state });
    let turns = 0;
    const writing = writeSnapshotFile(path.join(dir, 'c1.json'), header, state, 1_000);
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
    expect(readFileSync(path.join(dir, 'c1.json'), 'utf8')).toBe(expected);
  });
});
