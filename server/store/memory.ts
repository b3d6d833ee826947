import type { Change, ChannelState } from '../domain/types.ts';
import { adoptState, applyChanges, type Store, StoreError, type Transaction } from './store.ts';

/** Keeps state in memory only (`--data :memory:`): fast, and gone when the process ends. */
export class MemoryStore implements Store {
  protected readonly states = new Map<string, ChannelState>();

  async open(channel: string, init: () => ChannelState): Promise<void> {
    if (!this.states.has(channel)) this.states.set(channel, adoptState(init()));
  }

  transact<T>(channel: string, fn: (tx: Transaction) => T): Promise<T> {
    const state = this.stateOf(channel);
    const applied: Change[] = [];
    // What each changed record was before, so that a store whose write fails can undo the changes.
    const previous: Change[] = [];
    const tx: Transaction = {
      state,
      apply(changes) {
        if (changes.length === 0) return;
        for (const [collection, key] of changes) {
          const before = (state[collection] as Record<string, unknown>)[key];
          previous.push([collection, key, before ?? null] as Change);
        }
        applyChanges(state, changes);
        // One by one: a spread of hundreds of thousands of changes (supplier actions falling due after a
        // long clock advance) overflows the call stack.
        for (const change of changes) applied.push(change);
      },
    };
    let result: T;
    try {
      result = fn(tx);
    } catch (error) {
      return this.persist(channel, applied, previous).then(() => Promise.reject(error));
    }
    return this.persist(channel, applied, previous).then(() => result);
  }

  async replace(channel: string, state: ChannelState): Promise<void> {
    const previous = this.states.get(channel);
    this.states.set(channel, adoptState(state));
    await this.persistReplace(channel, state, previous);
  }

  async close(): Promise<void> {}

  /**
   * Makes applied changes durable; nothing to do in memory. `previous` holds each changed record as it
   * was before (null: absent), in the order applied: a store that cannot write them undoes them.
   */
  protected persist(_channel: string, _changes: Change[], _previous: Change[]): Promise<void> {
    return Promise.resolve();
  }

  /** Makes a replaced state durable; `previous` is the state it replaced (to put back on failure). */
  protected persistReplace(
    _channel: string,
    _state: ChannelState,
    _previous: ChannelState | undefined,
  ): Promise<void> {
    return Promise.resolve();
  }

  protected stateOf(channel: string): ChannelState {
    const state = this.states.get(channel);
    if (!state) throw new StoreError(channel, 'channel was not opened');
    return state;
  }
}
