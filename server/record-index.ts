import type { Change, ChannelState } from './domain/types.ts';

/**
 * The keys of each collection of one state object in insertion order, kept up to date with every change
 * — so that a listing page costs O(page) and a consistent capture of a large state costs one array copy,
 * where `Object.keys` of a 135,000-key collection (V8 keeps it in dictionary mode) is a synchronous step
 * of 60–500 ms during which no other request is answered (docs/decisions/001-snapshot-format.md).
 *
 * Like the schedule index it belongs to one state object (a reset or import builds a new one) and is
 * rebuilt when the store undid a failed write behind its back.
 */
export class RecordIndex {
  readonly state: ChannelState;
  private readonly orders = new Map<string, KeyOrder>();
  private readonly captures = new Set<StateCapture>();

  constructor(state: ChannelState) {
    this.state = state;
  }

  /**
   * Builds the key order of every collection now (one `Object.keys` each): at start-up and after an
   * import, which are O(state) anyway, rather than in the first listing or export that needs it.
   */
  warm(): this {
    for (const name of Object.keys(this.state) as Array<keyof ChannelState>) {
      const value = this.state[name] as unknown;
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) this.orderOf(name);
    }
    return this;
  }

  /** Call before applying `changes`: open captures keep the values the changes are about to replace. */
  before(changes: readonly Change[]): void {
    if (this.captures.size === 0) return;
    for (const capture of this.captures) capture.keepOld(this.state, changes);
  }

  /** Call after applying `changes`. */
  after(changes: readonly Change[]): void {
    for (const [collection, key, value] of changes) {
      const order = this.orders.get(collection);
      if (!order) continue;
      if (value === null) order.delete(key);
      else order.add(key);
    }
  }

  /** Records `offset` to `offset + limit` counted from the newest, mapped. */
  newestFirst<T, R>(
    collection: keyof ChannelState,
    limit: number,
    offset: number,
    map: (record: T) => R,
  ): { items: R[]; count: number; next: number | null } {
    const order = this.orderOf(collection);
    const records = this.state[collection] as Record<string, T>;
    const items: R[] = [];
    let skipped = 0;
    const keys = order.keys;
    for (let i = keys.length - 1; i >= 0 && items.length < limit; i--) {
      const key = keys[i];
      if (key === null || key === undefined) continue;
      if (skipped < offset) {
        skipped++;
        continue;
      }
      items.push(map(records[key]!));
    }
    const count = order.size;
    return { items, count, next: offset + limit < count ? offset + limit : null };
  }

  /**
   * The state as it is now, to be read later while the state moves on: each collection's keys (a copy of
   * the index's array) and, for every record changed from now on, its value as it was (copy-on-write).
   * Call `close()` when done, so that changes stop being tracked for it.
   */
  capture(): StateCapture {
    const members: CapturedMember[] = [];
    for (const name of Object.keys(this.state) as Array<keyof ChannelState>) {
      const value = this.state[name] as unknown;
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        members.push({
          name,
          keys: this.orderOf(name).keys.slice(),
          records: value as Record<string, unknown>,
        });
      } else {
        members.push({ name, json: JSON.stringify(value) });
      }
    }
    const capture = new StateCapture(members, () => this.captures.delete(capture));
    this.captures.add(capture);
    return capture;
  }

  private orderOf(collection: keyof ChannelState): KeyOrder {
    let order = this.orders.get(collection);
    if (!order) {
      order = new KeyOrder(Object.keys(this.state[collection] as object));
      this.orders.set(collection, order);
    }
    return order;
  }
}

export type CapturedMember =
  | { name: string; keys: Array<string | null>; records: Record<string, unknown> }
  | { name: string; json: string | undefined };

export class StateCapture {
  readonly members: CapturedMember[];
  /** Per collection: the values of records changed since the capture, as they were then (undefined: absent). */
  private readonly old = new Map<string, Map<string, unknown>>();
  private readonly release: () => void;

  constructor(members: CapturedMember[], release: () => void) {
    this.members = members;
    this.release = release;
  }

  keepOld(state: ChannelState, changes: readonly Change[]): void {
    for (const [collection, key] of changes) {
      let kept = this.old.get(collection);
      if (!kept) {
        kept = new Map();
        this.old.set(collection, kept);
      }
      if (!kept.has(key)) kept.set(key, (state[collection] as Record<string, unknown>)[key]);
    }
  }

  /** A record's value as it was at the capture (undefined: it did not exist). */
  valueOf(member: { name: string; records: Record<string, unknown> }, key: string): unknown {
    const kept = this.old.get(member.name);
    return kept?.has(key) ? kept.get(key) : member.records[key];
  }

  close(): void {
    this.release();
  }
}

/** Insertion order of a collection's keys; a deleted key leaves a hole (null), filled in by compaction. */
class KeyOrder {
  keys: Array<string | null>;
  private readonly at = new Map<string, number>();
  private holes = 0;

  constructor(keys: string[]) {
    this.keys = keys;
    for (let i = 0; i < keys.length; i++) this.at.set(keys[i]!, i);
  }

  get size(): number {
    return this.at.size;
  }

  add(key: string): void {
    if (this.at.has(key)) return;
    this.at.set(key, this.keys.length);
    this.keys.push(key);
  }

  delete(key: string): void {
    const i = this.at.get(key);
    if (i === undefined) return;
    this.at.delete(key);
    this.keys[i] = null;
    this.holes++;
    // Schedule entries come and go: compact once holes are the majority (amortised O(1) per delete).
    if (this.holes > 1024 && this.holes * 2 > this.keys.length) this.compact();
  }

  private compact(): void {
    const keys: string[] = [];
    for (const key of this.keys) if (key !== null) keys.push(key);
    this.keys = keys;
    this.at.clear();
    for (let i = 0; i < keys.length; i++) this.at.set(keys[i]!, i);
    this.holes = 0;
  }
}
