import { createHash, timingSafeEqual } from 'node:crypto';
import type { Readable } from 'node:stream';
import { AnswerCache, type Answered, type Resent } from './answer-cache.ts';
import { stateAfter } from './domain/changes.ts';
import type { CatalogIndex, DomainContext, Outcome } from './domain/context.ts';
import { apiError } from './domain/errors.ts';
import { stateProblems } from './domain/state-schema.ts';
import { applyDue } from './domain/supplier.ts';
import { CLOCK_LIMIT_MS, calendarDate } from './domain/time.ts';
import {
  type Change,
  type ChannelMeta,
  type ChannelState,
  COLLECTIONS,
  emptyState,
  metaChange,
  metaOf,
  type ScheduledAction,
} from './domain/types.ts';
import { stateDocumentStream } from './http/state-export.ts';
import { RecordIndex, type StateCapture } from './record-index.ts';
import { type Store, StoreError, type Transaction } from './store/store.ts';

export interface ChannelConfig {
  code: string;
  apiKey: string;
}

/** Hears a channel's committed changes, or `'replaced'` when the whole sandbox was reset or imported. */
export type Watcher = (channel: string, changes: readonly Change[] | 'replaced') => void;

export const DEFAULT_CHANNELS: readonly ChannelConfig[] = [
  { code: 'demo-channel', apiKey: 'demo-key' },
  { code: 'demo-channel-2', apiKey: 'demo-key-2' },
];

export const STATE_FORMAT = 'ax-sim-state/1';

export interface SandboxesOptions {
  store: Store;
  catalog: CatalogIndex;
  channels: readonly ChannelConfig[];
  /** The real clock; tests inject their own. */
  realNow?: () => number;
  /** Names the file behind a channel, for start-up errors. */
  describe?: (channel: string) => string;
}

/**
 * Every channel's world: its state in the store, its virtual clock and its supplier schedule. This is
 * the one place where a request's domain function meets the store:
 * `run(channel, fn)` = apply the supplier actions now due, run the rule, commit, answer.
 */
export class Sandboxes {
  readonly catalog: CatalogIndex;
  readonly channels: readonly ChannelConfig[];
  private readonly store: Store;
  private readonly realNow: () => number;
  private readonly describe: (channel: string) => string;
  private readonly keyDigests: Array<{ digest: Buffer; channel: ChannelConfig }>;
  private readonly schedules = new Map<string, ScheduleIndex>();
  private readonly records = new Map<string, RecordIndex>();
  /** Keys that matched a channel (see authenticate). */
  private readonly validKeys = new Map<string, ChannelConfig>();
  private readonly watchers = new Set<Watcher>();
  /** Each channel's kept read answers (see `answer`). */
  private readonly answers = new Map<string, AnswerCache>();

  constructor(options: SandboxesOptions) {
    this.store = options.store;
    this.catalog = options.catalog;
    this.channels = options.channels;
    this.realNow = options.realNow ?? Date.now;
    this.describe = options.describe ?? ((c) => `channel ${c}`);
    this.keyDigests = options.channels.map((channel) => ({ digest: digest(channel.apiKey), channel }));
    for (const { code } of options.channels) this.answers.set(code, new AnswerCache());
    // A shared store tells of changes made elsewhere (another instance, a commit taken back): the
    // schedule index follows them, so that supplier actions another instance scheduled fall due here too.
    // A new state object (event.kind 'replaced') gets new indexes on its first transaction (scheduleOf).
    this.store.watch?.((channel, event) => {
      this.answers.get(channel)?.changed();
      if (event.kind === 'replaced') {
        this.notify(channel, 'replaced');
        return;
      }
      this.schedules.get(channel)?.track(event.changes);
      this.records.get(channel)?.after(event.changes);
    });
  }

  async open(): Promise<void> {
    for (const { code } of this.channels) {
      await this.store.open(code, () => this.freshState(code));
      const state = await this.store.transact(code, (tx) => tx.state);
      const saved = metaOf(state).catalogId;
      if (saved !== this.catalog.catalog.id) {
        throw new Error(
          `${this.describe(code)} holds a sandbox built on catalogue "${saved}", but this simulator runs catalogue ` +
            `"${this.catalog.catalog.id}". Start with the same --seed/--fixtures, or point --data at another folder.`,
        );
      }
      this.schedules.set(code, new ScheduleIndex(state));
      this.records.set(code, new RecordIndex(state).warm());
    }
  }

  /**
   * The channel whose API key this is. An unknown key's digest is compared with every channel's in
   * constant time. A key that has matched once is then found by a lookup of the whole key: every
   * request presents its key, and a client sends the same one each time. That lookup tells an attacker
   * nothing the answer does not (that this exact key is valid); a wrong or partly right key always takes
   * the constant-time comparison.
   */
  authenticate(apiKey: string): ChannelConfig | undefined {
    const known = this.validKeys.get(apiKey);
    if (known !== undefined) return known;
    const candidate = digest(apiKey);
    let found: ChannelConfig | undefined;
    for (const { digest: d, channel } of this.keyDigests) {
      if (timingSafeEqual(d, candidate)) found = channel;
    }
    // Only configured keys are kept here: at most one per channel.
    if (found !== undefined) this.validKeys.set(apiKey, found);
    return found;
  }

  /**
   * Runs a domain function on the channel's state and makes its changes durable before resolving.
   * Supplier actions that have fallen due by the channel's "now" are applied first, as their own step.
   */
  run<T>(channel: string, fn: (ctx: DomainContext) => Outcome<T>, read = false): Promise<T> {
    return this.transact(channel, fn, undefined, read);
  }

  /**
   * One transaction: a rule (`rule`, whose changes are committed) or a read (`view`). Written without
   * closures made per call beyond the one the store takes: a read is the hot path.
   */
  private transact<T>(
    channel: string,
    rule: ((ctx: DomainContext) => Outcome<T>) | undefined,
    view: ((ctx: DomainContext) => T) | undefined,
    read: boolean,
  ): Promise<T> {
    // The step's change lists, kept as lists: a long clock advance can hold hundreds of thousands.
    const committed: Array<readonly Change[]> = [];
    return this.store
      .transact(channel, (tx) => this.step(channel, tx, committed, rule, view), { read })
      .then(
        (result) => {
          // Watchers hear of changes only once they are durable, i.e. when the answer could be sent.
          if (committed.length > 0)
            this.notify(channel, committed.length === 1 ? committed[0]! : committed.flat());
          return result;
        },
        (error: unknown) => {
          // A write the store could not make durable was undone there — perhaps with schedule entries this
          // index had already handed out: rebuild it from the state as it is now.
          if (error instanceof StoreError) {
            this.answers.get(channel)?.changed();
            this.schedules.delete(channel);
            this.records.delete(channel);
          }
          throw error;
        },
      );
  }

  /** Inside the store's transaction: the supplier actions now due, then the rule or the read. */
  private step<T>(
    channel: string,
    tx: Transaction,
    committed: Array<readonly Change[]>,
    rule: ((ctx: DomainContext) => Outcome<T>) | undefined,
    view: ((ctx: DomainContext) => T) | undefined,
  ): T {
    committed.length = 0;
    const schedule = this.scheduleOf(channel, tx.state);
    let ctx = this.context(channel, tx.state);
    const due = schedule.due(tx.state, ctx.now);
    if (due.length > 0) {
      this.apply(channel, tx, schedule, committed, applyDue(ctx, due));
      // The rule sees the state after the supplier's actions.
      ctx = this.context(channel, tx.state);
    }
    if (view !== undefined) return view(ctx);
    const outcome = rule!(ctx);
    this.apply(channel, tx, schedule, committed, outcome.changes);
    return outcome.result;
  }

  /** Applies changes to the transaction's state and to every index that follows it. */
  private apply(
    channel: string,
    tx: Transaction,
    schedule: ScheduleIndex,
    committed: Array<readonly Change[]>,
    changes: readonly Change[],
  ): void {
    if (changes.length > 0) this.answers.get(channel)!.changed();
    const records = this.recordsOf(channel, tx.state);
    records.before(changes);
    tx.apply(changes);
    schedule.track(changes);
    records.after(changes);
    if (this.watchers.size > 0 && changes.length > 0) committed.push(changes);
  }

  /** Tells `watcher` of every committed change (or whole-sandbox replacement); returns the unsubscribe. */
  watch(watcher: Watcher): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  private notify(channel: string, changes: readonly Change[] | 'replaced'): void {
    for (const watcher of this.watchers) watcher(channel, changes);
  }

  /** A read: like run, with no changes of its own. */
  read<T>(channel: string, fn: (ctx: DomainContext) => T): Promise<T> {
    return this.transact(channel, undefined, fn, true);
  }

  /**
   * A read whose answer is kept serialised in the channel's answer cache under `key` (the request:
   * operation, path and query values), and built again only after a change on the channel or once the
   * virtual clock reaches the `validUntil` the build gave. Errors thrown by `build` are not kept.
   */
  answer(
    channel: string,
    key: string,
    build: (ctx: DomainContext) => Answered,
    again?: { url: string; status: number },
  ): Promise<Buffer> {
    const answers = this.answers.get(channel)!;
    const json = this.transact(
      channel,
      undefined,
      (ctx) => answers.get(key, ctx, build, this.schedules.get(channel)!.nextAt()),
      true,
    );
    if (again === undefined) return json;
    // Resolved: what the answer shows is durable, so it may be sent again for the same URL (`kept`).
    return json.then((bytes) => {
      answers.remember(again.url, key, bytes, again.status);
      return bytes;
    });
  }

  /**
   * The answer `answer` gave a request for this URL (its path and query as sent), with the status it
   * was sent with, if it still holds now: for the channel API to send again before validation and
   * handler. Only for a store this process alone changes — a shared store's changes from elsewhere
   * arrive on a request's first sync, which this does not wait for.
   */
  kept(channel: string, url: string): Resent | undefined {
    return this.answers.get(channel)?.sent(url, this.realNow());
  }

  /** Back to the seeded state: catalogue as seeded, nothing ordered, clock at real time, new day zero. */
  async reset(channel: string): Promise<void> {
    await this.replace(channel, this.freshState(channel));
    this.notify(channel, 'replaced');
  }

  /**
   * Installs a new state. Kept answers are dropped before (nothing of the old state is sent once the
   * new one is being written) and after (nothing built while it was being written outlives it, whether
   * the write succeeded or the old state was put back).
   */
  private async replace(channel: string, state: ChannelState): Promise<void> {
    const answers = this.answers.get(channel);
    answers?.changed();
    try {
      await this.store.replace(channel, state);
    } finally {
      answers?.changed();
    }
  }

  async exportState(channel: string): Promise<{ format: string; channel: string; state: ChannelState }> {
    const state = await this.read(channel, (ctx) => structuredClone(ctx.state));
    return { format: STATE_FORMAT, channel, state };
  }

  /**
   * The channel's world as `exportState` gives it, streamed (`GET /__sim/state`): the state is captured
   * at one instant and serialised a slice at a time, so that a state of any size is exported without
   * holding up the other channels.
   */
  async exportStream(channel: string): Promise<Readable> {
    let capture: StateCapture | undefined;
    try {
      await this.read(channel, (ctx) => {
        capture = this.recordsOf(channel, ctx.state).capture();
      });
    } catch (error) {
      // What the read saw did not reach the disk: no export of it, and nothing more to track.
      capture?.close();
      throw error;
    }
    return stateDocumentStream(STATE_FORMAT, channel, capture!);
  }

  /**
   * One page of a collection, newest first: records `offset` to `offset + limit`, mapped, with how many
   * there are and the offset of the next page (null on the last). Costs the page, not the collection.
   */
  page<T, R>(
    channel: string,
    collection: keyof ChannelState,
    limit: number,
    offset: number,
    map: (record: T) => R,
  ): Promise<{ items: R[]; count: number; next: number | null }> {
    return this.read(channel, (ctx) =>
      this.recordsOf(channel, ctx.state).newestFirst(collection, limit, offset, map),
    );
  }

  /** Replaces the channel's world with an exported one (possibly another channel's export). */
  async importState(channel: string, document: unknown): Promise<void> {
    const parsed = parseStateDocument(document, this.catalog.catalog.id);
    // The document may be another channel's export: it becomes this channel's.
    const state = stateAfter(parsed, [metaChange({ ...metaOf(parsed), channel })]);
    if (this.realNow() + metaOf(state).clockOffsetMs >= CLOCK_LIMIT_MS) {
      throw apiError('stateClockTooFar');
    }
    // Everything that can refuse the document has run: replace. No schedule is installed here — the
    // first transaction on the new state builds the index from it (scheduleOf), so whatever runs while
    // the import is being written is tracked in the index of the state it ran on, never lost.
    await this.replace(channel, state);
    this.recordsOf(channel, state).warm();
    this.notify(channel, 'replaced');
  }

  private context(channel: string, state: ChannelState): DomainContext {
    const meta = metaOf(state);
    return { state, meta, catalog: this.catalog, now: this.realNow() + meta.clockOffsetMs, channel };
  }

  private freshState(channel: string): ChannelState {
    const now = this.realNow();
    return emptyState({
      channel,
      catalogId: this.catalog.catalog.id,
      anchorDate: calendarDate(now),
      clockOffsetMs: 0,
      createdAt: new Date(now).toISOString(),
    });
  }

  /**
   * The schedule index of the state a transaction runs on. An index belongs to one state object: after
   * a reset or import (a new state), or after a failed write was undone, it is rebuilt from the state,
   * whatever the order in which the replacement and other requests interleave.
   */
  private scheduleOf(channel: string, state: ChannelState): ScheduleIndex {
    let schedule = this.schedules.get(channel);
    if (schedule?.state !== state) {
      schedule = new ScheduleIndex(state);
      this.schedules.set(channel, schedule);
    }
    return schedule;
  }

  /** The record index of the state a transaction runs on (see scheduleOf for when it is rebuilt). */
  private recordsOf(channel: string, state: ChannelState): RecordIndex {
    let records = this.records.get(channel);
    if (records?.state !== state) {
      records = new RecordIndex(state);
      this.records.set(channel, records);
    }
    return records;
  }
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

function parseStateDocument(document: unknown, catalogId: string): ChannelState {
  const doc = document as { format?: unknown; state?: Partial<ChannelState> } | null;
  if (!doc || typeof doc !== 'object' || doc.format !== STATE_FORMAT) {
    throw apiError('stateFormatWrong', { format: STATE_FORMAT });
  }
  const state = doc.state;
  if (!state || typeof state !== 'object') throw apiError('required', { field: 'state' });
  for (const name of COLLECTIONS) {
    const records = state[name];
    if (!records || typeof records !== 'object' || Array.isArray(records)) {
      throw apiError('stateCollectionMissing', { name });
    }
  }
  // Every collection is an object by now, `meta` too; its one record may still be missing.
  const meta: ChannelMeta | undefined = metaOf(state as ChannelState);
  if (!meta || typeof meta.anchorDate !== 'string' || typeof meta.clockOffsetMs !== 'number') {
    throw apiError('stateMetaMalformed');
  }
  if (meta.catalogId !== catalogId) {
    throw apiError('stateOtherCatalogue', { saved: meta.catalogId, running: catalogId });
  }
  const problems = stateProblems(state);
  if (problems.length > 0) {
    throw apiError('stateNotExported', { problems: problems.join('; ') });
  }
  return structuredClone(state as ChannelState);
}

const NOTHING_DUE: readonly ScheduledAction[] = Object.freeze([]);

/**
 * A min-heap over the channel's scheduled supplier actions, so that finding what is due costs
 * O(log n) per action instead of a scan of every order ever placed. Entries are removed lazily: a popped
 * entry counts only if the state still holds it.
 */
class ScheduleIndex {
  private heap: Array<{ at: number; key: string }> = [];
  readonly state: ChannelState;

  constructor(state: ChannelState) {
    this.state = state;
    for (const [key, action] of Object.entries(state.schedule)) this.push(action.at, key);
  }

  track(changes: readonly Change[]): void {
    for (const [collection, key, value] of changes) {
      if (collection === 'schedule' && value) this.push((value as ScheduledAction).at, key);
    }
  }

  /** The virtual instant of the earliest scheduled action (perhaps one since removed: never later). */
  nextAt(): number {
    return this.heap.length === 0 ? Number.POSITIVE_INFINITY : this.heap[0]!.at;
  }

  due(state: ChannelState, now: number): readonly ScheduledAction[] {
    // Nearly every request: nothing due, nothing to allocate.
    if (this.heap.length === 0 || this.heap[0]!.at > now) return NOTHING_DUE;
    const due: ScheduledAction[] = [];
    const seen = new Set<string>();
    while (this.heap.length > 0 && this.heap[0]!.at <= now) {
      const { key, at } = this.pop();
      const action = state.schedule[key];
      if (action && action.at === at && !seen.has(key)) {
        due.push(action);
        seen.add(key);
      }
    }
    return due;
  }

  private push(at: number, key: string): void {
    const heap = this.heap;
    heap.push({ at, key });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.at <= heap[i]!.at) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  private pop(): { at: number; key: string } {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let smallest = i;
        if (l < heap.length && heap[l]!.at < heap[smallest]!.at) smallest = l;
        if (r < heap.length && heap[r]!.at < heap[smallest]!.at) smallest = r;
        if (smallest === i) break;
        [heap[smallest], heap[i]] = [heap[i]!, heap[smallest]!];
        i = smallest;
      }
    }
    return top;
  }
}
