import type { Change, ChannelState, CollectionName } from './types.ts';

/**
 * Working with a use case's `Change[]` inside the domain, where a state is never written in place
 * (the store's `applyChanges` is the one code that does that, on commit).
 */

/** Keeps only the last write per (collection, key), in the order of those last writes. */
export function compactChanges(changes: readonly Change[]): Change[] {
  const last = new Map<string, Change>();
  for (const change of changes) {
    const id = `${change[0]}\u0000${change[1]}`;
    last.delete(id);
    last.set(id, change);
  }
  return [...last.values()];
}

/**
 * A copy-on-write view of a state: `write` copies a collection the first time a change touches it,
 * then writes into that copy; the state it was made from is never modified. For a rule that must see
 * its own earlier changes (the supplier's due actions, one after the other), and for tests.
 */
export class StateDraft {
  readonly state: ChannelState;
  private readonly copied = new Set<CollectionName>();

  constructor(base: ChannelState) {
    this.state = { ...base };
  }

  /** Writes `changes` in order (a null value deletes the key). */
  write(changes: readonly Change[]): void {
    const collections = this.state as unknown as Record<CollectionName, Record<string, unknown>>;
    for (const [collection, key, value] of changes) {
      if (!this.copied.has(collection)) {
        collections[collection] = { ...collections[collection] };
        this.copied.add(collection);
      }
      if (value === null) delete collections[collection][key];
      else collections[collection][key] = value;
    }
  }
}

/** A new state: `state` with `changes` written, only the touched collections copied; `state` is left as it was. */
export function stateAfter(state: ChannelState, changes: readonly Change[]): ChannelState {
  const draft = new StateDraft(state);
  draft.write(changes);
  return draft.state;
}
