import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AxCloudClient,
  type AxCloudComponents,
  createAxCloudClient,
  type RawResponse,
} from '../client/index.ts';
import { buildSimulator } from '../server/app.ts';
import { clientCaller, inventoryAtOf, orderBody, register } from './support/sandbox.ts';

/**
 * Stock under concurrency, on a real listening server on 127.0.0.1 with the FILE store (where group
 * commit and journal rotation could go wrong) and a keep-alive pool of 64 connections: exactly the
 * remaining units are sold, never more; `max = remain + ordered` and `remain >= 0` in every inventory
 * read taken during the burst; racing cancels (ticket, whole order, supplier) release each unit once;
 * and a restart finds exactly what was acknowledged.
 */

const MANUAL_TOUR = '00000000-0000-4000-8000-000000000004';
const CONNECTIONS = 64;

type Entry = AxCloudComponents['schemas']['TourInventoryEntry'];

const running: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

async function serve(data: string, compactBytes?: number) {
  const app = await buildSimulator({ data, compactBytes });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const client = createAxCloudClient({
    baseUrl: `http://127.0.0.1:${port}`,
    apiKey: 'demo-key',
    retries: 0,
    connections: CONNECTIONS,
    timeoutMs: 30_000,
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await client.close();
    await app.close();
  };
  running.push(stop);
  return { app, client, stop };
}

const setUp = (client: AxCloudClient) => register(clientCaller(client), 'tour', MANUAL_TOUR);

async function inventory(client: AxCloudClient, optionCode: string): Promise<Entry[]> {
  const answer = await client.getTourInventory({
    path: { product_code: MANUAL_TOUR },
    query: { page: 1, page_size: 100 },
  });
  return answer.data.option_codes[optionCode]!;
}

function entryOf(entries: Entry[], code: string): Entry {
  const entry = entries.find((e) => e.inventory_code === code);
  if (!entry) throw new Error(`no inventory entry ${code}`);
  return entry;
}

function expectConsistent(entries: Entry[]) {
  for (const e of entries) {
    expect(e.remain_quantity, e.inventory_code).toBeGreaterThanOrEqual(0);
    expect(e.ordered_quantity, e.inventory_code).toBeGreaterThanOrEqual(0);
    expect(e.max_quantity, e.inventory_code).toBe(e.remain_quantity + e.ordered_quantity);
  }
}

describe('concurrency on the file store', () => {
  it('sells exactly the 10 remaining units to 200 concurrent orders, and a restart agrees', async () => {
    const data = mkdtempSync(path.join(tmpdir(), 'ax-sim-conc-'));
    // A small compaction threshold: the journal rotates and snapshots are written during the burst.
    const first = await serve(data, 8 * 1024);
    const { mappingCode, optionCode, rti } = await setUp(first.client);
    const entries = await inventory(first.client, optionCode);
    const target = entries.find((e) => e.is_order && e.remain_quantity > 10)!;
    const fill = target.remain_quantity - 10;
    await first.client.createTourOrder({
      body: orderBody({ mappingCode, optionCode, inventoryAt: inventoryAtOf(target), quantity: fill, rti }),
    });
    expect(entryOf(await inventory(first.client, optionCode), target.inventory_code).remain_quantity).toBe(
      10,
    );
    let connections = 0;
    first.app.server.on('connection', () => connections++);

    // 200 single-unit orders at once, with inventory reads interleaved: every read must be consistent
    // and remain can only go down.
    const orders = Array.from({ length: 200 }, (_, i) =>
      first.client.raw('POST', '/v1/channel/orders/tour', {
        body: orderBody({
          mappingCode,
          optionCode,
          inventoryAt: inventoryAtOf(target),
          channelOrderId: `race-${i}`,
          rti,
        }),
      }),
    );
    const reads = Array.from({ length: 40 }, () => inventory(first.client, optionCode));
    const [answers, snapshots] = await Promise.all([Promise.all(orders), Promise.all(reads)]);

    // The burst really ran over many sockets at once (the pool opens up to 64).
    expect(connections).toBeGreaterThanOrEqual(32);
    const byStatus = countBy(answers.map((a) => a.status));
    expect(byStatus).toEqual({ 201: 10, 400: 190 });
    for (const refused of answers.filter((a) => a.status === 400)) {
      expect(refused.data).toEqual({
        options: [
          { non_field_errors: [expect.stringMatching(/^매진된 인벤토리입니다|^남은 수량이 부족합니다/)] },
        ],
      });
    }
    for (const snapshot of snapshots) {
      expectConsistent(snapshot);
      const seen = entryOf(snapshot, target.inventory_code).remain_quantity;
      expect(seen).toBeGreaterThanOrEqual(0);
      expect(seen).toBeLessThanOrEqual(10);
    }
    const after = await inventory(first.client, optionCode);
    expectConsistent(after);
    expect(entryOf(after, target.inventory_code)).toMatchObject({
      remain_quantity: 0,
      ordered_quantity: target.max_quantity,
    });

    const sold = answers.filter((a) => a.status === 201).map(orderCodeOf);
    const exported = JSON.stringify((await first.client.exportState()).data);
    await first.stop();

    // A restart on the same folder finds exactly the acknowledged world.
    const second = await serve(data);
    const restored = (await second.client.listSimOrders()).data.orders.map((o) => o.ax_order_code);
    for (const code of sold) expect(restored).toContain(code);
    expect(JSON.stringify((await second.client.exportState()).data)).toBe(exported);
    expectConsistent(await inventory(second.client, optionCode));
  }, 60_000);

  it('releases each unit exactly once when ticket cancels, order cancels and supplier actions race', async () => {
    const data = mkdtempSync(path.join(tmpdir(), 'ax-sim-race-'));
    const { client, stop } = await serve(data, 16 * 1024);
    const { mappingCode, optionCode, rti } = await setUp(client);
    const entries = (await inventory(client, optionCode)).filter((e) => e.is_order && e.remain_quantity >= 4);
    const ORDERS = 12;
    const targets = entries.slice(0, ORDERS);
    expect(targets).toHaveLength(ORDERS);
    const before = new Map(targets.map((e) => [e.inventory_code, e.remain_quantity]));

    const created = await Promise.all(
      targets.map((entry, i) =>
        client.createTourOrder({
          body: orderBody({
            mappingCode,
            optionCode,
            inventoryAt: inventoryAtOf(entry),
            quantity: 4,
            channelOrderId: `cancel-race-${i}`,
            rti,
          }),
        }),
      ),
    );
    const lines = created.map((c) => c.data.data.depth_combinations[0]!);

    // Per order, all at once: 8 cancels of ticket 0, 8 of ticket 1, 8 whole-order cancels, 4 supplier
    // "use" of ticket 2 and 4 supplier "cancel" of ticket 3 — 32 requests × 12 orders in flight.
    const racing: Array<Promise<{ kind: string; order: string; answer: RawResponse }>> = [];
    for (const line of lines) {
      const order = line.ax_order_code;
      const [t0, t1, t2, t3] = line.tickets.map((t) => t.ax_ticket_code);
      const push = (kind: string, p: Promise<RawResponse>) =>
        racing.push(p.then((answer) => ({ kind, order, answer })));
      for (let i = 0; i < 8; i++) {
        push(
          'ticket',
          client.raw('PATCH', `/v1/channel/orders/tour/${order}/tickets/${t0}`, {
            body: { status: 'Traveler canceled' },
          }),
        );
        push(
          'ticket',
          client.raw('PATCH', `/v1/channel/orders/tour/${order}/tickets/${t1}`, {
            body: { status: 'Traveler Canceled' },
          }),
        );
        push(
          'order',
          client.raw('PATCH', `/v1/channel/orders/tour/${order}`, {
            body: { channel_status: 'Traveler cancel' },
          }),
        );
      }
      for (let i = 0; i < 4; i++) {
        push(
          'use',
          client.raw('POST', `/__sim/orders/${order}/tickets/${t2}/supplier`, { body: { action: 'use' } }),
        );
        push(
          'supplier-cancel',
          client.raw('POST', `/__sim/orders/${order}/tickets/${t3}/supplier`, { body: { action: 'cancel' } }),
        );
      }
    }
    const results = await Promise.all(racing);
    expect(results).toHaveLength(ORDERS * 32);

    for (const { kind, answer } of results) {
      expect([200, 400], `${kind}: ${answer.status} ${answer.rawBody}`).toContain(answer.status);
      // Channel cancels are idempotent: a cancel of what is already cancelled is a 200 no-op.
      if (kind === 'ticket' || kind === 'order') expect(answer.status, answer.rawBody).toBe(200);
    }
    const orders = new Map((await client.listSimOrders()).data.orders.map((o) => [o.ax_order_code, o]));
    const after = await inventory(client, optionCode);
    expectConsistent(after);
    for (const [i, line] of lines.entries()) {
      const order = orders.get(line.ax_order_code)!;
      expect(order.ax_order_status).toBe('Traveler cancel');
      const statuses = order.tickets.map((t) => t.ax_ticket_status);
      // Tickets 0 and 1: cancelled by the channel (by their own cancel or the order's, whichever came first).
      expect(statuses[0]).toBe('Traveler canceled');
      expect(statuses[1]).toBe('Traveler canceled');
      // Ticket 2: used if a "use" got in before the order cancel, else cancelled with the order — never both.
      const uses = results.filter(
        (r) => r.order === line.ax_order_code && r.kind === 'use' && r.answer.status === 200,
      );
      expect(uses.length).toBe(statuses[2] === 'Used' ? 1 : 0);
      expect(['Used', 'Traveler canceled']).toContain(statuses[2]);
      // Ticket 3: the supplier's cancel or the order's, exactly once.
      const supplierCancels = results.filter(
        (r) => r.order === line.ax_order_code && r.kind === 'supplier-cancel' && r.answer.status === 200,
      );
      expect(supplierCancels.length).toBe(statuses[3] === 'Supplier canceled' ? 1 : 0);
      // Every unit not used came back, once.
      const kept = statuses.filter((s) => s === 'Used').length;
      const entry = entryOf(after, targets[i]!.inventory_code);
      expect(entry.remain_quantity).toBe(before.get(targets[i]!.inventory_code)! - kept);
    }
    const exported = JSON.stringify((await client.exportState()).data);
    await stop();
    const again = await serve(data);
    expect(JSON.stringify((await again.client.exportState()).data)).toBe(exported);
  }, 60_000);

  it('keeps every channel consistent under a mixed concurrent load', async () => {
    const data = mkdtempSync(path.join(tmpdir(), 'ax-sim-mixed-'));
    const { client, app } = await serve(data, 8 * 1024);
    const { port } = app.server.address() as { port: number };
    const other = createAxCloudClient({
      baseUrl: `http://127.0.0.1:${port}`,
      apiKey: 'demo-key-2',
      retries: 0,
      connections: 32,
    });
    running.push(() => other.close());
    const mine = await setUp(client);
    const theirs = await setUp(other);
    const entries = (await inventory(client, mine.optionCode)).filter(
      (e) => e.is_order && e.remain_quantity > 0,
    );
    const theirBefore = JSON.stringify(await inventory(other, theirs.optionCode));

    // 300 orders spread over 5 entries, each entry oversubscribed, while channel B only reads.
    const targets = entries.slice(0, 5);
    const requests = Array.from({ length: 300 }, (_, i) => {
      const entry = targets[i % targets.length]!;
      return client.raw('POST', '/v1/channel/orders/tour', {
        body: orderBody({
          mappingCode: mine.mappingCode,
          optionCode: mine.optionCode,
          inventoryAt: inventoryAtOf(entry),
          quantity: 1 + (i % 3),
          channelOrderId: `mixed-${i}`,
          rti: mine.rti,
        }),
      });
    });
    const reads = Array.from({ length: 100 }, () => inventory(other, theirs.optionCode));
    const [answers, theirReads] = await Promise.all([Promise.all(requests), Promise.all(reads)]);
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([201, 400]));
    for (const read of theirReads) expect(JSON.stringify(read)).toBe(theirBefore);

    const after = await inventory(client, mine.optionCode);
    expectConsistent(after);
    const orders = (await client.listSimOrders()).data.orders;
    for (const entry of targets) {
      const sold = orders
        .filter((o) => o.inventory_code === entry.inventory_code)
        .reduce((n, o) => n + o.quantity, 0);
      const now = entryOf(after, entry.inventory_code);
      expect(now.remain_quantity).toBe(entry.remain_quantity - sold);
      expect(sold).toBeLessThanOrEqual(entry.remain_quantity);
    }
    expect(orders.length).toBe(answers.filter((a) => a.status === 201).length);
  }, 60_000);
});

function countBy(values: number[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

function orderCodeOf(answer: RawResponse): string {
  return (answer.data as AxCloudComponents['schemas']['CreateOrderResponse']).data.depth_combinations[0]!
    .ax_order_code;
}
