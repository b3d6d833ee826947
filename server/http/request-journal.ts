/** The channel's recent requests and answers, newest first (`GET /__sim/journal`). In memory, bounded. */
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
 * What `add` takes: the answer as it was sent (the serialised payload). It is parsed only when the
 * journal is read, so a request does not pay for parsing its own answer back.
 */
export type SentEntry = Omit<JournalEntry, 'response_body'> & { response_payload: unknown };

export class RequestJournal {
  private readonly entries: SentEntry[] = [];
  private next = 0;
  private readonly capacity: number;
  private readonly listeners = new Set<(entry: SentEntry) => void>();

  constructor(capacity = 1000) {
    this.capacity = capacity;
  }

  /** Calls `listener` with every entry added from now on (the event stream); returns the unsubscribe. */
  subscribe(listener: (entry: SentEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  add(entry: SentEntry): void {
    for (const listener of this.listeners) listener(entry);
    if (this.entries.length < this.capacity) this.entries.push(entry);
    else this.entries[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
  }

  recent(limit: number): JournalEntry[] {
    const ordered =
      this.entries.length < this.capacity
        ? this.entries
        : [...this.entries.slice(this.next), ...this.entries.slice(0, this.next)];
    return ordered
      .slice(-limit)
      .reverse()
      .map((e) => ({
        at: e.at,
        method: e.method,
        path: e.path,
        status: e.status,
        request_body: e.request_body,
        response_body: parsePayload(e.response_payload),
        duration_ms: e.duration_ms,
      }));
  }
}

/**
 * The answer's JSON as a value; a payload that is not JSON text stays as it was sent (or null). Answers
 * kept serialised (json-cache.ts) are sent as bytes.
 */
function parsePayload(payload: unknown): unknown {
  const text = Buffer.isBuffer(payload) ? payload.toString('utf8') : payload;
  if (typeof text !== 'string') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
