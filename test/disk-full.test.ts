import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import type { AxCloudComponents } from '../client/index.ts';
import { buildSimulator } from '../server/app.ts';
import { caller, orderBody, register } from './support/sandbox.ts';
import { missingService } from './support/services.ts';

/**
 * A real full disk: the data folder is a 2 MiB tmpfs mounted by the test (it needs root, as CI has;
 * elsewhere the test says why it skips, and under CI=true it fails instead). Orders are created until
 * the disk is full, then: reads are still answered, writes are answered 503 in the vendor's format,
 * a restart succeeds on the full disk, writes work again without a restart once space is freed, and
 * after a last restart exactly the orders answered 201 are there.
 */

type TourInventory = AxCloudComponents['schemas']['TourInventory'];

const MANUAL_TOUR = '00000000-0000-4000-8000-000000000004';

function mountTmpfs(): { dir: string } | { skip: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'ax-sim-tmpfs-'));
  if (process.getuid?.() !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return { skip: missingService('a small tmpfs', 'mounting one needs root (CI runs as root)') };
  }
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'pipe' });
    return { dir };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return {
      skip: missingService(
        'a small tmpfs',
        `mount failed: ${String((error as Error).message).split('\n')[0]}`,
      ),
    };
  }
}

const mounted = mountTmpfs();
const apps: FastifyInstance[] = [];
afterAll(async () => {
  for (const app of apps.splice(0)) await app.close().catch(() => {});
  if ('dir' in mounted) {
    execFileSync('umount', [mounted.dir]);
    rmSync(mounted.dir, { recursive: true, force: true });
  }
});

async function start(dir: string) {
  const app = await buildSimulator({ data: dir, compactBytes: 64 * 1024 });
  apps.push(app);
  return app;
}

function send(app: FastifyInstance, method: 'GET' | 'POST', url: string, body?: unknown) {
  return caller(app)(method, url, body);
}

/** Appends to `file` until the disk is full. */
function fillUp(file: string): void {
  const page = Buffer.alloc(4096, 2);
  try {
    for (;;) appendFileSync(file, page);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
}

async function channelOrderIds(app: FastifyInstance): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let offset: number | null = 0; offset !== null; ) {
    const page = await send(app, 'GET', `/__sim/orders?limit=1000&offset=${offset}`);
    for (const o of page.body.orders as Array<{ channel_order_code: string }>) ids.add(o.channel_order_code);
    offset = page.body.next as number | null;
  }
  return ids;
}

describe.skipIf('skip' in mounted)('a full disk (2 MiB tmpfs)', () => {
  it('nothing answered 201 is lost, reads go on, restart succeeds, writes resume when space returns', async () => {
    const dir = (mounted as { dir: string }).dir;
    const warn = process.emitWarning;
    process.emitWarning = () => {};
    try {
      // Room to give back later.
      writeFileSync(path.join(dir, 'filler'), Buffer.alloc(384 * 1024, 1));
      let app = await start(dir);
      const { mappingCode, rti } = await register(caller(app), 'tour', MANUAL_TOUR);
      // Every unit on sale of both options, one order each (the disk fills long before they run out).
      const slots: Array<{ optionCode: string; inventoryAt: string }> = [];
      for (let page = 1; page <= 4; page++) {
        const inventory = (
          await send(app, 'GET', `/v1/channel/inventory/tour/${MANUAL_TOUR}?page=${page}&page_size=100`)
        ).body as TourInventory;
        for (const [optionCode, list] of Object.entries(inventory.option_codes)) {
          for (const e of list) {
            if (!e.is_order) continue;
            for (let n = 0; n < e.remain_quantity; n++) {
              slots.push({ optionCode, inventoryAt: `${e.date}T${e.start_time}:00` });
            }
          }
        }
      }
      expect(slots.length).toBeGreaterThan(3_000);

      const acknowledged = new Set<string>();
      let attempts = 0;
      let refused = 0;
      const order = async () => {
        const slot = slots[attempts]!;
        const id = `full-${attempts++}`;
        const answer = await send(
          app,
          'POST',
          '/v1/channel/orders/tour',
          orderBody({
            mappingCode,
            optionCode: slot.optionCode,
            inventoryAt: slot.inventoryAt,
            rti,
            channelOrderId: id,
          }),
        );
        if (answer.status === 201) acknowledged.add(id);
        else {
          expect(answer.status, JSON.stringify(answer.body)).toBe(503);
          expect(Object.keys(answer.body)).toEqual(['detail']);
          refused++;
        }
        return answer.status;
      };

      // Fill the disk: waves of 8 concurrent orders until 40 have been refused.
      while (refused < 40 && attempts < slots.length - 100)
        await Promise.all(Array.from({ length: 8 }, order));
      expect(refused).toBeGreaterThanOrEqual(40);
      const filled = acknowledged.size;

      // Reads are answered while writes fail.
      const listed = await send(app, 'GET', '/__sim/orders?limit=5');
      expect(listed.status).toBe(200);
      expect(listed.body.count).toBe(filled);
      expect((await send(app, 'GET', `/v1/channel/products/tour/${MANUAL_TOUR}`)).status).toBe(200);
      expect((await send(app, 'GET', '/__sim/state')).status).toBe(200);
      // A failed snapshot gives back the space of its temporary file: take all that is left.
      fillUp(path.join(dir, 'filler-2'));
      const more: number[] = [];
      for (let i = 0; i < 10; i++) more.push(await order());
      expect(more).toContain(503);

      // A restart on the full disk succeeds and holds every acknowledged order, no refused one.
      await app.close();
      app = await start(dir);
      expect(await channelOrderIds(app)).toEqual(acknowledged);

      // Space comes back — the fillers go and the disk grows, so a snapshot of the whole state fits
      // again (the fillers alone give back less than one): writes work again, no restart.
      rmSync(path.join(dir, 'filler'));
      rmSync(path.join(dir, 'filler-2'));
      execFileSync('mount', ['-o', 'remount,size=8m', dir]);
      const statuses = [];
      for (let i = 0; i < 20; i++) statuses.push(await order());
      expect(statuses).toEqual(Array(20).fill(201));

      // A crash-free restart: exactly the orders answered 201.
      await app.close();
      app = await start(dir);
      const recovered = await channelOrderIds(app);
      expect(recovered).toEqual(acknowledged);
      process.stdout.write(
        `disk full: ${attempts} orders tried, ${acknowledged.size} answered 201 (${filled} before the disk filled), ` +
          `${refused} answered 503; recovered after restart: ${recovered.size}\n`,
      );
    } finally {
      process.emitWarning = warn;
    }
  }, 120_000);
});
