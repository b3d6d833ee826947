import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { operations } from '../../client/generated/simulator.ts';
import type {
  Change,
  ChannelMeta,
  Order,
  Product,
  Question,
  Refund,
  Registration,
  Review,
} from '../domain/types.ts';
import type { Sandboxes } from '../sandbox.ts';
import type { SentEntry } from './request-journal.ts';
import type { Handlers } from './routes.ts';

/**
 * The channel's changes as events (`GET /__sim/events`): what the console watches, and what a test or
 * a script can wait on. Events come from two places — the sandbox's committed changes (orders,
 * refunds, reviews, questions, registrations, product versions, stock, the clock, a reset) and the
 * request journal (every channel-API request) — and are kept per channel in a short ring, so that a
 * client that reconnects with `Last-Event-ID`, or polls the JSON form with `after`, misses nothing
 * recent.
 *
 * Streams are plain `text/event-stream` answers to an ordinary authenticated request: the key travels
 * in the `Authorization` header (the console reads the stream with `fetch`, not `EventSource`, which
 * cannot send headers), so no key ever appears in a URL or a log line.
 */

export interface SimEvent {
  id: number;
  type: string;
  data: Record<string, unknown>;
}

/** Events kept per channel for replay. */
const RING = 500;
/** A comment line this often keeps proxies and the idle-connection timeout from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;
/**
 * A client that reads slower than the channel changes: once this much is queued for it, its stream is
 * ended (with an `overflow` event) instead of letting the queue grow; it reconnects and re-reads.
 */
const MAX_QUEUED_BYTES = 256 * 1024;

interface Subscriber {
  channel: string;
  stream: PassThrough;
}

/** A channel's kept events (oldest first) and the id its next event gets. */
interface Ring {
  events: SimEvent[];
  next: number;
}

export class ChannelEvents {
  private readonly rings = new Map<string, Ring>();
  private readonly subscribers = new Set<Subscriber>();
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;

  /** Feeds the hub from the sandboxes' commits. */
  watch(sim: Sandboxes): () => void {
    return sim.watch((channel, changes) => {
      for (const event of eventsOf(changes)) this.publish(channel, event.type, event.data);
    });
  }

  /** Feeds the hub from a channel's request journal: one `request` event per channel-API request. */
  journalListener(channel: string): (entry: SentEntry) => void {
    const ring = this.ringOf(channel);
    return (entry) => this.keep(channel, ring, new RequestEvent(ring.next++, entry));
  }

  publish(channel: string, type: string, data: Record<string, unknown>): SimEvent {
    const ring = this.ringOf(channel);
    return this.keep(channel, ring, { id: ring.next++, type, data });
  }

  /** The kept events of a channel with an id above `after`, oldest first. */
  since(channel: string, after: number): SimEvent[] {
    return (this.rings.get(channel)?.events ?? []).filter((e) => e.id > after).slice(-RING);
  }

  /** The id the channel's next event will get. */
  next(channel: string): number {
    return this.rings.get(channel)?.next ?? 1;
  }

  private ringOf(channel: string): Ring {
    let ring = this.rings.get(channel);
    if (!ring) {
      ring = { events: [], next: 1 };
      this.rings.set(channel, ring);
    }
    return ring;
  }

  private keep(channel: string, ring: Ring, event: SimEvent): SimEvent {
    ring.events.push(event);
    // Trimmed in batches, so that keeping the ring costs O(1) per event.
    if (ring.events.length >= 2 * RING) ring.events = ring.events.slice(-RING);
    if (this.subscribers.size > 0) {
      for (const subscriber of this.subscribers) {
        if (subscriber.channel === channel) this.send(subscriber, event);
      }
    }
    return event;
  }

  /** A live stream of the channel's events, starting with those kept after `after` (if given). */
  open(channel: string, after: number | undefined): PassThrough {
    const stream = new PassThrough();
    const subscriber = { channel, stream };
    if (this.closed) {
      stream.end();
      return stream;
    }
    // Reconnecting clients wait 2 s; the first bytes also make the answer's headers go out now.
    stream.write(`retry: 2000\n\n`);
    this.write(
      subscriber,
      frame({ id: 0, type: 'ready', data: { channel, next_id: this.next(channel) } }, false),
    );
    if (after !== undefined) for (const event of this.since(channel, after)) this.send(subscriber, event);
    this.subscribers.add(subscriber);
    stream.once('close', () => this.subscribers.delete(subscriber));
    this.heartbeat ??= setInterval(() => {
      for (const s of this.subscribers) this.write(s, ': keep-alive\n\n');
    }, HEARTBEAT_MS).unref();
    return stream;
  }

  /** Ends every stream (on shutdown: an open stream would keep the server from closing). */
  close(): void {
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const { stream } of this.subscribers) stream.end();
    this.subscribers.clear();
  }

  private send(subscriber: Subscriber, event: SimEvent): void {
    this.write(subscriber, frame(event, true));
  }

  private write(subscriber: Subscriber, text: string): void {
    const { stream } = subscriber;
    if (stream.writableEnded || stream.destroyed) return;
    if (stream.writableLength > MAX_QUEUED_BYTES) {
      this.subscribers.delete(subscriber);
      stream.end(frame({ id: 0, type: 'overflow', data: { reason: 'client too slow; reconnect' } }, false));
      return;
    }
    stream.write(text);
  }
}

function frame(event: SimEvent, withId: boolean): string {
  return `${withId ? `id: ${event.id}\n` : ''}event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/**
 * A channel-API request as an event: one object that keeps what the event shows and writes its data out
 * only when it is sent or read — most are neither, only kept in the ring until newer ones push them out.
 */
class RequestEvent implements SimEvent {
  readonly id: number;
  readonly type = 'request';
  private readonly at: number;
  private readonly method: string;
  private readonly path: string;
  private readonly status: number;
  private readonly durationMs: number;

  constructor(id: number, entry: SentEntry) {
    this.id = id;
    this.at = entry.at;
    this.method = entry.method;
    this.path = entry.path;
    this.status = entry.status;
    this.durationMs = entry.duration_ms;
  }

  get data(): Record<string, unknown> {
    return {
      at: new Date(this.at).toISOString(),
      method: this.method,
      path: this.path,
      status: this.status,
      duration_ms: this.durationMs,
    };
  }

  toJSON(): SimEvent {
    return { id: this.id, type: this.type, data: this.data };
  }
}

/**
 * One commit's changes as events, in the vendor's vocabulary: one per changed record (the last write
 * of a record within the commit wins), stock coalesced into one event per commit.
 */
export function eventsOf(changes: readonly Change[] | 'replaced'): Array<Omit<SimEvent, 'id'>> {
  if (changes === 'replaced') return [{ type: 'reset', data: {} }];
  const last = new Map<string, Change>();
  for (const change of changes) last.set(`${change[0]}\u0000${change[1]}`, change);
  const events: Array<Omit<SimEvent, 'id'>> = [];
  const stock: string[] = [];
  for (const change of last.values()) {
    const value = change[2];
    if (value === null) continue;
    switch (change[0]) {
      case 'orders': {
        const o = value as Order;
        events.push({
          type: 'order',
          data: {
            ax_order_code: o.code,
            channel_order_code: o.channelOrderCode,
            family: o.family,
            product_code: o.productCode,
            ax_order_status: o.status,
            channel_order_status: o.channelStatus,
            tickets: o.tickets.map((t) => ({ ax_ticket_code: t.code, ax_ticket_status: t.status })),
          },
        });
        break;
      }
      case 'refunds': {
        const r = value as Refund;
        events.push({
          type: 'refund',
          data: {
            ax_order_code: r.orderCode,
            ax_ticket_code: r.ticketCode,
            channel_refunded_price: r.channelRefundedPrice,
            expected_refund_amount: r.expectedAmount,
            matches_policy: r.matchesPolicy,
          },
        });
        break;
      }
      case 'reviews': {
        const r = value as Review;
        events.push({
          type: 'review',
          data: { review_code: r.reviewCode, product_code: r.productCode, score: r.score },
        });
        break;
      }
      case 'questions': {
        const q = value as Question;
        events.push({
          type: 'question',
          data: { question_code: q.code, product_code: q.productCode, is_answered: q.answer !== null },
        });
        break;
      }
      case 'registrations': {
        const r = value as Registration;
        events.push({
          type: 'registration',
          data: {
            product_code: r.productCode,
            channel_product_mapping_code: r.mappingCode,
            version: r.version,
          },
        });
        break;
      }
      case 'products': {
        const p = value as Product;
        events.push({ type: 'product', data: { product_code: p.code, version: p.version } });
        break;
      }
      case 'meta': {
        const m = value as ChannelMeta;
        events.push({ type: 'clock', data: { offset_seconds: m.clockOffsetMs / 1000 } });
        break;
      }
      case 'stock':
        stock.push(change[1]);
        break;
    }
  }
  if (stock.length > 0) events.push({ type: 'stock', data: { inventory_codes: stock } });
  return events;
}

/** `streamEvents`: the live stream when the client asks for `text/event-stream`, else the kept events as JSON. */
export function eventHandlers(events: ChannelEvents): Handlers<Pick<operations, 'streamEvents'>> {
  return {
    streamEvents: async (request) => {
      const { query } = request;
      const channel = request.channel.code;
      const accept = String(request.headers.accept ?? '');
      if (/\btext\/event-stream\b/.test(accept)) {
        const lastId = Number(request.headers['last-event-id']);
        const after = query.after ?? (Number.isSafeInteger(lastId) && lastId >= 0 ? lastId : undefined);
        return {
          stream: events.open(channel, after),
          type: 'text/event-stream; charset=utf-8',
          // A stream's connection is not reused: once the stream ends (shutdown, overflow) the socket closes.
          headers: { 'cache-control': 'no-cache', 'x-accel-buffering': 'no', connection: 'close' },
        };
      }
      return {
        body: { events: events.since(channel, query.after ?? 0), next_id: events.next(channel) },
      };
    },
  };
}

/** Wires the hub to the app: ends streams before the server closes, so shutdown never waits on them. */
export function attachEvents(app: FastifyInstance, events: ChannelEvents, sim: Sandboxes): void {
  const unwatch = events.watch(sim);
  app.addHook('preClose', async () => {
    unwatch();
    events.close();
  });
}
