import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildSimulator } from '../server/app.ts';
import { caller, orderableEntries, orderBody, register } from './support/sandbox.ts';

/**
 * `PUT /__sim/state` racing order creation, on the file store (where the import's write takes real
 * time): every order that exists once the dust settles must get its scheduled supplier actions —
 * none lost (an order that never confirms), none applied twice (stock given back twice).
 */

const DELAYED_TOUR = '00000000-0000-4000-8000-000000000002';
const ORDERS = 600;

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function serve() {
  const dir = mkdtempSync(path.join(tmpdir(), 'ax-sim-import-race-'));
  const app = await buildSimulator({ data: dir });
  cleanup.push(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return app;
}

describe('import racing order creation', () => {
  it(`${ORDERS} orders racing an import: every order that exists confirms, exactly once`, async () => {
    const app = await serve();
    const call = caller(app);
    const product = await register(call, 'tour', DELAYED_TOUR);
    const { mappingCode, optionCode, rti } = product;
    const entries = await orderableEntries(call, product, { quantity: 10 });
    expect(entries.length).toBeGreaterThan(60);
    const exported = (await call('GET', '/__sim/state')).body;

    // The import starts in the middle of the burst; the orders keep coming while it is written.
    const created: Array<Promise<{ status: number; code?: string }>> = [];
    let imported: Promise<{ status: number }> | undefined;
    for (let i = 0; i < ORDERS; i++) {
      if (i === ORDERS / 2) imported = call('PUT', '/__sim/state', exported);
      const entry = entries[i % 60]!;
      const body = orderBody({
        mappingCode,
        optionCode,
        inventoryAt: `${entry.date}T${entry.start_time}:00`,
        rti,
        channelOrderId: `race-${i}`,
      });
      created.push(
        call('POST', '/v1/channel/orders/tour', body).then(({ status, body: answer }) => ({
          status,
          code: (answer.data as { depth_combinations?: Array<{ ax_order_code: string }> } | undefined)
            ?.depth_combinations?.[0]?.ax_order_code,
        })),
      );
      // Let some of them through the store before the next one starts, so they interleave with the import.
      if (i % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const answers = await Promise.all(created);
    expect((await imported!).status).toBe(200);
    expect(answers.filter((a) => a.status !== 201)).toEqual([]);

    // Every delayed-confirm action is due 30 minutes on.
    expect((await call('POST', '/__sim/clock/advance', { seconds: 31 * 60 })).status).toBe(200);
    const state = (await call('GET', '/__sim/state')).body.state as {
      orders: Record<string, { status: string; inventoryCode: string; quantity: number }>;
      stock: Record<string, number>;
      schedule: Record<string, { action: string; orderCode: string }>;
    };
    const orders = Object.values(state.orders);
    const survived = answers.filter((a) => a.code && state.orders[a.code]).length;
    const statuses: Record<string, number> = {};
    for (const order of orders) statuses[order.status] = (statuses[order.status] ?? 0) + 1;
    process.stdout.write(
      `import race: ${ORDERS} orders answered 201, import at #${ORDERS / 2}; ${survived} survive the import, statuses ${JSON.stringify(statuses)}\n`,
    );
    // Those created after the import replaced the state survive it (at least the later half).
    expect(survived).toBeGreaterThan(0);
    expect(orders).toHaveLength(survived);
    expect(statuses).toEqual({ 'Supplier confirm': survived });
    // What is left is each surviving order's check-in once its use time has passed: one each, none doubled.
    const left = Object.values(state.schedule);
    expect(left.filter((a) => a.action !== 'use')).toEqual([]);
    expect(left.map((a) => a.orderCode).sort()).toEqual(Object.keys(state.orders).sort());
    // Stock holds each surviving order once: no order lost, none counted or given back twice.
    const units: Record<string, number> = {};
    for (const order of orders)
      units[order.inventoryCode] = (units[order.inventoryCode] ?? 0) + order.quantity;
    expect(state.stock).toEqual(units);
  });
});
