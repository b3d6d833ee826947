import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Adapter } from 'lowdb';
import type { ChannelState } from '../domain/types.ts';
import { type FileOps, nodeFileOps, syncFolder, writeAll } from './file-ops.ts';

/**
 * A channel snapshot, in JSON Lines (docs/decisions/001-snapshot-format.md): it is written and read a
 * record at a time, so no string of the whole file is ever built — a state is bounded by memory, not by
 * V8's longest string (~512 MiB), which a one-document JSON snapshot hits at about 300,000 orders.
 *
 *   {"format":"ax-sim-channel/2","seq":41}      header: the last journal step the snapshot holds
 *   ["orders"]                                  a collection begins (so an empty one survives)
 *   ["orders","<code>",{…}]                     one record of it
 *   ["someValue",[1,2]]                         a top-level member that is not a collection
 *   {"end":2}                                   how many lines came before: a cut file is refused
 *
 * `SnapshotFile` is a lowdb adapter — the streaming reader and the chunked writer in one:
 * `new Low(new SnapshotFile(file), null)` reads and writes it (the file store keeps one per channel).
 */
export const SNAPSHOT_FORMAT = 'ax-sim-channel/2';
/** The one-document format of earlier versions, still read (never written). */
export const LEGACY_SNAPSHOT_FORMAT = 'ax-sim-channel/1';

export interface Snapshot {
  format: string;
  /** The last journal step this snapshot holds. */
  seq: number;
  /** As read: the state. To write: the state, or a capture of it taken earlier. */
  state: ChannelState | CapturedState;
}

/**
 * A state's members as they are at one instant — each collection's keys and record references, a copy
 * of pointers only (see writeSnapshotFile) — to be serialised later while the state moves on.
 */
export class CapturedState {
  readonly parts: StatePart[];
  constructor(state: ChannelState) {
    this.parts = captureState(state);
  }
}

export class SnapshotError extends Error {}

export class SnapshotFile implements Adapter<Snapshot | null> {
  readonly file: string;
  private readonly ops: FileOps;
  private readonly chunkBytes: number;
  /** Size in bytes of the last snapshot written. */
  bytes = 0;

  constructor(file: string, options: { ops?: FileOps; chunkBytes?: number } = {}) {
    this.file = file;
    this.ops = options.ops ?? nodeFileOps;
    this.chunkBytes = options.chunkBytes ?? 1 << 18;
  }

  /** The snapshot, or null when there is no file. Throws SnapshotError when it is not a whole snapshot. */
  async read(): Promise<Snapshot | null> {
    let first: Buffer;
    try {
      first = await readStart(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    if (!first.toString('utf8').startsWith(`{"format":"${SNAPSHOT_FORMAT}"`)) return readLegacy(this.file);
    return readLines(this.file);
  }

  /**
   * Writes the snapshot beside the file, fsyncs it, and renames it over the file (atomic). Null is lowdb's
   * "no data" (`Low.write` never passes it): nothing is written.
   */
  async write(data: Snapshot | null): Promise<void> {
    if (!data) return;
    this.bytes = await writeSnapshotFile(this.file, { format: data.format, seq: data.seq }, data.state, {
      ops: this.ops,
      chunkBytes: this.chunkBytes,
    });
  }
}

/**
 * Writes a snapshot without blocking the event loop for the size of the state: the state is captured
 * as it is now — each collection's keys and record references, a copy of pointers only — and
 * serialised a chunk at a time, each chunk written (and the event loop given back) before the next is
 * built. The capture holds because a ChannelState's records are never changed in place: changes
 * replace or delete whole records, and reset and import replace the whole state.
 *
 * The file is written beside the target, fsync'd, and renamed over it (then the folder is fsync'd), so
 * a crash leaves either the old snapshot or the new one, never a part. Returns the bytes written.
 */
export async function writeSnapshotFile(
  file: string,
  header: { format: string; seq: number },
  state: ChannelState | CapturedState,
  options: { ops?: FileOps; chunkBytes?: number } = {},
): Promise<number> {
  const ops = options.ops ?? nodeFileOps;
  const chunkChars = options.chunkBytes ?? 1 << 18;
  const parts = state instanceof CapturedState ? state.parts : captureState(state);
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
  const handle = await ops.open(temporary, 'w');
  let bytes = 0;
  try {
    let buffer = `${JSON.stringify({ format: header.format, seq: header.seq })}\n`;
    let lines = 0;
    const flush = async () => {
      const chunk = Buffer.from(buffer, 'utf8');
      buffer = '';
      await writeAll(handle, chunk);
      bytes += chunk.length;
    };
    for (const part of parts) {
      const name = JSON.stringify(part.name);
      if (part.kind === 'value') {
        buffer += `[${name},${part.json}]\n`;
        lines++;
        continue;
      }
      buffer += `[${name}]\n`;
      lines++;
      for (let i = 0; i < part.keys.length; i++) {
        const json = JSON.stringify(part.values[i]);
        if (json === undefined) continue;
        buffer += `[${name},${JSON.stringify(part.keys[i])},${json}]\n`;
        lines++;
        if (buffer.length >= chunkChars) await flush();
      }
    }
    buffer += `${JSON.stringify({ end: lines })}\n`;
    await flush();
    await handle.sync();
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => {});
    await ops.unlink(temporary).catch(() => {});
    throw error;
  }
  try {
    await ops.rename(temporary, file);
  } catch (error) {
    await ops.unlink(temporary).catch(() => {});
    throw error;
  }
  await syncFolder(ops, path.dirname(file));
  return bytes;
}

export type StatePart =
  | { kind: 'value'; name: string; json: string }
  | { kind: 'records'; name: string; keys: string[]; values: unknown[] };

/** The state's top-level members in order: collections as key and value arrays, anything else as JSON. */
export function captureState(state: ChannelState): StatePart[] {
  const parts: StatePart[] = [];
  const members = state as unknown as Record<string, unknown>;
  for (const name of Object.keys(members)) {
    const value = members[name];
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && !hasToJson(value)) {
      parts.push({ kind: 'records', name, keys: Object.keys(value), values: Object.values(value) });
    } else {
      const json = JSON.stringify(value);
      if (json !== undefined) parts.push({ kind: 'value', name, json });
    }
  }
  return parts;
}

function hasToJson(value: object): boolean {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

async function readStart(file: string): Promise<Buffer> {
  const stream = createReadStream(file, { start: 0, end: 63 });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Reads the JSON Lines format a chunk of the file at a time; each line is parsed on its own. */
async function readLines(file: string): Promise<Snapshot> {
  let header: { format: string; seq: number } | undefined;
  const state = Object.create(null) as Record<string, unknown>;
  let lines = 0;
  let ended = false;
  let lineNumber = 0;
  const take = (line: Buffer) => {
    lineNumber++;
    if (ended) throw new SnapshotError(`line ${lineNumber} follows the end marker`);
    let value: unknown;
    try {
      value = JSON.parse(line.toString('utf8'));
    } catch {
      throw new SnapshotError(`line ${lineNumber} is not JSON`);
    }
    if (header === undefined) {
      const h = value as { format?: unknown; seq?: unknown };
      if (h?.format !== SNAPSHOT_FORMAT || typeof h.seq !== 'number') {
        throw new SnapshotError(`line 1 is not an ${SNAPSHOT_FORMAT} header`);
      }
      header = { format: SNAPSHOT_FORMAT, seq: h.seq };
      return;
    }
    if (!Array.isArray(value)) {
      const end = (value as { end?: unknown } | null)?.end;
      if (end !== lines) throw new SnapshotError(`line ${lineNumber} is not a record`);
      ended = true;
      return;
    }
    const [name, key, record] = value as [unknown, unknown, unknown];
    if (typeof name !== 'string' || name === '__proto__') {
      throw new SnapshotError(`line ${lineNumber} names no member`);
    }
    lines++;
    if (value.length === 1) state[name] = Object.create(null);
    else if (value.length === 2) state[name] = key;
    else if (value.length === 3 && typeof key === 'string') {
      const records = state[name];
      if (records === null || typeof records !== 'object') {
        throw new SnapshotError(`line ${lineNumber}: a record of ${name} before the collection`);
      }
      (records as Record<string, unknown>)[key] = record;
    } else throw new SnapshotError(`line ${lineNumber} is not a record`);
  };
  let rest: Buffer | undefined;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    let data = rest ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
    let start = 0;
    for (let end = data.indexOf(0x0a, start); end !== -1; end = data.indexOf(0x0a, start)) {
      take(data.subarray(start, end));
      start = end + 1;
    }
    data = data.subarray(start);
    rest = data.length > 0 ? Buffer.from(data) : undefined;
  }
  if (rest) throw new SnapshotError('the file ends inside a line (cut short)');
  if (!header) throw new SnapshotError('the file is empty');
  if (!ended) throw new SnapshotError('the end marker is missing (cut short)');
  return { ...header, state: state as unknown as ChannelState };
}

/** The one-document format of ax-sim-channel/1, read whole (such a file was always below V8's limit). */
function readLegacy(file: string): Snapshot {
  // A JSON syntax error here is "cannot be read", not a wrong shape: it propagates as a plain Error.
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const snapshot = parsed as Partial<Snapshot>;
  if (snapshot?.format !== LEGACY_SNAPSHOT_FORMAT || typeof snapshot.seq !== 'number') {
    throw new SnapshotError(`its format is neither ${SNAPSHOT_FORMAT} nor ${LEGACY_SNAPSHOT_FORMAT}`);
  }
  return snapshot as Snapshot;
}
