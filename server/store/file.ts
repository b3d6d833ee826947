import { existsSync, mkdirSync, readFileSync, renameSync, statSync, truncateSync, unlinkSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import path from 'node:path';
import { LowSync } from 'lowdb';
import { DataFileSync } from 'lowdb/node';
import { stateOutlineProblems } from '../domain/state-schema.ts';
import type { Change, ChannelState } from '../domain/types.ts';
import { type DecodedJournal, decodeJournal, encodeRecord, type JournalRecord } from './journal.ts';
import { MemoryStore } from './memory.ts';
import { writeSnapshotFile } from './snapshot.ts';
import { adoptState, applyChanges, StoreError } from './store.ts';

const SNAPSHOT_FORMAT = 'ax-sim-channel/1';

interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  /** The last journal step this snapshot holds. */
  seq: number;
  state: ChannelState;
}

export interface FileStoreOptions {
  dir: string;
  /**
   * Fold the journal into a new snapshot once it grows past this many bytes — and past the size of the
   * last snapshot, so that the snapshot's cost (proportional to the state) is paid once per as many
   * journal bytes, and a write's amortised cost does not grow with history.
   */
  compactBytes?: number;
}

/**
 * The embedded default store: per channel, a JSON snapshot (`<channel>.json`, lowdb's one-document file
 * format) plus an append-only journal (`<channel>.journal`).
 *
 * Why a journal: lowdb rewrites the whole file on every write, so its cost grows with the channel's
 * history. Here a commit appends one line; the commits that arrive while a write is on its way share the
 * next write and its fsync (group commit), and each caller is answered only once its line is on disk.
 * When the journal has grown (past `compactBytes` and past the last snapshot's size), it is rotated and
 * folded into a fresh snapshot in the background, written a chunk at a time so that requests are still
 * answered meanwhile (snapshot.ts; lowdb's writer would serialise the whole state in one go); start-up
 * loads the snapshot and replays what the journals hold beyond it.
 */
export class FileStore extends MemoryStore {
  private readonly dir: string;
  private readonly compactBytes: number;
  private readonly files = new Map<string, ChannelFiles>();

  constructor(options: FileStoreOptions) {
    super();
    this.dir = path.resolve(options.dir);
    this.compactBytes = options.compactBytes ?? 16 * 1024 * 1024;
    if (statSync(this.dir, { throwIfNoEntry: false })?.isDirectory() === false) {
      throw new StoreError(
        this.dir,
        `is a file, not a folder: --data takes a folder (or :memory:).${NEVER_OVERWRITE}`,
      );
    }
    mkdirSync(this.dir, { recursive: true });
  }

  /** The snapshot file of a channel, for messages. */
  fileOf(channel: string): string {
    return path.join(this.dir, `${channel}.json`);
  }

  override async open(channel: string, init: () => ChannelState): Promise<void> {
    if (this.files.has(channel)) return;
    const files = new ChannelFiles(this.fileOf(channel), this.compactBytes);
    const loaded = files.load();
    const state = loaded ?? adoptState(init());
    this.states.set(channel, state);
    await files.start(state, loaded === undefined);
    this.files.set(channel, files);
  }

  protected override persist(channel: string, changes: Change[]): Promise<void> {
    if (changes.length === 0) return this.filesOf(channel).settled();
    return this.filesOf(channel).append({ c: changes }, () => this.stateOf(channel));
  }

  protected override persistReplace(channel: string, state: ChannelState): Promise<void> {
    return this.filesOf(channel).append({ r: state }, () => this.stateOf(channel));
  }

  override async close(): Promise<void> {
    await Promise.all([...this.files.values()].map((f) => f.close()));
    this.files.clear();
  }

  private filesOf(channel: string): ChannelFiles {
    const files = this.files.get(channel);
    if (!files) throw new StoreError(channel, 'channel was not opened');
    return files;
  }
}

/** One channel's snapshot and journals, and its group-commit queue. */
class ChannelFiles {
  private readonly snapshotFile: string;
  private readonly journalFile: string;
  /** The previous journal, kept until the snapshot that folds it in is on disk. */
  private readonly rotatedFile: string;
  private readonly compactBytes: number;
  private seq = 0;
  private journal: FileHandle | undefined;
  private journalBytes = 0;
  /** Size of the last snapshot written or found (see FileStoreOptions.compactBytes). */
  private snapshotBytes = 0;
  private pending: string[] = [];
  private waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  private flushing: Promise<void> | undefined;
  private compacting: Promise<void> | undefined;
  private failure: unknown;

  constructor(snapshotFile: string, compactBytes: number) {
    this.snapshotFile = snapshotFile;
    this.journalFile = snapshotFile.replace(/\.json$/, '.journal');
    this.rotatedFile = `${this.journalFile}.1`;
    this.compactBytes = compactBytes;
  }

  /** Reads the snapshot and replays the journals. Undefined when the channel has no saved data. */
  load(): ChannelState | undefined {
    let state: ChannelState | undefined;
    if (existsSync(this.snapshotFile)) {
      const snapshot = this.readSnapshot();
      state = adoptState(snapshot.state);
      this.seq = snapshot.seq;
    }
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
    return state;
  }

  /** Opens the journal for appending; writes a first snapshot for a new channel or one with leftovers. */
  async start(state: ChannelState, created: boolean): Promise<void> {
    if (created || existsSync(this.rotatedFile)) {
      await this.writeSnapshot(state);
      if (existsSync(this.journalFile)) unlinkSync(this.journalFile);
      if (existsSync(this.rotatedFile)) unlinkSync(this.rotatedFile);
    } else {
      this.snapshotBytes = statSync(this.snapshotFile, { throwIfNoEntry: false })?.size ?? 0;
    }
    this.journal = await open(this.journalFile, 'a');
    this.journalBytes = (await this.journal.stat()).size;
  }

  append(record: { c: Change[] } | { r: ChannelState }, current: () => ChannelState): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    this.seq++;
    this.pending.push(encodeRecord({ q: this.seq, ...record } as JournalRecord));
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.flushing ??= this.flush(current);
    return done;
  }

  /** Resolves once everything appended so far is on disk (at once when nothing is on its way: reads). */
  settled(): Promise<void> {
    if (!this.flushing && !this.failure) return SETTLED;
    return this.whenSettled();
  }

  private async whenSettled(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    await this.settled().catch(() => {});
    await this.compacting;
    await this.journal?.close();
    this.journal = undefined;
  }

  private async flush(current: () => ChannelState): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.join('');
        const waiters = this.waiters;
        this.pending = [];
        this.waiters = [];
        try {
          const journal = this.journal;
          if (!journal) throw new StoreError(this.journalFile, 'journal is closed');
          await journal.write(batch);
          await journal.datasync();
          this.journalBytes += Buffer.byteLength(batch);
        } catch (error) {
          // The change is in memory but not on disk: stop accepting writes rather than answer for
          // something that a restart would lose.
          this.failure = new StoreError(this.journalFile, 'write failed; restart the simulator', {
            cause: error,
          });
          for (const w of [...waiters, ...this.waiters]) w.reject(this.failure);
          this.waiters = [];
          this.pending = [];
          return;
        }
        for (const w of waiters) w.resolve();
        const threshold = Math.max(this.compactBytes, this.snapshotBytes);
        if (this.journalBytes > threshold && !this.compacting) await this.rotate(current);
      }
    } finally {
      this.flushing = undefined;
    }
  }

  /**
   * Moves the journal aside and starts a new one, then writes a snapshot of the current state in the
   * background. Until that snapshot is on disk, start-up replays the rotated journal and the new one.
   */
  private async rotate(current: () => ChannelState): Promise<void> {
    // A rotated journal whose snapshot failed is still the only copy of its records: never overwrite it.
    // Keep appending to the current journal and try the snapshot again; it covers both journals.
    if (!existsSync(this.rotatedFile)) {
      await this.journal?.close();
      renameSync(this.journalFile, this.rotatedFile);
      this.journal = await open(this.journalFile, 'a');
      this.journalBytes = 0;
    }
    this.compacting = this.writeSnapshot(current())
      .then(() => unlinkSync(this.rotatedFile))
      .catch((error) => {
        // The rotated journal stays; start-up replays it. Try again at the next rotation.
        process.emitWarning(`snapshot of ${this.snapshotFile} failed: ${String(error)}`);
      })
      .finally(() => {
        this.compacting = undefined;
      });
  }

  /**
   * Captures the state and the sequence number now, then writes the snapshot a chunk at a time
   * (snapshot.ts): requests keep being answered while a large state is written.
   */
  private async writeSnapshot(state: ChannelState): Promise<void> {
    this.snapshotBytes = await writeSnapshotFile(
      this.snapshotFile,
      { format: SNAPSHOT_FORMAT, seq: this.seq },
      state,
    );
  }

  private readSnapshot(): Snapshot {
    let parsed: unknown;
    try {
      // lowdb reads the one-document file; snapshot.ts writes the same format a chunk at a time.
      const db = new LowSync<unknown>(
        new DataFileSync<unknown>(this.snapshotFile, { parse: JSON.parse, stringify: JSON.stringify }),
        null,
      );
      db.read();
      parsed = db.data;
    } catch (error) {
      throw new StoreError(
        this.snapshotFile,
        `cannot be read (${(error as Error).message}).${NEVER_OVERWRITE}`,
      );
    }
    const snapshot = parsed as Partial<Snapshot>;
    if (snapshot?.format !== SNAPSHOT_FORMAT || typeof snapshot.seq !== 'number') {
      throw new StoreError(this.snapshotFile, `is not an ${SNAPSHOT_FORMAT} snapshot.${NEVER_OVERWRITE}`);
    }
    const problems = stateOutlineProblems(snapshot.state);
    if (problems.length > 0) {
      throw new StoreError(
        this.snapshotFile,
        `is not an ${SNAPSHOT_FORMAT} snapshot (${problems.join('; ')}).${NEVER_OVERWRITE}`,
      );
    }
    return snapshot as Snapshot;
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
