import { existsSync, mkdirSync, readFileSync, statSync, truncateSync, unlinkSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { stateOutlineProblems } from '../domain/state-schema.ts';
import type { Change, ChannelState } from '../domain/types.ts';
import { type FileOps, nodeFileOps, syncFolder, writeAll } from './file-ops.ts';
import { type DecodedJournal, decodeJournal, encodeRecord, type JournalRecord } from './journal.ts';
import { type FolderLock, lockFolder } from './lock.ts';
import { CapturedState, SNAPSHOT_FORMAT, type Snapshot, SnapshotError, SnapshotFile } from './snapshot.ts';
import {
  adoptState,
  applyChanges,
  RecordingTransaction,
  type Store,
  StoreError,
  type Transaction,
} from './store.ts';

export interface FileStoreOptions {
  dir: string;
  /**
   * Fold the journal into a new snapshot once it grows past this many bytes — and past the size of the
   * last snapshot, so that the snapshot's cost (proportional to the state) is paid once per as many
   * journal bytes, and a write's amortised cost does not grow with history.
   */
  compactBytes?: number;
  /** The file operations of the write path; tests pass one that fails on purpose (faulty-files.ts). */
  fileOps?: FileOps;
}

/**
 * The embedded default store: per channel, a snapshot (`<channel>.json`, JSON Lines read and written
 * through lowdb by snapshot.ts) plus an append-only journal (`<channel>.journal`). One server per data
 * folder: the folder is locked while the store is open (lock.ts).
 *
 * Why a journal: lowdb rewrites the whole file on every write, so its cost grows with the channel's
 * history. Here a commit appends one line; the commits that arrive while a write is on its way share the
 * next write and its fsync (group commit), and each caller is answered only once every byte of its
 * batch is on disk and synced. When a write fails (a full disk), the batch's bytes are cut back off the
 * journal, its changes — and those of every commit made on top of them meanwhile — are undone in
 * memory, and all of those callers get the error (503): memory never holds what the disk does not, so
 * reads go on being answered and the next write simply tries again
 * (docs/decisions/003-failing-writes-and-bounds.md).
 *
 * When the journal has grown (past `compactBytes` and past the last snapshot's size), it is rotated and
 * folded into a fresh snapshot in the background, written a chunk at a time so that requests are still
 * answered meanwhile; start-up loads the snapshot and replays what the journals hold beyond it.
 */
export class FileStore implements Store {
  private readonly dir: string;
  private readonly compactBytes: number;
  private readonly ops: FileOps;
  private readonly files = new Map<string, ChannelFiles>();
  private lock: FolderLock | undefined;

  constructor(options: FileStoreOptions) {
    this.dir = path.resolve(options.dir);
    this.compactBytes = options.compactBytes ?? 16 * 1024 * 1024;
    this.ops = options.fileOps ?? nodeFileOps;
    if (statSync(this.dir, { throwIfNoEntry: false })?.isDirectory() === false) {
      throw new StoreError(
        this.dir,
        `is a file, not a folder: --data takes a folder (or :memory:).${NEVER_OVERWRITE}`,
      );
    }
    mkdirSync(this.dir, { recursive: true });
    this.lock = lockFolder(this.dir);
  }

  /** The snapshot file of a channel, for messages. */
  fileOf(channel: string): string {
    return path.join(this.dir, `${channel}.json`);
  }

  async open(channel: string, init: () => ChannelState): Promise<void> {
    if (this.files.has(channel)) return;
    const files = new ChannelFiles(this.fileOf(channel), this.compactBytes, this.ops);
    await files.open(init);
    this.files.set(channel, files);
  }

  /**
   * Runs `fn` on the channel's state, then answers once what it applied is in the journal and synced
   * (at once when it applied nothing and nothing is on its way). A write that fails has been undone
   * in memory by then.
   */
  transact<T>(channel: string, fn: (tx: Transaction) => T): Promise<T> {
    let files: ChannelFiles;
    try {
      files = this.filesOf(channel);
    } catch (error) {
      return Promise.reject(error);
    }
    return files.transact(fn);
  }

  replace(channel: string, state: ChannelState): Promise<void> {
    try {
      return this.filesOf(channel).replace(adoptState(state));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.files.values()].map((f) => f.close()));
    this.files.clear();
    this.lock?.release();
    this.lock = undefined;
  }

  /**
   * Lets go of the files and the folder lock at once, writing nothing more and waiting for nothing: what
   * a crash leaves on disk, for tests that restart from it within one process.
   */
  abandon(): void {
    for (const files of this.files.values()) files.abandon();
    this.files.clear();
    this.lock?.release();
    this.lock = undefined;
  }

  private filesOf(channel: string): ChannelFiles {
    const files = this.files.get(channel);
    if (!files) throw new StoreError(channel, 'channel was not opened');
    return files;
  }
}

interface PendingRecord {
  q: number;
  line: string;
  /**
   * What takes the record back should its batch fail: the transaction that applied its changes (it undoes
   * them on the state it applied them to), or the state its replacement put aside.
   */
  undo: RecordingTransaction | ChannelState;
}

interface Waiter {
  /** The waiter is answered once every record up to this step is durable (or rejected if one fails). */
  q: number;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * One channel: its state in memory, its snapshot and journals, and its group-commit queue. It owns the
 * state: transactions run on it here, and a commit's undo, a replacement and the capture a rotation
 * snapshots all act on `this.state` — nothing down the write path asks anyone else for it.
 */
class ChannelFiles {
  /** The channel's state: what is durable, plus the batches on their way to the disk. Set by `open`. */
  private state!: ChannelState;
  /**
   * The snapshot file as lowdb's database, read and written only through it. `data` is set only for the
   * instant a read or a write needs it (see writeSnapshot), so that no loaded, replaced or captured state
   * is kept alive by it.
   */
  private readonly db: Low<Snapshot | null>;
  private readonly snapshot: SnapshotFile;
  private readonly snapshotFile: string;
  private readonly journalFile: string;
  /** The previous journal, kept until the snapshot that folds it in is on disk. */
  private readonly rotatedFile: string;
  /** The next journal while it is being put in place (never holds a record: see rotate). */
  private readonly nextFile: string;
  private readonly compactBytes: number;
  private readonly ops: FileOps;
  /** The last step handed out, and the last step settled (on disk, or undone after a failed write). */
  private seq = 0;
  private durableSeq = 0;
  private journal: FileHandle | undefined;
  /** Bytes of the journal that hold whole, synced records. */
  private journalBytes = 0;
  /** Size of the last snapshot written or found (see FileStoreOptions.compactBytes). */
  private snapshotBytes = 0;
  private rotatedExists = false;
  private pending: PendingRecord[] = [];
  private waiters: Waiter[] = [];
  private flushing: Promise<void> | undefined;
  private compacting: Promise<void> | undefined;
  /** Set when the journal could not even be cut back: writes are refused until a restart. */
  private broken: StoreError | undefined;

  constructor(snapshotFile: string, compactBytes: number, ops: FileOps) {
    this.snapshotFile = snapshotFile;
    this.snapshot = new SnapshotFile(snapshotFile, { ops });
    this.db = new Low<Snapshot | null>(this.snapshot, null);
    this.journalFile = snapshotFile.replace(/\.json$/, '.journal');
    this.rotatedFile = `${this.journalFile}.1`;
    this.nextFile = `${this.journalFile}.new`;
    this.compactBytes = compactBytes;
    this.ops = ops;
  }

  /** Loads the saved state (or creates it with `init`) and opens the journal for appending. */
  async open(init: () => ChannelState): Promise<void> {
    const loaded = await this.load();
    this.state = loaded ?? adoptState(init());
    await this.start(this.state, loaded === undefined);
  }

  /**
   * Runs `fn` on the state and makes what it applied durable: one journal record, written with the others
   * of its batch. Answers `fn`'s result (or error) once that is done, or at once when it applied nothing
   * and nothing is on its way (see settled). Should the batch fail, its changes are taken back, newest
   * first, on the state they were applied to, and the caller gets the write's error.
   */
  transact<T>(fn: (tx: Transaction) => T): Promise<T> {
    const tx = new RecordingTransaction(this.state);
    const outcome = tx.run(fn);
    const durable = tx.applied.length === 0 ? this.settled() : this.append({ c: tx.applied }, tx);
    return outcome.ok ? durable.then(() => outcome.value) : durable.then(() => Promise.reject(outcome.error));
  }

  /** Replaces the whole state (reset, import); should its write fail, the previous one is put back. */
  replace(state: ChannelState): Promise<void> {
    const previous = this.state;
    this.state = state;
    return this.append({ r: state }, previous);
  }

  /** Reads the snapshot and replays the journals. Undefined when the channel has no saved data. */
  private async load(): Promise<ChannelState | undefined> {
    let state: ChannelState | undefined;
    const snapshot = await this.readSnapshot();
    if (snapshot) {
      state = adoptState(snapshot.state as ChannelState);
      this.seq = snapshot.seq;
    }
    // A next journal is put in place only once it is empty and the rotation's renames are durable; one
    // left over is an interrupted rotation that holds nothing.
    if (existsSync(this.nextFile)) unlinkSync(this.nextFile);
    for (const file of [this.rotatedFile, this.journalFile]) {
      if (!existsSync(file)) continue;
      const decoded = this.readJournal(file);
      for (const record of decoded.records) {
        if (record.q <= this.seq) continue;
        if ('r' in record) state = adoptState(record.r);
        else if (state) applyChanges(state, record.c);
        else throw new StoreError(file, 'journal has changes but no snapshot or reset before them');
        this.seq = record.q;
      }
    }
    this.durableSeq = this.seq;
    return state;
  }

  /**
   * Opens the journal for appending; writes a first snapshot for a new channel or one with leftovers.
   * A leftover rotated journal whose snapshot cannot be written now (a full disk) stays: start-up
   * replays it again next time, and the next rotation tries the snapshot again.
   */
  private async start(state: ChannelState, created: boolean): Promise<void> {
    this.rotatedExists = existsSync(this.rotatedFile);
    if (created || this.rotatedExists) {
      try {
        await this.writeSnapshot(state, this.durableSeq);
        if (existsSync(this.journalFile)) unlinkSync(this.journalFile);
        if (this.rotatedExists) unlinkSync(this.rotatedFile);
        this.rotatedExists = false;
      } catch (error) {
        // A new channel needs its first snapshot (its journal has nothing to build on).
        if (created)
          throw new StoreError(this.snapshotFile, `cannot be written (${(error as Error).message})`);
        process.emitWarning(`snapshot of ${this.snapshotFile} failed, kept the journals: ${String(error)}`);
      }
    }
    if (!created && this.snapshotBytes === 0) {
      this.snapshotBytes = statSync(this.snapshotFile, { throwIfNoEntry: false })?.size ?? 0;
    }
    this.journal = await this.ops.open(this.journalFile, 'a');
    this.journalBytes = (await this.journal.stat()).size;
  }

  private append(record: { c: Change[] } | { r: ChannelState }, undo: PendingRecord['undo']): Promise<void> {
    if (this.broken) {
      this.undo(undo);
      return Promise.reject(this.broken);
    }
    this.seq++;
    const q = this.seq;
    this.pending.push({ q, line: encodeRecord({ q, ...record } as JournalRecord), undo });
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ q, resolve, reject }));
    this.flushing ??= this.flush();
    return done;
  }

  /**
   * Resolves once everything appended so far is on disk — at once when nothing is on its way, as for
   * most reads. A read that saw changes still on their way is answered with them only if they reach the
   * disk; if their write fails it fails too, since what it saw has been undone.
   */
  private settled(): Promise<void> {
    if (this.seq === this.durableSeq) return SETTLED;
    return new Promise<void>((resolve, reject) => this.waiters.push({ q: this.seq, resolve, reject }));
  }

  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
    await this.compacting;
    await this.journal?.close().catch(() => {});
    this.journal = undefined;
  }

  abandon(): void {
    this.broken = new StoreError(this.journalFile, 'store was abandoned');
    const journal = this.journal;
    this.journal = undefined;
    journal?.close().catch(() => {});
  }

  /**
   * Writes the pending records in batches until none is left. When the journal is due for rotation, the
   * state is captured as a batch is taken — at that instant memory holds exactly what is durable plus
   * that batch — and the snapshot is written from it only if the batch reaches the disk: a snapshot
   * never holds a change that a failed write undid.
   */
  private async flush(): Promise<void> {
    try {
      let rotated = false;
      for (;;) {
        while (this.pending.length > 0) {
          const batch = this.pending;
          this.pending = [];
          const capture = this.rotationDue() ? new CapturedState(this.state) : undefined;
          const journal = this.journal;
          try {
            if (!journal) throw new Error('journal is closed');
            await writeAll(journal, Buffer.from(batch.map((r) => r.line).join(''), 'utf8'));
            await journal.datasync();
          } catch (error) {
            await this.fail(batch, error);
            continue;
          }
          this.journalBytes += batch.reduce((n, r) => n + Buffer.byteLength(r.line), 0);
          this.durableSeq = batch[batch.length - 1]!.q;
          this.answer();
          if (capture) {
            rotated = true;
            await this.rotate(capture, this.durableSeq);
          }
        }
        // Nothing pending: memory is what is durable. One rotation attempt per flush at most.
        if (rotated || !this.rotationDue()) break;
        rotated = true;
        await this.rotate(new CapturedState(this.state), this.durableSeq);
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private rotationDue(): boolean {
    return !this.compacting && this.journalBytes > Math.max(this.compactBytes, this.snapshotBytes);
  }

  /** Resolves the waiters whose records are all durable. */
  private answer(): void {
    const waiting: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.q <= this.durableSeq) w.resolve();
      else waiting.push(w);
    }
    this.waiters = waiting;
  }

  /**
   * A batch did not reach the disk whole. Cuts the journal back to its last whole record, undoes in
   * memory the batch and everything committed on top of it since, and fails all of their callers:
   * nothing is acknowledged that a restart would not find, and nothing stays in memory that is not on
   * disk. Writes are tried again from the next commit on — when space comes back, they succeed.
   */
  private async fail(batch: PendingRecord[], cause: unknown): Promise<void> {
    const undone = [...batch, ...this.pending];
    this.pending = [];
    for (let i = undone.length - 1; i >= 0; i--) this.undo(undone[i]!.undo);
    // Step numbers are never handed out twice: should a refused record survive after all (its bytes
    // reached the disk although the write failed), a later record still replays after it. Every step
    // so far is settled now — on disk or undone.
    this.durableSeq = this.seq;
    const error = new StoreError(
      this.journalFile,
      `write failed (${(cause as Error).message}); nothing of it was kept`,
      { cause },
    );
    const waiters = this.waiters;
    this.waiters = [];
    try {
      if (!this.journal) throw new Error('journal is closed');
      await this.journal.truncate(this.journalBytes);
    } catch (truncateError) {
      // The journal may end in a torn record (start-up drops it) or a whole one that was answered as
      // failed: appending after it could reuse its step number. Refuse writes until a restart.
      this.broken = new StoreError(
        this.journalFile,
        `write failed and the journal could not be cut back (${(truncateError as Error).message}); restart the simulator`,
        { cause: truncateError },
      );
    }
    // The cut need not be synced now: the next batch's fsync makes it durable with that batch.
    await this.journal?.datasync().catch(() => {});
    for (const w of waiters) w.reject(error);
  }

  /**
   * Takes back one record that did not reach the disk. Records are taken back newest first, so each finds
   * the state as it left it: a replacement on top of a commit puts the state back on which the commit's
   * changes are then undone.
   */
  private undo(undo: PendingRecord['undo']): void {
    if (undo instanceof RecordingTransaction) applyChanges(undo.state, undo.undoChanges());
    else this.state = undo;
  }

  /**
   * Moves the journal aside and starts a new one, then writes a snapshot of the current state in the
   * background. Until that snapshot is on disk, start-up replays the rotated journal and the new one.
   * The new journal is created first (as `.journal.new`) and renamed into place only after the old one
   * is aside, the folder synced before any record goes into it: a failure at any step leaves the old
   * journal in use (and nothing lost), a crash leaves at most an empty `.journal.new`.
   */
  private async rotate(capture: CapturedState, seq: number): Promise<void> {
    // A rotated journal whose snapshot failed is still the only copy of its records: never overwrite it.
    // Keep appending to the current journal and try the snapshot again; it covers both journals.
    if (!this.rotatedExists) {
      try {
        await this.putNextJournalInPlace();
      } catch (error) {
        process.emitWarning(`rotation of ${this.journalFile} failed, kept appending: ${String(error)}`);
        return;
      }
    }
    this.compacting = this.writeSnapshot(capture, seq)
      .then(async () => {
        await this.ops.unlink(this.rotatedFile);
        this.rotatedExists = false;
      })
      .catch((error) => {
        // The rotated journal stays; start-up replays it. Try again at the next rotation.
        process.emitWarning(`snapshot of ${this.snapshotFile} failed: ${String(error)}`);
      })
      .finally(() => {
        this.compacting = undefined;
      });
  }

  private async putNextJournalInPlace(): Promise<void> {
    const next = await this.ops.open(this.nextFile, 'a');
    const folder = path.dirname(this.journalFile);
    try {
      await this.ops.rename(this.journalFile, this.rotatedFile);
    } catch (error) {
      await next.close().catch(() => {});
      await this.ops.unlink(this.nextFile).catch(() => {});
      throw error;
    }
    try {
      await this.ops.rename(this.nextFile, this.journalFile);
    } catch (error) {
      // Put the old journal back where start-up and the next rotation look for it.
      await next.close().catch(() => {});
      try {
        await this.ops.rename(this.rotatedFile, this.journalFile);
      } catch {
        // The old journal stays as the rotated one, where start-up replays it; keep appending to it.
        this.rotatedExists = true;
      }
      await this.ops.unlink(this.nextFile).catch(() => {});
      throw error;
    }
    await syncFolder(this.ops, folder);
    const old = this.journal;
    this.journal = next;
    this.journalBytes = 0;
    this.rotatedExists = true;
    await old?.close().catch(() => {});
  }

  /**
   * Writes the state (or a capture of it taken earlier) and the sequence number as the snapshot, through
   * lowdb and the JSON Lines adapter, a chunk at a time: requests keep being answered while a large state
   * is written. `Low.write` hands `data` to the adapter as it begins, so `data` is let go at once.
   */
  private async writeSnapshot(state: ChannelState | CapturedState, seq: number): Promise<void> {
    this.db.data = { format: SNAPSHOT_FORMAT, seq, state };
    const writing = this.db.write();
    this.db.data = null;
    await writing;
    this.snapshotBytes = this.snapshot.bytes;
  }

  /** Reads the snapshot through lowdb, a record at a time (the adapter streams it); undefined: none. */
  private async readSnapshot(): Promise<Snapshot | undefined> {
    const db = this.db;
    try {
      await db.read();
    } catch (error) {
      const what =
        error instanceof SnapshotError
          ? `is not an ${SNAPSHOT_FORMAT} snapshot (${error.message})`
          : `cannot be read (${(error as Error).message})`;
      throw new StoreError(this.snapshotFile, `${what}.${NEVER_OVERWRITE}`);
    }
    const snapshot = db.data;
    db.data = null;
    if (!snapshot) return undefined;
    const problems = stateOutlineProblems(snapshot.state);
    if (problems.length > 0) {
      throw new StoreError(
        this.snapshotFile,
        `is not an ${SNAPSHOT_FORMAT} snapshot (${problems.join('; ')}).${NEVER_OVERWRITE}`,
      );
    }
    this.snapshotBytes = statSync(this.snapshotFile).size;
    return snapshot;
  }

  private readJournal(file: string): DecodedJournal {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      throw new StoreError(file, `cannot be read (${(error as Error).message}).${NEVER_OVERWRITE}`);
    }
    const decoded = decodeJournal(bytes);
    if (decoded.corruptLine !== undefined) {
      throw new StoreError(
        file,
        `line ${decoded.corruptLine} is damaged (neither a checksummed record nor the torn end of one).${NEVER_OVERWRITE}`,
      );
    }
    // A torn tail is the half-written last line of a crash: that write was never acknowledged.
    if (decoded.validBytes < bytes.length) truncateSync(file, decoded.validBytes);
    return decoded;
  }
}

const SETTLED = Promise.resolve();

const NEVER_OVERWRITE =
  ' The simulator does not overwrite data it cannot read: move the file away (or use another --data folder) and start again.';
