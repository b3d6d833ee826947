/**
 * The channel's recent requests and answers, newest first (`GET /__sim/journal`). In memory, bounded
 * (docs/decisions/003-failing-writes-and-bounds.md): each body is kept up to `bodyBytes` of its JSON text (beyond
 * that, its beginning, marked truncated), and the entries of a channel hold at most `maxBytes` of text
 * in all — the oldest go first. Bodies are kept as JSON text and spliced into the answer as they are,
 * so a read at the limit costs a concatenation, not a parse and a serialisation of every body.
 */
export interface JournalEntry {
  at: string;
  method: string;
  path: string;
  status: number;
  request_body: unknown;
  response_body: unknown;
  duration_ms: number;
}

/**
 * What `add` takes: the answer as it was sent (the serialised payload) and its content type. It is not
 * parsed: a JSON answer is kept as its text.
 */
export type SentEntry = Omit<JournalEntry, 'at' | 'response_body'> & {
  /** When it was answered, in ms since the epoch. */
  at: number;
  response_payload: unknown;
  response_type?: string;
  /** The request body's JSON text as received, when known: kept instead of serialising the body again. */
  request_text?: string;
};

export interface RequestJournalOptions {
  /** Entries kept at most (default 1000). */
  capacity?: number;
  /** Text of all kept entries of the channel, at most (default 4 MiB). */
  maxBytes?: number;
  /** A body's JSON text kept, at most (default 16 KiB). */
  bodyBytes?: number;
}

export const DEFAULT_JOURNAL_BYTES = 4 * 1024 * 1024;
export const DEFAULT_BODY_BYTES = 16 * 1024;

const ENTRY_OVERHEAD = 160;
const REQUEST_TRUNCATED = 1;
const RESPONSE_TRUNCATED = 2;

/**
 * The entries live in a ring of `capacity` slots, one array per field: adding one writes a slot and
 * allocates nothing that outlives the request but the texts themselves — a journal written on every
 * request and read now and then costs the requests little (docs/decisions/021-kept-answers-before-validation.md).
 * Entries are written out as JSON only when the journal is read.
 */
export class RequestJournal {
  private readonly capacity: number;
  private readonly maxBytes: number;
  private readonly bodyBytes: number;
  private readonly listeners = new Set<(entry: SentEntry) => void>();
  /**
   * What was kept of an answer sent as bytes, by those bytes: a cached answer (answer-cache.ts) is sent
   * as the same Buffer again and again, never written to, so it is decoded and checked once.
   */
  private readonly keptAnswers = new WeakMap<Buffer, { text: string; truncated: boolean }>();
  // The slots, by field. Slot `(first + i) % capacity` holds the i-th oldest of `count` entries.
  private readonly at: Float64Array;
  private readonly status: Uint16Array;
  private readonly duration: Float64Array;
  private readonly entryBytes: Float64Array;
  private readonly truncated: Uint8Array;
  private readonly method: string[];
  private readonly path: string[];
  private readonly request: string[];
  private readonly response: string[];
  private first = 0;
  private count = 0;
  private bytes = 0;

  constructor(options: RequestJournalOptions | number = {}) {
    const o = typeof options === 'number' ? { capacity: options } : options;
    this.capacity = Math.max(1, o.capacity ?? 1000);
    this.maxBytes = o.maxBytes ?? DEFAULT_JOURNAL_BYTES;
    this.bodyBytes = o.bodyBytes ?? DEFAULT_BODY_BYTES;
    const n = this.capacity;
    this.at = new Float64Array(n);
    this.status = new Uint16Array(n);
    this.duration = new Float64Array(n);
    this.entryBytes = new Float64Array(n);
    this.truncated = new Uint8Array(n);
    this.method = new Array<string>(n).fill('');
    this.path = new Array<string>(n).fill('');
    this.request = new Array<string>(n).fill('');
    this.response = new Array<string>(n).fill('');
  }

  get size(): number {
    return this.count;
  }

  /** Text held by the kept entries (what `maxBytes` bounds). */
  get heldBytes(): number {
    return this.bytes;
  }

  /** Calls `listener` with every entry added from now on (the event stream); returns the unsubscribe. */
  subscribe(listener: (entry: SentEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  add(entry: SentEntry): void {
    for (const listener of this.listeners) listener(entry);
    // A large body is cut from the text as received (not serialised again); a kept one is serialised
    // from its value — the received text may not be JSON.parse-able as is (a byte-order mark).
    const raw = entry.request_text;
    const request =
      raw !== undefined && raw.length > this.bodyBytes
        ? this.keep(raw)
        : entry.request_body == null
          ? NO_BODY
          : this.keep(jsonText(entry.request_body));
    const payload = entry.response_payload;
    const response = Buffer.isBuffer(payload)
      ? this.keepBytes(payload, entry.response_type)
      : typeof payload === 'string' && payload.length > this.bodyBytes
        ? this.keep(payload)
        : this.keep(responseText(payload, entry.response_type));
    const bytes =
      entry.method.length + entry.path.length + request.text.length + response.text.length + ENTRY_OVERHEAD;
    if (this.count === this.capacity) this.dropOldest();
    const slot = (this.first + this.count) % this.capacity;
    this.at[slot] = entry.at;
    this.status[slot] = entry.status;
    this.duration[slot] = Number.isFinite(entry.duration_ms) ? entry.duration_ms : 0;
    this.entryBytes[slot] = bytes;
    this.truncated[slot] =
      (request.truncated ? REQUEST_TRUNCATED : 0) | (response.truncated ? RESPONSE_TRUNCATED : 0);
    this.method[slot] = entry.method;
    this.path[slot] = entry.path;
    this.request[slot] = request.text;
    this.response[slot] = response.text;
    this.count++;
    this.bytes += bytes;
    while (this.bytes > this.maxBytes && this.count > 1) this.dropOldest();
  }

  /** Newest first: `limit` entries after skipping `offset`, as the JSON text of an array. */
  page(limit: number, offset: number): { json: string; count: number; next: number | null } {
    const count = this.count;
    const parts: string[] = [];
    for (let i = count - 1 - offset; i >= 0 && parts.length < limit; i--) {
      parts.push(this.entryJson((this.first + i) % this.capacity));
    }
    const next = offset + limit < count ? offset + limit : null;
    return { json: `[${parts.join(',')}]`, count, next };
  }

  /** Newest first, as values (for tests and tools). */
  recent(limit: number, offset = 0): JournalEntry[] {
    return JSON.parse(this.page(limit, offset).json) as JournalEntry[];
  }

  private dropOldest(): void {
    const slot = this.first;
    this.bytes -= this.entryBytes[slot]!;
    // Let the texts go.
    this.method[slot] = this.path[slot] = this.request[slot] = this.response[slot] = '';
    this.first = (slot + 1) % this.capacity;
    this.count--;
  }

  private entryJson(slot: number): string {
    const truncated = this.truncated[slot]!;
    return (
      `{"at":${JSON.stringify(new Date(this.at[slot]!).toISOString())},"method":${JSON.stringify(this.method[slot])},` +
      `"path":${JSON.stringify(this.path[slot])},"status":${this.status[slot]},` +
      `"request_body":${this.request[slot]},"response_body":${this.response[slot]},` +
      `"duration_ms":${this.duration[slot]}` +
      `${truncated & REQUEST_TRUNCATED ? ',"request_body_truncated":true' : ''}` +
      `${truncated & RESPONSE_TRUNCATED ? ',"response_body_truncated":true' : ''}}`
    );
  }

  /** An answer sent as bytes, kept as `keep` keeps text (see `keptAnswers`). */
  private keepBytes(payload: Buffer, type: string | undefined): { text: string; truncated: boolean } {
    const json = type?.startsWith('application/json') === true;
    const known = json ? this.keptAnswers.get(payload) : undefined;
    if (known !== undefined) return known;
    // A large answer is not decoded whole just to keep its beginning.
    const kept =
      payload.length > this.bodyBytes
        ? this.keep(JSON.stringify(payload.subarray(0, this.bodyBytes).toString('utf8')), true)
        : this.keep(responseText(payload, type));
    if (json) this.keptAnswers.set(payload, kept);
    return kept;
  }

  /**
   * A body's JSON text, or — past `bodyBytes` — the beginning of that text as a JSON string, marked as
   * truncated. The beginning is copied out, so the whole text is not kept alive by a slice of it.
   */
  private keep(text: string, truncated = false): { text: string; truncated: boolean } {
    if (text.length <= this.bodyBytes || truncated) return { text, truncated };
    const beginning = Buffer.from(text.slice(0, this.bodyBytes), 'utf8').toString('utf8');
    return { text: JSON.stringify(beginning), truncated: true };
  }
}

/** What is kept of a request without a body (a GET). */
const NO_BODY = Object.freeze({ text: 'null', truncated: false });

function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value ?? null) ?? 'null';
  } catch {
    return 'null';
  }
}

/**
 * The answer as JSON text: a JSON answer as sent (bytes from the answer cache, or text), anything else
 * (a fault's plain-text body) as a JSON string; null when there was none (or it was a stream).
 */
function responseText(payload: unknown, type: string | undefined): string {
  const text = Buffer.isBuffer(payload) ? payload.toString('utf8') : payload;
  if (typeof text !== 'string' || text.length === 0) return 'null';
  // Spliced into the journal's answer as is, so it must be JSON; anything else is kept as a string.
  // (Only answers up to the body limit come here whole: checking them costs microseconds.)
  if (type?.startsWith('application/json') && isJson(text)) return text;
  return JSON.stringify(text);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
