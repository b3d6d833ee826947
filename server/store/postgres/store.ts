import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import type { Change, ChannelState } from '../../domain/types.ts';
import {
  adoptState,
  applyChanges,
  RecordingTransaction,
  type Store,
  StoreError,
  type StoreEvent,
  type StoreListener,
  type Transaction,
  type TransactOptions,
} from '../store.ts';
import { migrate } from './migrations.ts';

/**
 * Sandboxes on PostgreSQL, shared by any number of simulator processes (docs/decisions/010).
 *
 * Each process keeps every channel's state in memory, as the other stores do, and PostgreSQL holds the
 * truth: per channel a row (its lock and last committed version, a snapshot) and an append-only log of
 * what each version changed. A write takes the channel's row lock, folds in the versions other processes
 * committed since this copy last looked, runs the domain functions of every request waiting in this
 * process (group commit), appends their changes as the next version and commits; only then are the
 * requests answered. A read folds in what is new without taking the lock. Domain functions keep running
 * synchronously on an up-to-date copy, so check-then-write rules (stock, status tables, order replay by
 * channel order id) hold across processes.
 */
export interface PgStoreOptions {
  /** `postgres://user@host:port/database`. */
  url: string;
  /** Connections per process (default 4). */
  poolSize?: number;
  /** A statement running longer than this fails, and the request with it (default 5 s). */
  statementTimeoutMs?: number;
  /** Connecting (or waiting for a pooled connection) longer than this fails (default 3 s). */
  connectTimeoutMs?: number;
  /** Write a new snapshot once the log since the last one holds this many bytes, or the snapshot's own size if larger. */
  snapshotBytes?: number;
  /** At most this many requests in one transaction. */
  maxBatch?: number;
}

interface Op {
  kind: 'tx';
  fn: (tx: Transaction) => unknown;
  read: boolean;
  /** When its request arrived (see `enter`); a query sent later is fresh enough for it. */
  arrived: number;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface ReplaceOp {
  kind: 'replace';
  state: ChannelState;
  resolve: (value: undefined) => void;
  reject: (error: unknown) => void;
}

/** This process's copy of one channel. */
interface Copy {
  state: ChannelState;
  /** The version `state` is at. */
  version: number;
  queue: Array<Op | ReplaceOp>;
  draining: boolean;
  idle: Array<() => void>;
  /** Bytes of log folded in or written since the last snapshot this process knows of. */
  logBytes: number;
  snapshotBytes: number;
  snapshotting: boolean;
  /** The `tick` at which the query behind `state` was sent: every commit acknowledged before it is in. */
  syncedAt: number;
  /** Version of the channel's fault rules last seen. */
  faultsVersion: number;
  faultsFlight: { current?: Promise<void>; next?: Promise<void> };
}

export type FaultsListener = (channel: string, rules: unknown) => void;

interface Head {
  version: string;
  reset_version: string;
}

interface LogRow {
  version: string;
  changes: string;
}

/** Optimistic tries of a write batch before it takes the lock across round trips. */
const OPTIMISTIC_ATTEMPTS = 3;

const READ_SQL = `
  SELECT c.version, c.reset_version, l.version AS log_version, l.changes,
         (SELECT f.version FROM ax_sim_fault f WHERE f.channel = c.channel AND f.version > $3) AS faults_version,
         (SELECT f.rules FROM ax_sim_fault f WHERE f.channel = c.channel AND f.version > $3) AS faults
    FROM ax_sim_channel c
    LEFT JOIN ax_sim_change l ON l.channel = c.channel AND l.version > $2
   WHERE c.channel = $1
   ORDER BY l.version`;

/** A new snapshot replaces the old one unless a newer one (or a reset after it) is there already. */
const SNAPSHOT_SQL = `
  WITH old AS (SELECT snapshot_version AS v FROM ax_sim_channel WHERE channel = $1),
       written AS (
         UPDATE ax_sim_channel SET snapshot = $2, snapshot_version = $3
          WHERE channel = $1 AND snapshot_version < $3 AND reset_version <= $3
         RETURNING 1)
  DELETE FROM ax_sim_change
   WHERE channel = $1 AND version <= (SELECT v FROM old) AND EXISTS (SELECT 1 FROM written)`;

export class PgStore implements Store {
  readonly pool: pg.Pool;
  private readonly copies = new Map<string, Copy>();
  private readonly listeners: StoreListener[] = [];
  private readonly faultListeners: FaultsListener[] = [];
  /**
   * A logical clock of request arrivals and query sends. A request's reads need the state as of a query
   * sent after it arrived; one such query serves every request that arrived before it was sent.
   */
  private tick = 0;
  private readonly arrivals = new AsyncLocalStorage<number>();
  private readonly snapshotMin: number;
  private readonly maxBatch: number;
  private migrated: Promise<void> | undefined;
  private closed = false;

  constructor(options: PgStoreOptions) {
    const statementTimeout = options.statementTimeoutMs ?? 5_000;
    this.snapshotMin = options.snapshotBytes ?? 1024 * 1024;
    this.maxBatch = options.maxBatch ?? 500;
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 4,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 3_000,
      statement_timeout: statementTimeout,
      // The client gives up a little after the server should have: a dead connection never hangs a request.
      query_timeout: statementTimeout + 1_000,
      idle_in_transaction_session_timeout: statementTimeout * 2,
      lock_timeout: statementTimeout,
      keepAlive: true,
      application_name: 'ax-sim',
    });
    // A pooled idle connection that PostgreSQL drops (restart, failover) errors here; the pool discards
    // it and opens a new one on the next request.
    this.pool.on('error', () => {});
  }

  /** Names a channel in start-up errors. */
  describe(channel: string): string {
    return `channel ${channel} in PostgreSQL`;
  }

  watch(listener: StoreListener): void {
    this.listeners.push(listener);
  }

  /** Hears of fault rules another instance stored (as stored: a list `FaultRules.replace` accepts). */
  watchFaults(listener: FaultsListener): void {
    this.faultListeners.push(listener);
  }

  /**
   * Runs the rest of a request (`next`) marked with its arrival, so that its first sync (the fault
   * check) also serves its reads: one query per request, not two.
   */
  enter(next: () => void): void {
    this.arrivals.run(++this.tick, next);
  }

  /** Resolves once the channel's copy (and its fault rules) hold every commit acknowledged before now. */
  sync(channel: string): Promise<void> {
    return this.transact(channel, () => undefined, { read: true });
  }

  /**
   * Brings only the channel's fault rules up to date (for a write, whose own transaction catches the
   * state up under the lock): one query outside the channel's queue, shared by the callers that arrive
   * while none is on its way; a caller arriving while one is, waits for the next.
   */
  syncFaults(channel: string): Promise<void> {
    const copy = this.copyOf(channel);
    const flight = copy.faultsFlight;
    if (flight.next) return flight.next;
    if (!flight.current) {
      flight.current = (async () => {
        const { rows } = await this.query<{ version: string; rules: unknown }>(
          'SELECT version, rules FROM ax_sim_fault WHERE channel = $1 AND version > $2',
          [channel, copy.faultsVersion],
        );
        if (rows[0]) this.foldFaults(channel, copy, rows[0].version, rows[0].rules);
      })().finally(() => {
        flight.current = undefined;
      });
      return flight.current;
    }
    flight.next = flight.current
      .catch(() => {})
      .then(() => {
        flight.next = undefined;
        return this.syncFaults(channel);
      });
    return flight.next;
  }

  /** Stores the channel's fault rules for every instance. */
  async setFaults(channel: string, rules: unknown): Promise<void> {
    const { rows } = await this.query<{ version: string }>(
      `INSERT INTO ax_sim_fault (channel, version, rules) VALUES ($1, 1, $2)
       ON CONFLICT (channel) DO UPDATE SET version = ax_sim_fault.version + 1, rules = EXCLUDED.rules
       RETURNING version`,
      [channel, JSON.stringify(rules)],
    );
    const copy = this.copies.get(channel);
    if (copy) copy.faultsVersion = Math.max(copy.faultsVersion, Number(rows[0]!.version));
  }

  async open(channel: string, init: () => ChannelState): Promise<void> {
    await this.migrate();
    if (this.copies.has(channel)) return;
    const state = init();
    await this.query(
      `INSERT INTO ax_sim_channel (channel, version, reset_version, snapshot, snapshot_version)
       VALUES ($1, 1, 1, $2, 1) ON CONFLICT (channel) DO NOTHING`,
      [channel, JSON.stringify(state)],
    );
    const copy: Copy = {
      state: adoptState(state),
      version: 0,
      queue: [],
      draining: false,
      idle: [],
      logBytes: 0,
      snapshotBytes: 0,
      snapshotting: false,
      syncedAt: 0,
      faultsVersion: 0,
      faultsFlight: {},
    };
    await this.reload(channel, copy);
    this.copies.set(channel, copy);
  }

  transact<T>(channel: string, fn: (tx: Transaction) => T, options?: TransactOptions): Promise<T> {
    const copy = this.copyOf(channel);
    return new Promise<T>((resolve, reject) => {
      copy.queue.push({
        kind: 'tx',
        fn,
        read: options?.read === true,
        arrived: this.arrivals.getStore() ?? Number.POSITIVE_INFINITY,
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      this.drain(channel, copy);
    });
  }

  replace(channel: string, state: ChannelState): Promise<void> {
    const copy = this.copyOf(channel);
    return new Promise<void>((resolve, reject) => {
      copy.queue.push({ kind: 'replace', state, resolve: resolve as (v: undefined) => void, reject });
      this.drain(channel, copy);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(
      [...this.copies.values()].map(
        (copy) =>
          new Promise<void>((resolve) => {
            if (!copy.draining && copy.queue.length === 0) resolve();
            else copy.idle.push(resolve);
          }),
      ),
    );
    await this.pool.end();
  }

  private migrate(): Promise<void> {
    this.migrated ??= (async () => {
      const client = await this.connect();
      try {
        await migrate(client);
        client.release();
      } catch (error) {
        client.release(true);
        throw toStoreError(error);
      }
    })();
    // A failed attempt (database not there yet) is tried again by the next open.
    this.migrated.catch(() => {
      this.migrated = undefined;
    });
    return this.migrated;
  }

  /** One batch at a time per channel; whatever arrives meanwhile waits and goes in the next one. */
  private drain(channel: string, copy: Copy): void {
    if (copy.draining) return;
    copy.draining = true;
    void (async () => {
      while (copy.queue.length > 0) {
        const first = copy.queue[0]!;
        if (first.kind === 'replace') {
          copy.queue.shift();
          await this.replaceNow(channel, copy, first);
          continue;
        }
        let n = 0;
        while (n < copy.queue.length && n < this.maxBatch && copy.queue[n]!.kind === 'tx') n++;
        const ops = copy.queue.splice(0, n) as Op[];
        if (ops.every((op) => op.read)) await this.readBatch(channel, copy, ops);
        else await this.write(channel, copy, ops);
        this.maybeSnapshot(channel, copy);
      }
      copy.draining = false;
      for (const resolve of copy.idle.splice(0)) resolve();
    })();
  }

  /**
   * Reads: fold in what other processes committed (one query, no lock), then run them. Should one of
   * them apply changes after all — supplier actions that fell due — they are taken back and the batch
   * runs again as a write.
   */
  private async readBatch(channel: string, copy: Copy, ops: Op[]): Promise<void> {
    try {
      // Fresh enough already when every request arrived before the last query was sent.
      if (!ops.every((op) => op.arrived < copy.syncedAt)) await this.catchUp(channel, copy);
    } catch (error) {
      for (const op of ops) op.reject(toStoreError(error));
      return;
    }
    const run = this.runOps(copy, ops);
    if (run.tx.applied.length === 0) {
      run.settle();
      return;
    }
    this.undo(channel, copy, run.tx);
    await this.write(channel, copy, ops);
  }

  /** A few optimistic attempts (`tryBatch`), then the locked way, which cannot be overtaken. */
  private async write(channel: string, copy: Copy, ops: Op[]): Promise<void> {
    for (let attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
      if (await this.tryBatch(channel, copy, ops)) return;
    }
    await this.writeBatch(channel, copy, ops);
  }

  /** One query, no lock: the log after this copy's version, and newer fault rules. */
  private async catchUp(channel: string, copy: Copy): Promise<void> {
    const sent = ++this.tick;
    {
      const { rows } = await this.query<
        Head & {
          log_version: string | null;
          changes: string | null;
          faults_version: string | null;
          faults: unknown;
        }
      >(READ_SQL, [channel, copy.version, copy.faultsVersion]);
      const head = rows[0];
      if (!head) throw new StoreError(this.describe(channel), 'the channel has no row');
      if (head.faults_version !== null) this.foldFaults(channel, copy, head.faults_version, head.faults);
      const log: LogRow[] = [];
      for (const r of rows)
        if (r.log_version !== null) log.push({ version: r.log_version, changes: r.changes! });
      if (!this.foldIn(channel, copy, head, log)) {
        await this.reload(channel, copy);
      }
    }
    copy.syncedAt = sent;
  }

  private foldFaults(channel: string, copy: Copy, version: string, rules: unknown): void {
    if (Number(version) <= copy.faultsVersion) return;
    copy.faultsVersion = Number(version);
    for (const listener of this.faultListeners) listener(channel, rules);
  }

  /**
   * Writes optimistically: run the requests on the copy as it is, then in one round trip lock the row
   * and append their version only if the channel is still at the copy's version — exactly as if they had
   * run under the lock, which is held only while PostgreSQL executes, never across a round trip. True
   * when the batch is settled (committed, or refused by a database failure). False when another instance
   * had written meanwhile: nothing is kept, what it wrote (returned by the same round trip) is folded
   * in, and the batch may be tried again.
   */
  private async tryBatch(channel: string, copy: Copy, ops: Op[]): Promise<boolean> {
    let client: pg.PoolClient;
    try {
      client = await this.connect();
    } catch (error) {
      for (const op of ops) op.reject(toStoreError(error));
      return true;
    }
    const run = this.runOps(copy, ops);
    const name = client.escapeLiteral(channel);
    const at = copy.version;
    const next = at + 1;
    const text = run.tx.applied.length > 0 ? JSON.stringify(run.tx.applied) : undefined;
    const append = text
      ? `INSERT INTO ax_sim_change (channel, version, changes)
           SELECT channel, ${next}, ${quote(text)} FROM ax_sim_channel WHERE channel = ${name} AND version = ${at};
         UPDATE ax_sim_channel SET version = ${next} WHERE channel = ${name} AND version = ${at};`
      : '';
    const sent = ++this.tick;
    let results: pg.QueryResult[];
    try {
      results = (await client.query(
        `BEGIN; SELECT version, reset_version FROM ax_sim_channel WHERE channel = ${name} FOR UPDATE;
         SELECT version, rules FROM ax_sim_fault WHERE channel = ${name} AND version > ${copy.faultsVersion};
         SELECT version, changes FROM ax_sim_change WHERE channel = ${name} AND version > ${at} ORDER BY version;
         ${append} COMMIT`,
      )) as unknown as pg.QueryResult[];
      client.release();
    } catch (error) {
      client.release(true);
      this.undo(channel, copy, run.tx);
      for (const op of ops) op.reject(toStoreError(error));
      return true;
    }
    const head = results[1]!.rows[0] as Head | undefined;
    const faults = results[2]!.rows[0] as { version: string; rules: unknown } | undefined;
    if (faults) this.foldFaults(channel, copy, faults.version, faults.rules);
    if (!head || Number(head.version) !== at) {
      this.undo(channel, copy, run.tx);
      try {
        if (!head) throw new StoreError(this.describe(channel), 'the channel has no row');
        if (!this.foldIn(channel, copy, head, results[3]!.rows as LogRow[])) await this.reload(channel, copy);
      } catch (error) {
        for (const op of ops) op.reject(toStoreError(error));
        return true;
      }
      return false;
    }
    if (text) {
      copy.version = next;
      copy.logBytes += text.length;
    }
    copy.syncedAt = sent;
    run.settle();
    return true;
  }

  /** Writes: lock the channel's row, fold in, run every waiting request, append one version, commit. */
  private async writeBatch(channel: string, copy: Copy, ops: Op[]): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.connect();
    } catch (error) {
      for (const op of ops) op.reject(toStoreError(error));
      return;
    }
    const name = client.escapeLiteral(channel);
    let run: ReturnType<PgStore['runOps']> | undefined;
    const sent = ++this.tick;
    try {
      const results = (await client.query(
        `BEGIN; SELECT version, reset_version FROM ax_sim_channel WHERE channel = ${name} FOR UPDATE;
         SELECT version, changes FROM ax_sim_change WHERE channel = ${name} AND version > ${copy.version} ORDER BY version;
         SELECT version, rules FROM ax_sim_fault WHERE channel = ${name} AND version > ${copy.faultsVersion}`,
      )) as unknown as pg.QueryResult[];
      const faults = results[3]!.rows[0] as { version: string; rules: unknown } | undefined;
      if (faults) this.foldFaults(channel, copy, faults.version, faults.rules);
      const head = results[1]!.rows[0] as Head | undefined;
      if (!head) throw new StoreError(this.describe(channel), 'the channel has no row');
      if (!this.foldIn(channel, copy, head, results[2]!.rows as LogRow[])) {
        await this.reload(channel, copy, client);
      }
      run = this.runOps(copy, ops);
      if (run.tx.applied.length === 0) {
        await client.query('COMMIT');
      } else {
        const next = copy.version + 1;
        const text = JSON.stringify(run.tx.applied);
        await client.query(
          `INSERT INTO ax_sim_change (channel, version, changes) VALUES (${name}, ${next}, ${quote(text)});
           UPDATE ax_sim_channel SET version = ${next} WHERE channel = ${name}; COMMIT`,
        );
        copy.version = next;
        copy.logBytes += text.length;
      }
      copy.syncedAt = sent;
      client.release();
    } catch (error) {
      // Dropping the connection rolls back whatever it had begun. Should COMMIT itself have been lost on
      // the way, the version is folded in from the log later like anyone else's: never applied twice.
      client.release(true);
      if (run) this.undo(channel, copy, run.tx);
      for (const op of ops) op.reject(toStoreError(error));
      return;
    }
    run.settle();
  }

  private async replaceNow(channel: string, copy: Copy, op: ReplaceOp): Promise<void> {
    const text = JSON.stringify(op.state);
    let client: pg.PoolClient;
    try {
      client = await this.connect();
    } catch (error) {
      op.reject(toStoreError(error));
      return;
    }
    try {
      const name = client.escapeLiteral(channel);
      const results = (await client.query(
        `BEGIN;
         UPDATE ax_sim_channel
            SET version = version + 1, reset_version = version + 1, snapshot = ${quote(text)},
                snapshot_version = version + 1
          WHERE channel = ${name} RETURNING version;
         DELETE FROM ax_sim_change WHERE channel = ${name}; COMMIT`,
      )) as unknown as pg.QueryResult[];
      const row = results[1]!.rows[0] as { version: string } | undefined;
      if (!row) throw new StoreError(this.describe(channel), 'the channel has no row');
      client.release();
      copy.state = adoptState(op.state);
      copy.version = Number(row.version);
      copy.logBytes = 0;
      copy.snapshotBytes = text.length;
      op.resolve(undefined);
    } catch (error) {
      client.release(true);
      op.reject(toStoreError(error));
    }
  }

  /**
   * Applies the log rows after this copy's version. False when they cannot bring it up to `head`: a reset
   * or import happened since, or the rows it needs were folded into a snapshot and deleted.
   */
  private foldIn(channel: string, copy: Copy, head: Head, rows: LogRow[]): boolean {
    const latest = Number(head.version);
    if (Number(head.reset_version) > copy.version || latest < copy.version) return false;
    if (latest === copy.version) return true;
    if (rows.length < latest - copy.version || Number(rows[0]!.version) !== copy.version + 1) return false;
    for (const row of rows) {
      if (Number(row.version) > latest) break;
      const changes = JSON.parse(row.changes) as Change[];
      applyChanges(copy.state, changes);
      copy.logBytes += row.changes.length;
      this.emit(channel, { kind: 'changes', changes });
    }
    copy.version = latest;
    return true;
  }

  /** The snapshot and the log after it, read at one point in time (inside a held lock, or repeatable read). */
  private async reload(channel: string, copy: Copy, locked?: pg.PoolClient): Promise<void> {
    const client = locked ?? (await this.connect());
    const name = client.escapeLiteral(channel);
    const select = `SELECT snapshot, snapshot_version FROM ax_sim_channel WHERE channel = ${name};
       SELECT l.version, l.changes FROM ax_sim_change l, ax_sim_channel c
        WHERE c.channel = ${name} AND l.channel = c.channel AND l.version > c.snapshot_version ORDER BY l.version`;
    let results: pg.QueryResult[];
    try {
      results = locked
        ? ((await client.query(select)) as unknown as pg.QueryResult[])
        : (
            (await client.query(
              `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; ${select}; COMMIT`,
            )) as unknown as pg.QueryResult[]
          ).slice(1);
      if (!locked) (client as pg.PoolClient).release();
    } catch (error) {
      if (!locked) (client as pg.PoolClient).release(true);
      throw error;
    }
    const head = results[0]!.rows[0] as { snapshot: string; snapshot_version: string } | undefined;
    if (!head) throw new StoreError(this.describe(channel), 'the channel has no row');
    const state = adoptState(JSON.parse(head.snapshot) as ChannelState);
    let version = Number(head.snapshot_version);
    let bytes = 0;
    for (const row of results[1]!.rows as LogRow[]) {
      applyChanges(state, JSON.parse(row.changes) as Change[]);
      version = Number(row.version);
      bytes += row.changes.length;
    }
    copy.state = state;
    copy.version = version;
    copy.logBytes = bytes;
    copy.snapshotBytes = head.snapshot.length;
    this.emit(channel, { kind: 'replaced', state });
  }

  /**
   * Runs each request's function on the copy, recording how to take its changes back. A function that
   * throws keeps what it applied before throwing (each `apply` is one complete step) and gets its error.
   */
  private runOps(copy: Copy, ops: Op[]) {
    const tx = new RecordingTransaction(copy.state);
    const outcomes = ops.map((op) => tx.run(op.fn));
    return {
      tx,
      settle: () => {
        ops.forEach((op, i) => {
          const outcome = outcomes[i]!;
          if (outcome.ok) op.resolve(outcome.value);
          else op.reject(outcome.error);
        });
      },
    };
  }

  /**
   * Takes back the changes of a batch that was never committed, newest first, and tells the listeners.
   * The undo list is built only here: a committed batch never pays for it.
   */
  private undo(channel: string, copy: Copy, tx: RecordingTransaction): void {
    if (tx.applied.length === 0) return;
    const undo = tx.undoChanges();
    applyChanges(copy.state, undo);
    this.emit(channel, { kind: 'changes', changes: undo });
  }

  /**
   * Once the log since the last snapshot outweighs the snapshot, a new one is written (outside any lock,
   * in the background) and the log before the previous one deleted: a write's cost and a start-up's stay
   * bounded by the state's size, not its history. Rows are kept one snapshot back, so a process slightly
   * behind still folds in rows instead of reloading.
   */
  private maybeSnapshot(channel: string, copy: Copy): void {
    if (copy.snapshotting || this.closed) return;
    if (copy.logBytes < Math.max(this.snapshotMin, copy.snapshotBytes)) return;
    const text = JSON.stringify(copy.state);
    copy.snapshotting = true;
    copy.logBytes = 0;
    copy.snapshotBytes = text.length;
    this.query(SNAPSHOT_SQL, [channel, text, copy.version])
      .catch(() => {})
      .finally(() => {
        copy.snapshotting = false;
      });
  }

  private emit(channel: string, event: StoreEvent): void {
    for (const listener of this.listeners) listener(channel, event);
  }

  private async query<R extends pg.QueryResultRow>(text: string, values: unknown[]) {
    try {
      return await this.pool.query<R>(text, values);
    } catch (error) {
      throw toStoreError(error);
    }
  }

  private async connect(): Promise<pg.PoolClient> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw toStoreError(error);
    }
    // A connection dropped while checked out fails its query; the event itself must not end the process.
    if (!guarded.has(client)) {
      guarded.add(client);
      client.on('error', () => {});
    }
    return client;
  }

  private copyOf(channel: string): Copy {
    const copy = this.copies.get(channel);
    if (!copy) throw new StoreError(channel, 'channel was not opened');
    return copy;
  }
}

const guarded = new WeakSet<pg.PoolClient>();

/**
 * A string as an SQL literal for multi-statement text (the extended protocol takes one statement per
 * round trip). An E'…' literal reads backslashes as escapes whatever `standard_conforming_strings`
 * says; two native replaces instead of the driver's character-by-character `escapeLiteral`, which costs
 * more than the rest of a batch on the ~100 KB of a large batch's changes.
 */
function quote(text: string): string {
  return `E'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** Every failure to reach or use the database is the store's: the request gets the vendor's 503. */
function toStoreError(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StoreError('postgres', message || 'database unavailable', { cause: error });
}

/** `postgres://…` or `postgresql://…`: a database, not a folder. */
export function isPostgresUrl(data: string): boolean {
  return /^postgres(ql)?:\/\//i.test(data);
}
