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
    const tx: Transaction = {
      state,
      apply(changes) {
        if (changes.length === 0) return;
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
      return this.persist(channel, applied).then(() => Promise.reject(error));
    }
    return this.persist(channel, applied).then(() => result);
  }

  async replace(channel: string, state: ChannelState): Promise<void> {
    this.states.set(channel, adoptState(state));
    await this.persistReplace(channel, state);
  }

  async close(): Promise<void> {}

  /** Makes applied changes durable; nothing to do in memory. */
  protected persist(_channel: string, _changes: Change[]): Promise<void> {
    return Promise.resolve();
  }

  protected persistReplace(_channel: string, _state: ChannelState): Promise<void> {
    return Promise.resolve();
  }

  protected stateOf(channel: string): ChannelState {
    const state = this.states.get(channel);
    if (!state) throw new StoreError(channel, 'channel was not opened');
    return state;
  }
}
