import type { DomainContext } from './domain/context.ts';
import type { ChannelState } from './domain/types.ts';

/**
 * One channel's read answers, kept serialised (docs/decisions/016-answer-cache.md). An answer is keyed
 * by its request (operation, path and query values) and is sent again as the same bytes while
 * - nothing changed on the channel: every committed change, reset, import and clock move bumps the
 *   channel's change counter (`changed`), which every kept answer is checked against; and
 * - the virtual clock has not reached the instant the domain said the answer holds until (an inventory
 *   page changes when one of today's start times passes, or at midnight), without any commit.
 * Nothing here knows what an answer is made of: a new input to a domain rule is either state (so a
 * commit bumps the counter) or time (so the rule's `validUntil` says when).
 */
export class AnswerCache {
  private version = 0;
  private readonly entries = new Map<string, Kept>();
  private readonly capacity: number;

  constructor(capacity = 2_000) {
    this.capacity = capacity;
  }

  /** Something the channel's answers are made of changed: every kept answer is stale. */
  changed(): void {
    this.version++;
    // Stale entries are never sent again: let them go at once rather than when they are next asked for.
    this.entries.clear();
  }

  /** The JSON of the answer under `key`: kept, or built now by `build` in the read's context and kept. */
  get(key: string, ctx: DomainContext, build: (ctx: DomainContext) => Answered): Buffer {
    const { state, now } = ctx;
    const kept = this.entries.get(key);
    if (kept !== undefined && kept.version === this.version && kept.state === state && now < kept.until) {
      return kept.json;
    }
    const { body, validUntil = Number.POSITIVE_INFINITY } = build(ctx);
    const json = Buffer.from(JSON.stringify(body), 'utf8');
    if (kept === undefined && this.entries.size >= this.capacity) {
      // The oldest kept answer goes first.
      this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(key, { version: this.version, state, until: validUntil, json });
    return json;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** What a cached read builds: the answer's body, and the virtual instant until which it holds (default: until a change). */
export interface Answered {
  body: unknown;
  validUntil?: number;
}

interface Kept {
  version: number;
  /** The state object it was built from: a reset or import installs a new one. */
  state: ChannelState;
  until: number;
  json: Buffer;
}
