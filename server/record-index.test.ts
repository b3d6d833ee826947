import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blankState } from './domain/testing.ts';
import type { Change, ChannelState } from './domain/types.ts';
import { RecordIndex } from './record-index.ts';
import { adoptState, applyChanges } from './store/store.ts';

const fresh = () => adoptState(blankState());

/** A change to `stock`: set key k to v, or delete it (v = null). */
const change = fc
  .tuple(fc.integer({ min: 0, max: 30 }), fc.option(fc.integer({ min: 0, max: 9 })))
  .map(([k, v]) => ['stock', `k${k}`, v] as Change);

/** What a capture holds, read back: the collection as it was, in order. */
function read(capture: ReturnType<RecordIndex['capture']>, name: string): Record<string, unknown> {
  const member = capture.members.find((m) => m.name === name)!;
  if (!('keys' in member)) throw new Error('not a collection');
  const out: Record<string, unknown> = {};
  for (const key of member.keys) {
    if (key === null) continue;
    const value = capture.valueOf(member, key);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

describe('RecordIndex', () => {
  it('pages like Object.keys reversed, and a capture holds the state of its instant, whatever changes follow', () => {
    fc.assert(
      fc.property(
        fc.array(change, { maxLength: 80 }),
        fc.array(change, { maxLength: 80 }),
        (before, after) => {
          const state = fresh();
          const index = new RecordIndex(state);
          const apply = (c: Change) => {
            index.before([c]);
            applyChanges(state, [c]);
            index.after([c]);
          };
          for (const c of before) apply(c);
          const expected = JSON.stringify(state.stock);
          const capture = index.capture();
          for (const c of after) apply(c);
          expect(JSON.stringify(read(capture, 'stock'))).toBe(expected);
          capture.close();
          // Pages, newest first, in the object's own order.
          const keys = Object.keys(state.stock).reverse();
          for (const [limit, offset] of [
            [3, 0],
            [5, 2],
            [100, 0],
            [1, keys.length],
          ] as const) {
            const page = index.newestFirst('stock', limit, offset, (v: number) => v);
            expect(page.items).toEqual(keys.slice(offset, offset + limit).map((k) => state.stock[k]));
            expect(page.count).toBe(keys.length);
            expect(page.next).toBe(offset + limit < keys.length ? offset + limit : null);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stays right through compaction of many deletes', () => {
    const state = fresh() as ChannelState;
    const index = new RecordIndex(state);
    const apply = (changes: Change[]) => {
      index.before(changes);
      applyChanges(state, changes);
      index.after(changes);
    };
    index.newestFirst('stock', 1, 0, (v) => v);
    for (let i = 0; i < 5000; i++) apply([['stock', `k${i}`, i]]);
    const capture = index.capture();
    for (let i = 0; i < 4000; i++) apply([['stock', `k${i}`, null]]);
    apply([['stock', 'k1', 1]]);
    expect(Object.keys(read(capture, 'stock'))).toHaveLength(5000);
    const page = index.newestFirst('stock', 3, 0, (v: number) => v);
    expect(page).toEqual({ items: [1, 4999, 4998], count: 1001, next: 3 });
  });
});
