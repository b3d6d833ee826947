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

export class RequestJournal {
  private readonly entries: JournalEntry[] = [];
  private next = 0;
  private readonly capacity: number;

  constructor(capacity = 1000) {
    this.capacity = capacity;
  }

  add(entry: JournalEntry): void {
    if (this.entries.length < this.capacity) this.entries.push(entry);
    else this.entries[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
  }

  recent(limit: number): JournalEntry[] {
    const ordered =
      this.entries.length < this.capacity
        ? this.entries
        : [...this.entries.slice(this.next), ...this.entries.slice(0, this.next)];
    return ordered.slice(-limit).reverse();
  }
}
