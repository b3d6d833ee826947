import { renameSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { ChannelState } from '../domain/types.ts';

/**
 * Writes a channel snapshot — the same bytes as `JSON.stringify({format, seq, state})` — without
 * blocking the event loop for the size of the state.
 *
 * Serialising a whole state at once costs time in proportion to the channel's history (about a second
 * for 100,000 orders), during which no request is answered; it also builds one string as large as the
 * file. Instead, the state is captured as it is now — each collection's keys and record references, a
 * copy of pointers only — and serialised a chunk at a time, each chunk written (and the event loop
 * given back) before the next is built. The capture holds because a ChannelState's records are never
 * changed in place: `applyChanges` replaces or deletes whole records, and reset and import replace the
 * whole state.
 *
 * The file is written beside the target, fsync'd, and renamed over it (then the folder is fsync'd), so
 * a crash leaves either the old snapshot or the new one, never a part.
 */
export async function writeSnapshotFile(
  file: string,
  header: { format: string; seq: number },
  state: ChannelState,
  chunkChars = 1 << 18,
): Promise<number> {
  const parts = capture(state);
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
  const handle = await open(temporary, 'w');
  let bytes = 0;
  try {
    let buffer = `{"format":${JSON.stringify(header.format)},"seq":${JSON.stringify(header.seq)},"state":{`;
    const flush = async () => {
      const chunk = Buffer.from(buffer, 'utf8');
      buffer = '';
      for (let offset = 0; offset < chunk.length; ) {
        offset += (await handle.write(chunk, offset)).bytesWritten;
      }
      bytes += chunk.length;
    };
    let firstPart = true;
    for (const part of parts) {
      const prefix = `${firstPart ? '' : ','}${JSON.stringify(part.name)}:`;
      if (part.kind === 'value') {
        buffer += prefix + part.json;
      } else {
        buffer += `${prefix}{`;
        let first = true;
        for (let i = 0; i < part.keys.length; i++) {
          const json = JSON.stringify(part.values[i]);
          if (json === undefined) continue;
          buffer += `${first ? '' : ','}${JSON.stringify(part.keys[i])}:${json}`;
          first = false;
          if (buffer.length >= chunkChars) await flush();
        }
        buffer += '}';
      }
      firstPart = false;
    }
    buffer += '}}';
    await flush();
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    rmSync(temporary, { force: true });
    throw error;
  }
  await handle.close();
  renameSync(temporary, file);
  await syncFolder(path.dirname(file));
  return bytes;
}

type Part =
  | { kind: 'value'; name: string; json: string }
  | { kind: 'records'; name: string; keys: string[]; values: unknown[] };

/** The state's top-level members in order: collections as key and value arrays, anything else as JSON. */
function capture(state: ChannelState): Part[] {
  const parts: Part[] = [];
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

/** Makes a rename in `folder` durable (where the platform allows opening a folder). */
async function syncFolder(folder: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // Not supported here (e.g. Windows): the rename is still atomic.
  } finally {
    await handle?.close().catch(() => {});
  }
}
