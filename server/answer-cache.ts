import type { DomainContext } from './domain/context.ts';
import type { ChannelState } from './domain/types.ts';

/**
 * One channel's read answers, kept serialised (docs/decisions/016-answer-cache.md). An answer is keyed
 * by its request (operation, path and query values) and is sent again as the same bytes while
 * - nothing changed on the channel: every committed change, reset, import and clock move bumps the
 *   channel's change counter (`changed`), which every kept answer is checked against; and
 * - the virtual clock has not reached the instant the answer holds until: the one the domain gave (an
 *   inventory page changes when one of today's start times passes, or at midnight), or the next
 *   supplier action's, whichever comes first — at either, the state or the answer changes without any
 *   commit.
 * Nothing here knows what an answer is made of: a new input to a domain rule is either state (so a
 * commit bumps the counter) or time (so the rule's `validUntil` says when).
 *
 * A kept answer can also be found by the raw URL of a request it answered (`remember`, `sent`): the
 * channel API sends it again for that URL from its onRequest hook, before validation and handler
 * (docs/decisions/021-kept-answers-before-validation.md).
 */
export class AnswerCache {
  private version = 0;
  private readonly entries = new Map<string, Kept>();
  /** Kept answers by the URL of a request they answered, once what they show was durable. */
  private readonly byUrl = new Map<string, Remembered>();
  private readonly capacity: number;

  constructor(capacity = 2_000) {
    this.capacity = capacity;
  }

  /** Something the channel's answers are made of changed: every kept answer is stale. */
  changed(): void {
    this.version++;
    // Stale entries are never sent again: let them go at once rather than when they are next asked for.
    this.entries.clear();
    this.byUrl.clear();
  }

  /**
   * The JSON of the answer under `key`: kept, or built now by `build` in the read's context and kept.
   * `dueAt` is the virtual instant of the channel's next supplier action.
   */
  get(
    key: string,
    ctx: DomainContext,
    build: (ctx: DomainContext) => Answered,
    dueAt = Number.POSITIVE_INFINITY,
  ): Buffer {
    const { state, now } = ctx;
    const kept = this.entries.get(key);
    if (kept !== undefined && kept.version === this.version && kept.state === state && now < kept.until) {
      return kept.json;
    }
    const { body, validUntil = Number.POSITIVE_INFINITY } = build(ctx);
    const json = Buffer.from(JSON.stringify(body), 'utf8');
    if (kept === undefined) evictOldest(this.entries, this.capacity);
    this.entries.set(key, {
      version: this.version,
      state,
      until: Math.min(validUntil, dueAt),
      clockOffsetMs: ctx.meta.clockOffsetMs,
      json,
    });
    return json;
  }

  /**
   * A request for `url` was answered `json` with HTTP status `status`, the answer under `key`, and what
   * it shows is durable: while that answer holds, `sent(url)` finds it. Nothing is remembered when the
   * answer kept under `key` is no longer that one (a change came in between).
   */
  remember(url: string, key: string, json: Buffer, status: number): void {
    const kept = this.entries.get(key);
    if (kept === undefined || kept.json !== json || kept.version !== this.version) return;
    if (!this.byUrl.has(url)) evictOldest(this.byUrl, this.capacity);
    this.byUrl.set(url, { kept, json, status });
  }

  /**
   * The answer a request for `url` got, if it still holds with the real clock at `realNow`: no change
   * since, and the channel's virtual clock (the real one plus the channel's offset, which only a commit
   * moves) before the answer's end.
   */
  sent(url: string, realNow: number): Resent | undefined {
    const resent = this.byUrl.get(url);
    if (resent === undefined) return undefined;
    const { kept } = resent;
    if (kept.version === this.version && realNow + kept.clockOffsetMs < kept.until) return resent;
    this.byUrl.delete(url);
    return undefined;
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

/** An answer to send again: its bytes and its HTTP status. */
export interface Resent {
  readonly json: Buffer;
  readonly status: number;
}

/** A kept answer as a URL got it. */
interface Remembered extends Resent {
  readonly kept: Kept;
}

interface Kept {
  version: number;
  /** The state object it was built from: a reset or import installs a new one. */
  state: ChannelState;
  /** Virtual instant from which it no longer holds. */
  until: number;
  /** The channel's clock offset when it was built (a clock move is a commit, so it holds with the answer). */
  clockOffsetMs: number;
  json: Buffer;
}

/** Makes room for one more: the oldest kept goes first. */
function evictOldest(map: Map<string, unknown>, capacity: number): void {
  if (map.size >= capacity) map.delete(map.keys().next().value as string);
}
