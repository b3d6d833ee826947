import type { Change, ChannelState } from '../domain/types.ts';

/**
 * Persistence behind one small interface. Routes and domain code never know which store runs: the
 * embedded default is a lowdb snapshot plus an append-only journal per channel (file.ts); `:memory:`
 * keeps nothing (memory.ts); PostgreSQL is shared by several processes (postgres/store.ts). Each store
 * owns its channels' states and runs transactions on them through a `RecordingTransaction` (below).
 */
export interface Store {
  /**
   * Opens a channel's state, creating it with `init` when the store has none. Throws a `StoreError`
   * naming the file when saved data cannot be read — the store never overwrites what it could not read.
   */
  open(channel: string, init: () => ChannelState): Promise<void>;
  /**
   * Runs `fn` against the channel's state and makes every change it applied durable before resolving.
   * `fn` runs synchronously with nobody else in between, so check-then-write rules (stock) hold under
   * any concurrency. Changes applied through `tx.apply` are kept even when `fn` throws afterwards: each
   * `apply` call is one complete step (e.g. due supplier actions, then the request's own change).
   */
  transact<T>(channel: string, fn: (tx: Transaction) => T, options?: TransactOptions): Promise<T>;
  /** Replaces the channel's whole state (reset, import), durably. */
  replace(channel: string, state: ChannelState): Promise<void>;
  /** Waits for every pending write, then releases files. */
  close(): Promise<void>;
  /**
   * Optional, for stores shared by several processes: `listener` hears of every change to a channel's
   * state that did not come from this process's own `transact` calls as they returned — changes folded in
   * from other instances, changes taken back because their commit failed, and whole states loaded anew
   * (another instance's reset or import) — so that what is derived from the state (the supplier schedule
   * index) can follow. A store whose state only this process changes never calls it.
   */
  watch?(listener: StoreListener): void;
}

export interface TransactOptions {
  /**
   * A hint that `fn` is expected to apply nothing (a read). A shared store may then run it without taking
   * the channel's lock; when `fn` applies changes after all (supplier actions fallen due), the store runs
   * it again under the lock. Other stores ignore it.
   */
  read?: boolean;
}

export type StoreEvent =
  | { kind: 'changes'; changes: readonly Change[] }
  | { kind: 'replaced'; state: ChannelState };

export type StoreListener = (channel: string, event: StoreEvent) => void;

export interface Transaction {
  /**
   * The channel's state. The same object from one transaction to the next until `replace` installs
   * another (or a failed write is undone by putting the previous one back): the sandbox keeps indexes
   * (supplier schedule, key order) per state object and rebuilds them when it changes.
   */
  readonly state: ChannelState;
  apply(changes: readonly Change[]): void;
}

export class StoreError extends Error {
  readonly file: string;
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(`${file}: ${message}`, options);
    this.name = 'StoreError';
    this.file = file;
  }
}

/**
 * Gives every collection of `state` a null prototype, in place, and returns it. Codes come from
 * requests, and on an ordinary object `orders["constructor"]` or `questions["__proto__"]` finds
 * Object's own members (a phantom order, a prototype replaced by a write); on these they are plain
 * keys. Every state a store holds passes through here: a new one, a loaded one, a replacing one.
 */
export function adoptState(state: ChannelState): ChannelState {
  const collections = state as unknown as Record<string, object>;
  for (const name of Object.keys(collections)) {
    collections[name] = Object.assign(Object.create(null) as object, collections[name]);
  }
  return state;
}

/** Applies changes in place. The only code that mutates a ChannelState. */
export function applyChanges(state: ChannelState, changes: readonly Change[]): void {
  for (const [collection, key, value] of changes) {
    const records = state[collection] as Record<string, unknown>;
    if (value === null) delete records[key];
    else records[key] = value;
  }
}

/**
 * A transaction on one state object that remembers what each change replaced, so that a store whose
 * write fails can take the changes back. Every store runs the domain's functions through one of these:
 * the undo logic exists once.
 */
export class RecordingTransaction implements Transaction {
  readonly state: ChannelState;
  /** Every change applied, in order. */
  readonly applied: Change[] = [];
  /** Each changed record as it was before (null: absent), in the order applied. */
  private readonly previous: Change[] = [];

  constructor(state: ChannelState) {
    this.state = state;
  }

  apply(changes: readonly Change[]): void {
    const state = this.state;
    for (const change of changes) {
      const [collection, key] = change;
      const before = (state[collection] as Record<string, unknown>)[key];
      this.previous.push([collection, key, before ?? null] as Change);
    }
    applyChanges(state, changes);
    // One by one: a spread of hundreds of thousands of changes (supplier actions falling due after a
    // long clock advance) overflows the call stack.
    for (const change of changes) this.applied.push(change);
  }

  /**
   * The changes that take back everything applied, newest first, for `applyChanges` on the same state
   * object — perhaps later, after other transactions applied changes on top (which are undone first).
   */
  undoChanges(): Change[] {
    return this.previous.slice().reverse();
  }

  /** Runs `fn` on this transaction: its result, or the error it threw after applying what it applied. */
  run<T>(fn: (tx: Transaction) => T): { ok: true; value: T } | { ok: false; error: unknown } {
    try {
      return { ok: true, value: fn(this) };
    } catch (error) {
      return { ok: false, error };
    }
  }
}
