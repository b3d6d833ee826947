import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { blankState } from '../domain/testing.ts';
import type { ChannelState } from '../domain/types.ts';
import { FileStore } from './file.ts';
import { decodeJournal, encodeRecord } from './journal.ts';
import { SnapshotFile } from './snapshot.ts';
import { StoreError } from './store.ts';

/** Opens a store on `dir` and expects that to fail; releases the folder again. */
async function openError(dir: string): Promise<unknown> {
  const store = new FileStore({ dir });
  const error = await store.open('c1', init).catch((e: unknown) => e);
  await store.close();
  return error;
}

const init = (): ChannelState => blankState();

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'ax-sim-store-'));

async function reopen(dir: string, compactBytes?: number) {
  const store = new FileStore({ dir, compactBytes });
  await store.open('c1', init);
  const state = await store.transact('c1', (tx) => structuredClone(tx.state));
  return { store, state };
}

describe('journal format', () => {
  it('round-trips records and drops a torn tail', () => {
    const a = encodeRecord({ q: 1, c: [['stock', 'i1', 2]] });
    const b = encodeRecord({ q: 2, c: [['stock', 'i1', 3]] });
    const torn = Buffer.from(a + b.slice(0, 20));
    const decoded = decodeJournal(torn);
    expect(decoded.records).toEqual([{ q: 1, c: [['stock', 'i1', 2]] }]);
    expect(decoded.validBytes).toBe(Buffer.byteLength(a));
    expect(decoded.corruptLine).toBeUndefined();
  });

  it('reports a damaged line followed by intact ones as corruption', () => {
    const a = encodeRecord({ q: 1, c: [['stock', 'i1', 2]] });
    const b = encodeRecord({ q: 2, c: [['stock', 'i1', 3]] });
    const damaged = a.replace('"i1"', '"i9"');
    expect(decodeJournal(Buffer.from(damaged + b)).corruptLine).toBe(1);
  });
});

describe('FileStore', () => {
  it('keeps every acknowledged change across a restart', async () => {
    const dir = tempDir();
    const { store } = await reopen(dir);
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.transact('c1', (tx) =>
          tx.apply([['stock', `inv-${i % 5}`, (tx.state.stock[`inv-${i % 5}`] ?? 0) + 1]]),
        ),
      ),
    );
    // No close(): as after a crash, only what is on disk counts.
    store.abandon();
    const { state, store: again } = await reopen(dir);
    await again.close();
    expect(state.stock).toEqual({ 'inv-0': 10, 'inv-1': 10, 'inv-2': 10, 'inv-3': 10, 'inv-4': 10 });
  });

  it('keeps changes applied before a rule threw, and none after', async () => {
    const dir = tempDir();
    const { store } = await reopen(dir);
    await expect(
      store.transact('c1', (tx) => {
        tx.apply([['stock', 'due', 1]]);
        throw new Error('rule failed');
      }),
    ).rejects.toThrow('rule failed');
    store.abandon();
    const { state, store: again } = await reopen(dir);
    await again.close();
    expect(state.stock).toEqual({ due: 1 });
  });

  it('folds the journal into a snapshot and still restores exactly', async () => {
    const dir = tempDir();
    const { store } = await reopen(dir, 2_000);
    for (let i = 0; i < 200; i++) {
      await store.transact('c1', (tx) => tx.apply([['stock', `inv-${i}`, i]]));
    }
    await store.close();
    const snapshot = (await new SnapshotFile(path.join(dir, 'c1.json')).read())!;
    expect(snapshot.seq).toBeGreaterThan(100);
    expect(readFileSync(path.join(dir, 'c1.journal')).length).toBeLessThan(4_000);
    const { state, store: again } = await reopen(dir, 2_000);
    expect(Object.keys(state.stock)).toHaveLength(200);
    expect(state.stock['inv-199']).toBe(199);
    await again.close();
  });

  it('replays a replace (reset) record', async () => {
    const dir = tempDir();
    const { store } = await reopen(dir);
    await store.transact('c1', (tx) => tx.apply([['stock', 'a', 1]]));
    await store.replace('c1', init());
    await store.transact('c1', (tx) => tx.apply([['stock', 'b', 2]]));
    store.abandon();
    const { state, store: again } = await reopen(dir);
    await again.close();
    expect(state.stock).toEqual({ b: 2 });
  });

  it('drops a torn journal tail on start', async () => {
    const dir = tempDir();
    const { store } = await reopen(dir);
    await store.transact('c1', (tx) => tx.apply([['stock', 'a', 1]]));
    await store.close();
    appendFileSync(
      path.join(dir, 'c1.journal'),
      encodeRecord({ q: 99, c: [['stock', 'b', 1]] }).slice(0, 15),
    );
    const { state, store: again } = await reopen(dir);
    expect(state.stock).toEqual({ a: 1 });
    await again.close();
  });

  it('refuses to start on an unreadable snapshot and leaves it untouched', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'c1.json');
    writeFileSync(file, '{"format": "ax-sim-channel/1", "seq": 3, "state": {');
    const error = await openError(dir);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).file).toBe(file);
    expect((error as Error).message).toContain('does not overwrite');
    expect(readFileSync(file, 'utf8')).toBe('{"format": "ax-sim-channel/1", "seq": 3, "state": {');
    expect(readdirSync(dir)).toEqual(['c1.json']);
  });

  it('refuses to start on a journal damaged in the middle', async () => {
    const dir = tempDir();
    const { store } = await reopen(dir);
    await store.transact('c1', (tx) => tx.apply([['stock', 'a', 1]]));
    await store.transact('c1', (tx) => tx.apply([['stock', 'b', 1]]));
    await store.close();
    const journal = path.join(dir, 'c1.journal');
    writeFileSync(journal, readFileSync(journal, 'utf8').replace('"a"', '"x"'));
    expect(String(await openError(dir))).toMatch(/line 1 is damaged/);
  });
});

describe('FileStore after a crash at any byte', () => {
  it('restarts cleanly from the journal cut at every byte offset: torn tail dropped, earlier records intact', async () => {
    const dir = tempDir();
    const { store } = await reopen(dir);
    // Multi-byte characters, so that some cuts fall inside a character.
    const steps: Array<[string, number]> = [
      ['서울-🙂', 1],
      ['a', 2],
      ['\u202ertl\u200b', 3],
      ['b', 4],
    ];
    for (const [key, value] of steps) await store.transact('c1', (tx) => tx.apply([['stock', key, value]]));
    await store.close();
    const snapshot = readFileSync(path.join(dir, 'c1.json'));
    const journal = readFileSync(path.join(dir, 'c1.journal'));
    const lineEnds = [...journal.entries()].filter(([, byte]) => byte === 0x0a).map(([i]) => i + 1);
    expect(lineEnds).toHaveLength(steps.length);

    // Every offset of the whole journal: a crash tears the last line, and every line was the last once.
    for (let cut = 0; cut <= journal.length; cut++) {
      const copy = tempDir();
      writeFileSync(path.join(copy, 'c1.json'), snapshot);
      writeFileSync(path.join(copy, 'c1.journal'), journal.subarray(0, cut));
      const { state, store: again } = await reopen(copy);
      const complete = lineEnds.filter((end) => end <= cut).length;
      const where = `cut at byte ${cut} of ${journal.length}`;
      expect(state.stock, where).toEqual(Object.fromEntries(steps.slice(0, complete)));
      // The torn tail is gone from the file, everything before it is as it was.
      const kept = complete === 0 ? 0 : lineEnds[complete - 1]!;
      expect(readFileSync(path.join(copy, 'c1.journal')), where).toEqual(journal.subarray(0, kept));
      // And the store keeps working: a new write survives another restart.
      await again.transact('c1', (tx) => tx.apply([['stock', 'after', cut]]));
      await again.close();
      const { state: later, store: third } = await reopen(copy);
      expect(later.stock.after, where).toBe(cut);
      expect(Object.keys(later.stock), where).toHaveLength(complete + 1);
      await third.close();
      rmSync(copy, { recursive: true });
    }
  });

  it('drops a torn tail padded with zero bytes (the file grew before its data reached the disk)', async () => {
    const dir = tempDir();
    const { store } = await reopen(dir);
    await store.transact('c1', (tx) => tx.apply([['stock', 'a', 1]]));
    await store.close();
    appendFileSync(
      path.join(dir, 'c1.journal'),
      Buffer.concat([Buffer.from('0a1b2c3d {"q":2,"c"'), Buffer.alloc(64)]),
    );
    const { state, store: again } = await reopen(dir);
    expect(state.stock).toEqual({ a: 1 });
    await again.close();
  });

  it('refuses garbage that was never a record, even as the last line, and leaves it untouched', async () => {
    for (const garbage of [
      Buffer.from([0xff, 0xfe, 0x00, 0x13, 0x37, 0x9c, 0x01]),
      Buffer.from('hello world'),
      Buffer.from('not a record\n'),
      Buffer.from('0a1b2c3d {"x": 1}'),
    ]) {
      const dir = tempDir();
      const { store } = await reopen(dir);
      await store.transact('c1', (tx) => tx.apply([['stock', 'a', 1]]));
      await store.close();
      const file = path.join(dir, 'c1.journal');
      appendFileSync(file, garbage);
      const before = readFileSync(file);
      const error = await openError(dir);
      expect(error, garbage.toString('hex')).toBeInstanceOf(StoreError);
      expect((error as StoreError).file).toBe(file);
      expect((error as Error).message).toMatch(/line 2 is damaged/);
      expect(readFileSync(file)).toEqual(before);
    }
  });

  it('refuses a snapshot that is valid JSON of the wrong shape, naming it', async () => {
    for (const content of [
      '[]',
      '{"format": "ax-sim-channel/1", "seq": 1, "state": []}',
      '{"format": "ax-sim-channel/1", "seq": 1, "state": {"meta": {"meta": {}}}}',
      JSON.stringify({ format: 'ax-sim-channel/1', seq: 1, state: { ...init(), orders: [] } }),
      JSON.stringify({ format: 'ax-sim-channel/1', seq: '1', state: init() }),
    ]) {
      const dir = tempDir();
      const file = path.join(dir, 'c1.json');
      writeFileSync(file, content);
      const error = await openError(dir);
      expect(error, content).toBeInstanceOf(StoreError);
      expect((error as StoreError).file).toBe(file);
      expect((error as Error).message).toContain('is not an ax-sim-channel/2 snapshot');
      expect(readFileSync(file, 'utf8')).toBe(content);
      expect(readdirSync(dir)).toEqual(['c1.json']);
    }
  });

  it('refuses a data path that is a file', () => {
    const file = path.join(tempDir(), 'data');
    writeFileSync(file, 'keep me');
    expect(() => new FileStore({ dir: file })).toThrow(/is a file, not a folder/);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });
});

describe('FileStore when a snapshot cannot be written', () => {
  it('never overwrites the rotated journal that the failed snapshot was to fold in', async () => {
    const dir = tempDir();
    const { store } = await reopen(dir, 2_000);
    const snapshot = path.join(dir, 'c1.json');
    const original = readFileSync(snapshot);
    // A folder where the snapshot goes: every snapshot write now fails.
    rmSync(snapshot);
    mkdirSync(snapshot);
    const warn = process.emitWarning;
    process.emitWarning = () => {};
    try {
      for (let i = 0; i < 300; i++) {
        await store.transact('c1', (tx) => tx.apply([['stock', `inv-${i}`, i]]));
      }
      await store.close();
    } finally {
      process.emitWarning = warn;
    }
    // As after a crash: put the old snapshot back and start from what is on disk.
    rmSync(snapshot, { recursive: true });
    writeFileSync(snapshot, original);
    const { state, store: again } = await reopen(dir, 2_000);
    await again.close();
    expect(Object.keys(state.stock)).toHaveLength(300);
    expect(state.stock['inv-0']).toBe(0);
    expect(state.stock['inv-299']).toBe(299);
  });
});
