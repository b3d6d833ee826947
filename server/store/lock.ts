import { closeSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { StoreError } from './store.ts';

/**
 * One writer per data folder (docs/decisions/002-data-folder-lock.md). Two servers on one folder would
 * each replay the journal, hand out the same sequence numbers and overwrite each other's snapshots:
 * acknowledged writes vanish without an error. So the store takes `<folder>/.lock`, created exclusively,
 * recording who holds it — pid, the process's start time, host — and a second server refuses to start,
 * naming the folder and the holder.
 *
 * A lock whose holder is gone (a `kill -9`, a power cut) is taken over. "Gone" is decided carefully,
 * because pids are reused: the holder counts as alive when its pid runs *and* that process started
 * when the lock says (Linux's start time in clock ticks, from /proc); a different start time is another
 * process that inherited the pid. Without /proc (macOS, Windows) a running pid counts as the holder.
 * A lock written on another host is never taken over: its process cannot be checked from here.
 */
export interface LockHolder {
  pid: number;
  /** The holder's start time as /proc/<pid>/stat gives it (clock ticks since boot); null where unknown. */
  startTicks: number | null;
  host: string;
  /** When the lock was taken (ISO 8601), for the message. */
  since: string;
}

export interface FolderLock {
  readonly file: string;
  release(): void;
}

/** Locks held by this process, so that a second store on the same folder in one process is refused too. */
const heldHere = new Set<string>();

export function lockFolder(folder: string): FolderLock {
  const file = path.join(folder, '.lock');
  if (heldHere.has(file)) throw inUse(folder, file, self(), true);
  const me = self();
  const content = `${JSON.stringify(me)}\n`;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(file, content)) {
      heldHere.add(file);
      return {
        file,
        release() {
          heldHere.delete(file);
          // Only our own lock: never remove one that somebody took over meanwhile.
          if (readHolderText(file) === content) unlinkQuietly(file);
        },
      };
    }
    const text = readHolderText(file);
    if (text === undefined) continue; // released meanwhile: try again
    const holder = parseHolder(text);
    if (holder && isAlive(holder)) throw inUse(folder, file, holder, false);
    if (holder && holder.host !== me.host) throw inUse(folder, file, holder, false);
    takeOver(file, text);
  }
  throw new StoreError(folder, `could not take the data folder lock ${file}; try again`);
}

function self(): LockHolder {
  return {
    pid: process.pid,
    startTicks: startTicksOf(process.pid),
    host: hostname(),
    since: new Date().toISOString(),
  };
}

function tryCreate(file: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new StoreError(file, `cannot create the data folder lock (${(error as Error).message})`);
  }
  try {
    writeSync(fd, content);
  } catch (error) {
    closeSync(fd);
    unlinkQuietly(file);
    throw new StoreError(file, `cannot write the data folder lock (${(error as Error).message})`);
  }
  closeSync(fd);
  return true;
}

/**
 * Moves a stale lock aside, then lets the caller create its own. Two servers taking over at once: the
 * rename succeeds for one of them; if what the other moved is no longer the stale lock it read (the
 * first one's fresh lock), it puts it back — `link` does not replace a lock created meanwhile.
 */
function takeOver(file: string, staleText: string): void {
  const aside = `${file}.stale-${process.pid}-${Date.now()}`;
  try {
    renameSync(file, aside);
  } catch {
    return; // somebody else moved it first
  }
  if (readHolderText(aside) !== staleText) {
    try {
      linkSync(aside, file);
    } catch {
      // A third lock exists already; the one we moved lost its place, as it would have to a crash.
    }
  }
  unlinkQuietly(aside);
}

function isAlive(holder: LockHolder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: it runs, as another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (holder.startTicks === null) return true;
  const now = startTicksOf(holder.pid);
  // No /proc here: the pid runs, so assume it is the holder.
  return now === null || now === holder.startTicks;
}

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot (Linux only). */
export function startTicksOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its end.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? ticks : null;
  } catch {
    return null;
  }
}

function readHolderText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid !== 'number' || !Number.isInteger(value.pid) || value.pid <= 0) return undefined;
    return {
      pid: value.pid,
      startTicks: typeof value.startTicks === 'number' ? value.startTicks : null,
      host: typeof value.host === 'string' ? value.host : hostname(),
      since: typeof value.since === 'string' ? value.since : 'an unknown time',
    };
  } catch {
    // A torn lock (the holder died while writing it) holds nobody: stale.
    return undefined;
  }
}

function inUse(folder: string, file: string, holder: LockHolder, here: boolean): StoreError {
  const who = here
    ? 'this process (another store is open on it)'
    : `process ${holder.pid} on ${holder.host}, since ${holder.since}`;
  return new StoreError(
    folder,
    `data folder is in use by ${who}. One simulator per --data folder: stop the other one, or start this ` +
      `one with another --data folder. (If that process is gone and this is wrong, remove ${file}.)`,
  );
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}
