import { afterEach, describe, expect, it } from 'vitest';
import { ChannelEvents, eventsOf } from '../server/http/events.ts';
import {
  clientCaller,
  lineOf,
  orderableEntries,
  orderBody,
  type Running,
  register,
  startSimulator,
} from './support/sandbox.ts';

/**
 * GET /__sim/events: the channel's changes as a server-sent event stream (and as JSON for polling),
 * per channel, replayable, bounded for slow readers, and never in the way of a shutdown.
 */

const MANUAL = '00000000-0000-4000-8000-000000000004';
let sim: Running | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

interface Frame {
  id?: string;
  event?: string;
  data?: Record<string, unknown>;
}

/** Reads frames off an event stream until `until` says stop (or the stream ends). */
async function readFrames(
  response: Response,
  until: (frames: Frame[]) => boolean,
): Promise<{ frames: Frame[]; ended: boolean }> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const frames: Frame[] = [];
  let buffer = '';
  for (;;) {
    if (until(frames)) {
      await reader.cancel();
      return { frames, ended: false };
    }
    const { value, done } = await reader.read();
    if (done) return { frames, ended: true };
    buffer += value;
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const frame: Frame = {};
      for (const line of buffer.slice(0, end).split('\n')) {
        const [name, ...rest] = line.split(': ');
        if (name === 'id') frame.id = rest.join(': ');
        if (name === 'event') frame.event = rest.join(': ');
        if (name === 'data') frame.data = JSON.parse(rest.join(': '));
      }
      if (frame.event) frames.push(frame);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
    }
  }
}

function stream(base: string, key = 'demo-key', headers: Record<string, string> = {}) {
  return fetch(`${base}/__sim/events`, {
    headers: { accept: 'text/event-stream', authorization: `Token ${key}`, ...headers },
  });
}

async function placeOrder(s: Running) {
  const product = await register(clientCaller(s.client), 'tour', MANUAL);
  const [entry] = await orderableEntries(clientCaller(s.client), product, { pageSize: 5 });
  const created = await s.client.createTourOrder({
    body: orderBody({ ...lineOf(product, entry!), channelOrderId: `events-${Math.random()}` }),
  });
  return created.data.data.depth_combinations[0]!.ax_order_code;
}

describe('GET /__sim/events', () => {
  it('streams an order the channel creates, the supplier’s confirm and the requests, to that channel only', async () => {
    sim = await startSimulator();
    const mine = await stream(sim.baseUrl);
    expect(mine.status).toBe(200);
    expect(mine.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const theirs = await stream(sim.baseUrl, 'demo-key-2');
    let code = '';
    const reading = readFrames(mine, (frames) =>
      frames.some((f) => f.event === 'order' && f.data?.ax_order_status === 'Supplier confirm'),
    );
    code = await placeOrder(sim);
    await sim.client.actAsSupplierOnOrder({ path: { ax_order_code: code }, body: { action: 'confirm' } });
    const { frames } = await reading;
    expect(frames[0]).toMatchObject({ event: 'ready', data: { channel: 'demo-channel' } });
    const orders = frames.filter((f) => f.event === 'order');
    expect(orders.map((f) => [f.data?.ax_order_code, f.data?.ax_order_status])).toEqual([
      [code, 'New'],
      [code, 'Supplier confirm'],
    ]);
    expect(frames.some((f) => f.event === 'registration' && f.data?.product_code === MANUAL)).toBe(true);
    expect(frames.some((f) => f.event === 'stock')).toBe(true);
    const requests = frames
      .filter((f) => f.event === 'request')
      .map((f) => `${f.data?.method} ${f.data?.status}`);
    expect(requests).toContain('POST 201');
    // Ids increase by one per event.
    const ids = frames.filter((f) => f.id).map((f) => Number(f.id));
    expect(ids).toEqual(ids.map((_, i) => ids[0]! + i));

    // The other channel heard nothing of it.
    const other = await sim.other.streamEvents();
    expect(other.data.events).toEqual([]);
    await theirs.body!.cancel();
  });

  it('answers JSON without Accept: text/event-stream, from `after`; replays missed events on Last-Event-ID', async () => {
    sim = await startSimulator();
    const first = await sim.client.streamEvents();
    expect(first.data).toEqual({ events: [], next_id: 1 });
    const code = await placeOrder(sim);
    const all = (await sim.client.streamEvents()).data;
    expect(all.events.length).toBeGreaterThan(3);
    expect(all.next_id).toBe(all.events.at(-1)!.id + 1);
    const orderEvent = all.events.find((e) => e.type === 'order')!;
    expect(orderEvent.data).toMatchObject({ ax_order_code: code, ax_order_status: 'New' });
    const after = (await sim.client.streamEvents({ query: { after: orderEvent.id } })).data;
    expect(after.events.map((e) => e.id)).toEqual(
      all.events.filter((e) => e.id > orderEvent.id).map((e) => e.id),
    );

    const replay = await stream(sim.baseUrl, 'demo-key', { 'last-event-id': String(orderEvent.id - 1) });
    const { frames } = await readFrames(replay, (f) => f.some((x) => Number(x.id) === all.next_id - 1));
    expect(frames.filter((f) => f.id).map((f) => Number(f.id))[0]).toBe(orderEvent.id);
  });

  it('is 403 without a key; a reset is an event', async () => {
    sim = await startSimulator();
    const anonymous = await fetch(`${sim.baseUrl}/__sim/events`, {
      headers: { accept: 'text/event-stream' },
    });
    expect(anonymous.status).toBe(403);
    expect(await anonymous.json()).toEqual({ detail: '이 작업을 수행할 권한(permission)이 없습니다.' });
    await sim.client.resetSandbox();
    expect((await sim.client.streamEvents()).data.events.map((e) => e.type)).toEqual(['reset']);
  });

  it('ends open streams when the server closes, so shutdown does not wait on them', async () => {
    sim = await startSimulator();
    const open = await stream(sim.baseUrl);
    const reading = readFrames(open, () => false);
    const running = sim;
    sim = undefined;
    await running.close();
    expect((await reading).ended).toBe(true);
  });
});

describe('Sandboxes.watch', () => {
  it('hears a commit of hundreds of thousands of changes whole, once it is durable', async () => {
    sim = await startSimulator();
    const heard: number[] = [];
    const stop = sim.app.sim.watch((channel, changes) => {
      if (channel === 'demo-channel' && changes !== 'replaced') heard.push(changes.length);
    });
    const changes = Array.from({ length: 300_000 }, (_, i) => ['stock', `code-${i}`, 1] as const);
    await sim.app.sim.run('demo-channel', () => ({ result: null, changes: changes as never }));
    stop();
    expect(heard).toEqual([300_000]);
    const stock = (await sim.client.streamEvents()).data.events.find((e) => e.type === 'stock')!;
    expect((stock.data.inventory_codes as string[]).length).toBe(300_000);
  });
});

describe('ChannelEvents', () => {
  it('cuts off a reader that falls 256 KiB behind, with an overflow event', async () => {
    const events = new ChannelEvents();
    const stream = events.open('c', undefined);
    const big = 'x'.repeat(10_000);
    for (let i = 0; i < 40; i++) events.publish('c', 'request', { path: big });
    const chunks: string[] = [];
    for await (const chunk of stream) chunks.push(String(chunk));
    const text = chunks.join('');
    expect(text.endsWith('event: overflow\ndata: {"reason":"client too slow; reconnect"}\n\n')).toBe(true);
    expect(text.split('event: request').length - 1).toBeLessThan(40);
    events.close();
  });

  it('keeps the last 500 events per channel', () => {
    const events = new ChannelEvents();
    for (let i = 0; i < 600; i++) events.publish('c', 'request', { i });
    expect(events.since('c', 0).map((e) => e.id)).toEqual(Array.from({ length: 500 }, (_, i) => i + 101));
    expect(events.next('c')).toBe(601);
    expect(events.since('other', 0)).toEqual([]);
  });

  it('names a commit’s changes in the API’s words, the last write of a record winning', () => {
    expect(eventsOf('replaced')).toEqual([{ type: 'reset', data: {} }]);
    const meta = {
      channel: 'c',
      catalogId: 'x',
      anchorDate: '2026-01-01',
      clockOffsetMs: 60_000,
      createdAt: '',
    };
    expect(
      eventsOf([
        ['stock', 'a', 1],
        ['stock', 'b', 2],
        ['meta', 'meta', { ...meta, clockOffsetMs: 1_000 }],
        ['meta', 'meta', meta],
        ['schedule', 's', null],
      ]),
    ).toEqual([
      { type: 'clock', data: { offset_seconds: 60 } },
      { type: 'stock', data: { inventory_codes: ['a', 'b'] } },
    ]);
  });
});
