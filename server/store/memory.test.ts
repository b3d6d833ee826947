import { describe, expect, it } from 'vitest';
import { blankState } from '../domain/testing.ts';
import type { Change } from '../domain/types.ts';
import { MemoryStore } from './memory.ts';

describe('MemoryStore', () => {
  it('applies a step of hundreds of thousands of changes (a long clock advance) in one go', async () => {
    const store = new MemoryStore();
    await store.open('c1', () => blankState());
    const changes: Change[] = Array.from({ length: 300_000 }, (_, i) => ['stock', `inv-${i}`, i]);
    const count = await store.transact('c1', (tx) => {
      tx.apply(changes);
      return Object.keys(tx.state.stock).length;
    });
    expect(count).toBe(300_000);
  });
});
