/**
 * Read answers kept serialised. A product object never changes (the supplier publishing a new version
 * makes a new object), so an answer built only from product objects — and from plain values such as a
 * channel's anchor date and the stock of the entries shown — can be kept with those objects and values
 * (its sources) and sent again as bytes while they are the same: exactly what `JSON.stringify` of the
 * answer would write, without serialising or encoding it per request. Bounded: the least recently used
 * answers go first.
 */
export class JsonCache<K> {
  private readonly entries = new Map<K, { sources: readonly unknown[]; json: Buffer }>();
  private readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /**
   * The JSON of `build()`, kept under `key` while `sources` — everything the answer is made of — are the
   * same (`===`) as when it was built.
   */
  get(key: K, sources: readonly unknown[], build: () => unknown): Buffer {
    const entry = this.entries.get(key);
    if (entry && sameObjects(entry.sources, sources)) {
      // Most recently used goes last.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry.json;
    }
    const json = Buffer.from(JSON.stringify(build()), 'utf8');
    this.entries.delete(key);
    this.entries.set(key, { sources: [...sources], json });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
    return json;
  }
}

function sameObjects(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
