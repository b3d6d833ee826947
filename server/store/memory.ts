import type { ChannelState } from '../domain/types.ts';
import { adoptState, RecordingTransaction, type Store, StoreError, type Transaction } from './store.ts';

/** Keeps state in memory only (`--data :memory:`): fast, and gone when the process ends. */
export class MemoryStore implements Store {
  private readonly states = new Map<string, ChannelState>();

  async open(channel: string, init: () => ChannelState): Promise<void> {
    if (!this.states.has(channel)) this.states.set(channel, adoptState(init()));
  }

  transact<T>(channel: string, fn: (tx: Transaction) => T): Promise<T> {
    const state = this.states.get(channel);
    if (!state) return Promise.reject(new StoreError(channel, 'channel was not opened'));
    const outcome = new RecordingTransaction(state).run(fn);
    return outcome.ok ? Promise.resolve(outcome.value) : Promise.reject(outcome.error);
  }

  async replace(channel: string, state: ChannelState): Promise<void> {
    this.states.set(channel, adoptState(state));
  }

  async close(): Promise<void> {}
}
