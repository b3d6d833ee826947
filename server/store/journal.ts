import { crc32 } from 'node:zlib';
import type { Change, ChannelState } from '../domain/types.ts';

/**
 * The journal's line format: `<crc32 as 8 hex> <json>\n`, one committed step per line.
 * A record either lists changes (`c`) or replaces the whole state (`r`, for reset and import);
 * `q` is the step's sequence number, so replay can skip what a snapshot already holds.
 */
export type JournalRecord = { q: number; c: Change[] } | { q: number; r: ChannelState };

export function encodeRecord(record: JournalRecord): string {
  const json = JSON.stringify(record);
  return `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`;
}

export interface DecodedJournal {
  records: JournalRecord[];
  /** Byte length of the valid prefix; anything after it is a torn tail. */
  validBytes: number;
  /**
   * Set when a line is damaged and is not a torn tail — more data follows it, or it does not even begin
   * like a record (garbage): that is corruption, and the caller refuses to start.
   */
  corruptLine?: number;
}

/**
 * Decodes a journal. A crash can leave the last line half-written (a torn tail): it is detected by its
 * missing newline or a checksum that does not match, and dropped — provided it begins the way every
 * record does (`<crc32 hex> {"q":`), possibly followed by zero bytes (a file extended before its data
 * reached the disk). Anything else — a damaged line with more lines after it, or bytes that were never
 * a record — is reported as corruption instead.
 */
export function decodeJournal(bytes: Buffer): DecodedJournal {
  const records: JournalRecord[] = [];
  let offset = 0;
  let line = 0;
  while (offset < bytes.length) {
    line++;
    const end = bytes.indexOf(0x0a, offset);
    const record = end === -1 ? undefined : decodeLine(bytes.subarray(offset, end));
    if (!record) {
      const rest = end === -1 ? Buffer.alloc(0) : bytes.subarray(end + 1);
      const tornTail =
        rest.every(isBlank) && beginsLikeRecord(bytes.subarray(offset, end === -1 ? bytes.length : end));
      return tornTail ? { records, validBytes: offset } : { records, validBytes: offset, corruptLine: line };
    }
    records.push(record);
    offset = end + 1;
  }
  return { records, validBytes: offset };
}

const RECORD_START = Buffer.from(' {"q":');

/** Whitespace, or a zero byte. */
const isBlank = (c: number) => c === 0 || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** True when `line` (without its newline) is a prefix of `<8 hex> {"q":…`, trailing zero bytes aside. */
function beginsLikeRecord(line: Buffer): boolean {
  let length = line.length;
  while (length > 0 && line[length - 1] === 0) length--;
  for (let i = 0; i < Math.min(length, 8); i++) {
    const c = line[i]!;
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  const start = line.subarray(8, Math.min(length, 8 + RECORD_START.length));
  return start.equals(RECORD_START.subarray(0, start.length));
}

function decodeLine(line: Buffer): JournalRecord | undefined {
  if (line.length < 10 || line[8] !== 0x20) return undefined;
  const json = line.subarray(9).toString('utf8');
  const expected = Number.parseInt(line.subarray(0, 8).toString('ascii'), 16);
  if (Number.isNaN(expected) || crc32(json) !== expected) return undefined;
  try {
    const record = JSON.parse(json) as JournalRecord;
    return typeof record.q === 'number' && ('c' in record || 'r' in record) ? record : undefined;
  } catch {
    return undefined;
  }
}
