/**
 * Growth: does a write cost more when the channel has a long history, and what does size cost at
 * start-up?
 *
 * - History is built quickly in this process, through the simulator's own API (`app.inject` on an
 *   in-memory simulator with the same default catalogue): day-ticket orders of 1 unit, every second one
 *   cancelled by the channel, created an hour back on the channel's clock so that every scheduled
 *   supplier action (pending, confirm, reject) has been applied by the time it is saved. The state is then
 *   written as the channel's snapshot in a fresh data folder by the file store itself, and a real
 *   `ax-sim serve` child starts on that folder.
 * - The load is order create only, durable, 1 unit per order, on inventory entries whose remaining stock
 *   the simulator reported.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_COUNTS, generateCatalog } from '../fixtures/catalog.ts';
import { buildSimulator } from '../server/app.ts';
import { stableHash } from '../server/domain/ids.ts';
import { parseMoney } from '../server/domain/money.ts';
import { type CreateOrderInput, cancelOrder, createOrder } from '../server/domain/orders.ts';
import { FileStore } from '../server/store/file.ts';
import { type LoadResult, runLoad } from './load.ts';
import { median } from './median.ts';
import {
  authHeaders,
  type Call,
  type Channel,
  type ClosedDay,
  httpCaller,
  orderBody,
  prepareFamily,
  READ_CHANNEL,
  type Slot,
} from './scenarios.ts';
import { AX_SIM, buildOnce, PINNED, rssOf, startSimulator } from './targets.ts';

export interface GrowthLevel {
  existingOrders: number;
  /** Time to build and save that history (not part of any target). */
  buildSeconds: number;
  snapshotBytes: number;
  startSeconds: number;
  /** Resident memory of the server after start-up, before the load. */
  rssStart: number;
  /** Resident memory after the load. */
  rssEnd: number;
  load: LoadResult;
}

export interface StartupResult {
  products: number;
  seedSeconds: number;
  fixtureBytes: number;
  /** Spawn to health 200, as a user runs it: not pinned, nothing else running (the median of 3). */
  startSeconds: number;
  /** The same with the server pinned to one core, as every server in the load runs is (median of 3). */
  startSecondsPinned?: number;
  /** Every start, in order: unpinned, pinned, unpinned, … */
  starts: Array<{ pinned: boolean; seconds: number }>;
  rss: number;
}

const HISTORY_CHANNEL: Channel = READ_CHANNEL;

let closedDays: ClosedDay | undefined;
/**
 * Closed days of the default catalogue (what `ax-sim serve` runs without --fixtures), which the
 * day-ticket inventory API does not show.
 */
export function closedInDefaultCatalogue(): ClosedDay {
  if (!closedDays) {
    const closed = new Map<string, Set<number>>();
    for (const product of generateCatalog({ seed: 42, ...DEFAULT_COUNTS }).products) {
      for (const option of product.options) closed.set(option.code, new Set(option.inventory.closedDays));
    }
    closedDays = (optionCode, day) => closed.get(optionCode)?.has(day) ?? false;
  }
  return closedDays;
}

/**
 * History for HISTORY_CHANNEL, grown in steps and saved as a data folder at each step. Products are
 * registered and stock is read through the API (inject); the orders themselves go straight through the
 * sandbox to the domain's createOrder and cancelOrder — what the HTTP handlers call — which is ten times
 * faster than injecting 100,000 requests.
 */
export class HistoryBuilder {
  private created = 0;
  private constructor(
    private readonly app: Awaited<ReturnType<typeof buildSimulator>>,
    private readonly pool: Array<{ slot: Slot; left: number }>,
    /** The builder's real clock: orders are placed an hour back, then it moves to now. */
    private readonly time: { now: number },
    private readonly startedMs: number,
  ) {}

  static async create(): Promise<HistoryBuilder> {
    const started = performance.now();
    const time = { now: Date.now() - 3_600_000 };
    const app = await buildSimulator({ data: ':memory:', realNow: () => time.now });
    const headers = { ...authHeaders(HISTORY_CHANNEL), 'content-type': 'application/json' };
    const call: Call = async (method, url, body) => {
      const response = await app.inject({ method, url, headers, payload: body as never });
      return { status: response.statusCode, text: response.body };
    };
    const slots = await prepareFamily(call, 'day-ticket', 1, closedInDefaultCatalogue());
    const pool = slots.map((slot) => ({ slot, left: slot.remain }));
    return new HistoryBuilder(app, pool, time, started);
  }

  /** Adds orders until the channel has `total`: 1 unit each, every second one cancelled by the channel. */
  async grow(total: number): Promise<void> {
    const sim = this.app.sim;
    let cursor = 0;
    this.time.now = Date.now() - 3_600_000;
    for (let i = this.created; i < total; i++) {
      for (let tries = 0; this.pool[cursor % this.pool.length]!.left <= 0; tries++) {
        if (tries > this.pool.length) throw new Error('history: the catalogue has no stock left');
        cursor++;
      }
      const entry = this.pool[cursor % this.pool.length]!;
      entry.left--;
      cursor++;
      const slot = entry.slot;
      const body = orderBody(slot, `history-${i}`, 1) as {
        options: Array<{ tickets: Array<Record<string, unknown>> }>;
        representative: Record<string, unknown>;
        purchaser: Record<string, unknown>;
      };
      const input: CreateOrderInput = {
        family: 'day-ticket',
        channelOrderCode: `history-${i}`,
        requestHash: stableHash(body),
        currency: 'KRW',
        lines: [
          {
            mappingCode: slot.mappingCode,
            optionCode: slot.optionCode,
            quantity: 1,
            inventoryAt: slot.inventoryAt,
            unitSellingPrice: parseMoney('2222')!,
            amountPrice: parseMoney('2200')!,
            tickets: body.options[0]!.tickets.map((t) => ({
              channelCode: String(t.channel_code),
              traveler: t,
            })),
          },
        ],
        representative: body.representative,
        purchaser: body.purchaser,
      };
      const created = await sim.run(HISTORY_CHANNEL.code, (ctx) => createOrder(ctx, input));
      if (i % 2 === 1) {
        const code = created.orders[0]!.code;
        await sim.run(HISTORY_CHANNEL.code, (ctx) =>
          cancelOrder(ctx, 'day-ticket', code, {
            channelStatus: 'Traveler cancel',
            comment: '여행자의 개인 사정으로 인한 취소',
          }),
        );
        entry.left++;
      }
    }
    this.created = Math.max(this.created, total);
  }

  /**
   * Saves the channel as a data folder, as the file store writes it, after bringing the clock to real
   * time (which applies every supplier action that fell due: pending, confirm, reject).
   */
  async save(dir: string): Promise<{ seconds: number; bytes: number }> {
    this.time.now = Date.now();
    await this.app.sim.read(HISTORY_CHANNEL.code, () => null);
    const { state } = await this.app.sim.exportState(HISTORY_CHANNEL.code);
    mkdirSync(dir, { recursive: true });
    const store = new FileStore({ dir });
    await store.open(HISTORY_CHANNEL.code, () => state);
    await store.close();
    return {
      seconds: (performance.now() - this.startedMs) / 1000,
      bytes: statSync(path.join(dir, `${HISTORY_CHANNEL.code}.json`)).size,
    };
  }

  close(): Promise<void> {
    return this.app.close();
  }
}

/** Starts a simulator on `dir`, runs order create for `seconds`, reports throughput and memory. */
export async function measureLevel(
  existingOrders: number,
  dir: string,
  built: { seconds: number; bytes: number },
  options: { connections: number; seconds: number; warmupSeconds: number },
): Promise<GrowthLevel> {
  const sim = await startSimulator({ data: dir, name: `sim (${existingOrders} orders)` });
  try {
    const call = httpCaller(sim.url, HISTORY_CHANNEL);
    const slots = await prepareFamily(call, 'day-ticket', 1, closedInDefaultCatalogue());
    await sleep(500);
    const rssStart = sim.rss();
    const headers = authHeaders(HISTORY_CHANNEL);
    if (options.warmupSeconds > 0) {
      await runLoad({
        url: sim.url,
        connections: options.connections,
        seconds: options.warmupSeconds,
        headers,
        sequence: { kind: 'create only', slots, runId: `warm-${existingOrders}` },
      });
      // The warm-up took stock: ask again.
      slots.splice(
        0,
        slots.length,
        ...(await prepareFamily(call, 'day-ticket', 1, closedInDefaultCatalogue())),
      );
    }
    const load = await runLoad({
      url: sim.url,
      connections: options.connections,
      seconds: options.seconds,
      headers,
      sequence: { kind: 'create only', slots, runId: `growth-${existingOrders}` },
      serverPid: sim.pid,
    });
    const rssEnd = sim.rss();
    return {
      existingOrders,
      buildSeconds: built.seconds,
      snapshotBytes: built.bytes,
      startSeconds: sim.startMs / 1000,
      rssStart,
      rssEnd,
      load,
    };
  } finally {
    await sim.stop();
  }
}

export async function measureGrowth(
  levels: readonly number[],
  options: {
    connections: number;
    seconds: number;
    warmupSeconds: number;
    log: (line: string) => void;
    /** A level that failed: reported, and the next level is measured. */
    fail: (what: string, error: unknown) => void;
  },
): Promise<GrowthLevel[]> {
  const base = mkdtempSync(path.join(tmpdir(), 'ax-sim-bench-growth-'));
  const results: GrowthLevel[] = [];
  let builder: HistoryBuilder | undefined;
  try {
    builder = await HistoryBuilder.create();
    for (const orders of [...levels].sort((a, b) => a - b)) {
      try {
        results.push(await measureOneLevel(builder, orders, path.join(base, `orders-${orders}`), options));
      } catch (error) {
        options.fail(`growth with ${orders} existing orders`, error);
      }
    }
  } catch (error) {
    options.fail('growth', error);
  } finally {
    await builder?.close();
    rmSync(base, { recursive: true, force: true });
  }
  return results;
}

async function measureOneLevel(
  builder: HistoryBuilder,
  orders: number,
  dir: string,
  options: { connections: number; seconds: number; warmupSeconds: number; log: (line: string) => void },
): Promise<GrowthLevel> {
  try {
    options.log(`growth: building ${orders} orders of history…`);
    const started = performance.now();
    await builder.grow(orders);
    const saved = await builder.save(dir);
    const built = { seconds: (performance.now() - started) / 1000, bytes: saved.bytes };
    options.log(
      `growth: built in ${built.seconds.toFixed(1)} s (snapshot ${(built.bytes / 1048576).toFixed(1)} MiB); measuring order create…`,
    );
    const level = await measureLevel(orders, dir, built, options);
    options.log(
      `growth: ${orders} orders → ${Math.round(level.load.rps)} creates/s, p99 ${level.load.p99.toFixed(1)} ms, ` +
        `RSS ${(level.rssStart / 1048576).toFixed(0)} MiB, others used ${(level.load.foreignCores ?? 0).toFixed(2)} cores`,
    );
    return level;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Seed time (`ax-sim seed` for `tours` + `dayTickets` products, as a child process) and start-up time
 * of `ax-sim serve --fixtures` on that file until `/__sim/health` answers 200.
 */
export async function measureStartup(
  tours: number,
  dayTickets: number,
  log: (line: string) => void,
): Promise<StartupResult> {
  const base = mkdtempSync(path.join(tmpdir(), 'ax-sim-bench-startup-'));
  try {
    const file = path.join(base, 'catalogue.json');
    const { spawn } = await import('node:child_process');
    buildOnce();
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [AX_SIM, 'seed', '--tours', String(tours), '--day-tickets', String(dayTickets), '--out', file],
        { stdio: ['ignore', 'ignore', 'inherit'] },
      );
      const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        code === 0 ? resolve() : reject(new Error(`ax-sim seed exited with ${code}`));
      });
    });
    const seedSeconds = (performance.now() - started) / 1000;
    const fixtureBytes = statSync(file).size;
    log(
      `startup: seeded ${tours + dayTickets} products in ${seedSeconds.toFixed(1)} s (${(fixtureBytes / 1048576).toFixed(0)} MiB); starting the simulator on it…`,
    );
    // Nothing else runs meanwhile. Unpinned is how a user runs it; pinned to one core is how the load
    // runs see a server. Alternating, three of each, each on a fresh data folder.
    const starts: StartupResult['starts'] = [];
    let rss = 0;
    for (let i = 0; i < (PINNED ? 6 : 3); i++) {
      const pinned = PINNED && i % 2 === 1;
      const data = path.join(base, `data-${i}`);
      const sim = await startSimulator({ data, fixtures: file, timeoutMs: 120_000, pin: pinned });
      try {
        starts.push({ pinned, seconds: sim.startMs / 1000 });
        if (i === 0) {
          await sleep(500);
          rss = rssOf(sim.pid);
        }
      } finally {
        await sim.stop();
      }
      rmSync(data, { recursive: true, force: true });
    }
    const medianOf = (pinned: boolean) => {
      const values = starts.filter((s) => s.pinned === pinned).map((s) => s.seconds);
      return values.length > 0 ? median(values) : undefined;
    };
    return {
      products: tours + dayTickets,
      seedSeconds,
      fixtureBytes,
      startSeconds: medianOf(false)!,
      ...(PINNED && { startSecondsPinned: medianOf(true) }),
      starts,
      rss,
    };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
