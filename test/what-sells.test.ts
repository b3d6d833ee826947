import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_COUNTS } from '../fixtures/catalog.ts';
import { buildSimulator } from '../server/app.ts';
import {
  allEntries,
  allProducts,
  caller,
  type FamilyName,
  inventoryAtOf,
  orderBody,
  register,
} from './support/sandbox.ts';

/**
 * What is shown is what sells. Over the whole default catalogue (every product, option and listed
 * entry, all pages) for several catalogue seeds and virtual clocks: every entry listed with
 * `remain_quantity` ≥ 1 (tours: and `is_order: true`) accepts an order of one unit, which is then
 * cancelled; and stock moves by exactly that unit. A closed day-ticket date is listed with remain 0.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Catalogue seed, the frozen real clock, and how far the virtual clock is moved before checking. */
const CASES: Array<{ seed: number; realNow: number; advanceMs: number }> = [
  { seed: 42, realNow: Date.UTC(2026, 4, 10, 3, 0), advanceMs: 0 },
  // 23:30 in Seoul, then 3 days and 5 h 30 min on: today's tours have partly started.
  { seed: 7, realNow: Date.UTC(2026, 4, 10, 14, 30), advanceMs: 3 * DAY + 5.5 * HOUR },
  { seed: 2026, realNow: Date.UTC(2027, 0, 1, 0, 0), advanceMs: 120 * DAY },
];

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const totals = { entries: 0, ordered: 0, closedDayTicketDates: 0 };
/** About 9,000 orders and cancels per case: seconds alone, longer next to the other test files. */
const CASE_TIMEOUT_MS = 180_000;

describe('every listed, available entry of the default catalogue sells one unit', () => {
  it.each(CASES)(
    'seed $seed, clock moved by $advanceMs ms',
    async ({ seed, realNow, advanceMs }) => {
      app = await buildSimulator({ seed, realNow: () => realNow });
      const call = caller(app);
      if (advanceMs > 0) {
        expect((await call('POST', '/__sim/clock/advance', { seconds: advanceMs / 1000 })).status).toBe(200);
      }
      let checked = 0;
      let orders = 0;
      let n = 0;
      const families: FamilyName[] = ['tour', 'day-ticket'];
      for (const family of families) {
        const products = await allProducts(call, family);
        expect(products).toHaveLength(family === 'tour' ? DEFAULT_COUNTS.tours : DEFAULT_COUNTS.dayTickets);
        for (const productCode of products) {
          const product = await register(call, family, productCode);
          const inventory = await allEntries(call, family, productCode);
          for (const [optionCode, entries] of Object.entries(inventory)) {
            expect(entries.length, `${productCode} ${optionCode} lists nothing`).toBeGreaterThan(0);
            for (const entry of entries) {
              checked++;
              expect(entry.max_quantity).toBe(entry.remain_quantity + entry.ordered_quantity);
              const available = entry.remain_quantity >= 1 && entry.is_order !== false;
              if (!available) {
                if (family === 'day-ticket') totals.closedDayTicketDates++;
                continue;
              }
              const at = inventoryAtOf(entry);
              const created = await call(
                'POST',
                `/v1/channel/orders/${family}`,
                orderBody({
                  mappingCode: product.mappingCode,
                  optionCode,
                  inventoryAt: at,
                  rti: product.rti,
                  channelOrderId: `sells-${seed}-${n++}`,
                }),
              );
              expect(
                created.status,
                `${family} ${productCode} ${optionCode} ${at}: ${JSON.stringify(created.body)}`,
              ).toBe(201);
              orders++;
              const axOrder = created.body.data.depth_combinations[0].ax_order_code as string;
              const cancelled = await call('PATCH', `/v1/channel/orders/${family}/${axOrder}`, {
                channel_status: 'Traveler cancel',
              });
              expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
            }
          }
          // Every unit came back: the inventory reads as it did.
          expect(await allEntries(call, family, productCode)).toEqual(inventory);
        }
      }
      totals.entries += checked;
      totals.ordered += orders;
      console.log(`seed ${seed}: ${checked} listed entries checked, ${orders} ordered and cancelled`);
      expect(orders).toBeGreaterThan(checked / 2);
    },
    CASE_TIMEOUT_MS,
  );

  it('checked entries on every seed', () => {
    console.log(
      `what sells: ${totals.entries} entries over ${CASES.length} seeds, ${totals.ordered} orders, ` +
        `${totals.closedDayTicketDates} day-ticket dates listed with remain 0 (closed or sold out)`,
    );
    expect(totals.ordered).toBeGreaterThan(0);
  });
});
