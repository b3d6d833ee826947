import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AxCloudClient,
  type AxCloudComponents,
  createAxCloudClient,
  type RawResponse,
} from '../client/index.ts';
import { type CliProcess, killStarted, serveCli } from './support/cli.ts';
import { createTestDatabase, type TestDatabase } from './support/pg.ts';
import { storeSuite } from './support/pg-store-suite.ts';
import {
  allSimOrders,
  clientCaller,
  type ListedEntry,
  lineOf,
  optionEntries,
  orderBody,
  type Registered,
  register as registerProduct,
} from './support/sandbox.ts';
import { missingService, TEST_PG_URL } from './support/services.ts';

/**
 * Three real `ax-sim serve` processes on one PostgreSQL database behave as one simulator: stock is
 * sold exactly once across them, an order id is one order whichever instance gets it, a kill -9 loses
 * nothing acknowledged, PostgreSQL going away gives 503s and then recovery, and what one instance
 * changes (reset, clock, supplier actions, fault rules) the others see at once.
 */

const MANUAL_TOUR = '00000000-0000-4000-8000-000000000004';
const REJECT_TOUR = '00000000-0000-4000-8000-000000000003';
const ROOT = fileURLToPath(new URL('..', import.meta.url));

const db = await createTestDatabase();
const skip = typeof db === 'string';

storeSuite(skip);

interface Instance {
  cli: CliProcess & { baseUrl: string };
  client: AxCloudClient;
  other: AxCloudClient;
}
const instances: Instance[] = [];

async function start(url: string): Promise<Instance> {
  const cli = await serveCli(['--data', url]);
  const make = (apiKey: string) =>
    createAxCloudClient({ baseUrl: cli.baseUrl, apiKey, retries: 0, connections: 64, timeoutMs: 30_000 });
  return { cli, client: make('demo-key'), other: make('demo-key-2') };
}

async function stop(instance: Instance): Promise<void> {
  await instance.client.close();
  await instance.other.close();
  if (instance.cli.child.exitCode === null && instance.cli.child.signalCode === null) {
    instance.cli.child.kill('SIGTERM');
    await instance.cli.exited;
  }
}

beforeAll(async () => {
  if (skip) return;
  // All three start at once on an empty database: the migrations must not race.
  instances.push(...(await Promise.all([0, 1, 2].map(() => start((db as TestDatabase).url)))));
}, 60_000);

afterAll(async () => {
  for (const instance of instances.splice(0)) await stop(instance).catch(() => {});
  killStarted();
  if (!skip) await (db as TestDatabase).drop();
}, 60_000);

const register = (client: AxCloudClient, product = MANUAL_TOUR) =>
  registerProduct(clientCaller(client), 'tour', product);
type Setup = Registered;

const inventory = (client: AxCloudClient, setup: Setup) => optionEntries(clientCaller(client), setup);

const entryOf = (entries: ListedEntry[], code: string) => entries.find((e) => e.inventory_code === code)!;
const countBy = (values: Array<number | string>) =>
  values.reduce<Record<string, number>>((acc, v) => {
    acc[v] = (acc[v] ?? 0) + 1;
    return acc;
  }, {});

function order(client: AxCloudClient, setup: Setup, entry: ListedEntry, id: string, quantity = 1) {
  return client.raw('POST', '/v1/channel/orders/tour', {
    body: orderBody({ ...lineOf(setup, entry), channelOrderId: id, quantity }),
  });
}

type Created = { code: string; tickets: string[]; entry: string; quantity: number };
function createdOf(answer: RawResponse, entry: string, quantity: number): Created {
  const line = (answer.data as AxCloudComponents['schemas']['CreateOrderResponse']).data
    .depth_combinations[0]!;
  return { code: line.ax_order_code, tickets: line.tickets.map((t) => t.ax_ticket_code), entry, quantity };
}

/** For every entry: units ordered since `before` = tickets of our orders still holding stock. */
async function expectStockArithmetic(client: AxCloudClient, setup: Setup, before: ListedEntry[]) {
  const after = await inventory(client, setup);
  const orders = await allSimOrders(client);
  for (const entry of after) {
    expect(entry.max_quantity, entry.inventory_code).toBe(entry.remain_quantity + entry.ordered_quantity);
    expect(entry.remain_quantity, entry.inventory_code).toBeGreaterThanOrEqual(0);
    const active = orders
      .filter((o) => o.inventory_code === entry.inventory_code)
      .flatMap((o) => o.tickets)
      .filter((t) => t.ax_ticket_status === 'New' || t.ax_ticket_status === 'Used').length;
    const seeded = entryOf(before, entry.inventory_code).ordered_quantity;
    expect(entry.ordered_quantity - seeded, entry.inventory_code).toBe(active);
  }
  return { after, orders };
}

describe.skipIf(skip)('three ax-sim serve processes on one PostgreSQL database', () => {
  const a = () => instances[0]!;
  const b = () => instances[1]!;
  const c = () => instances[2]!;

  it('ran the migrations once although all three started at once', async () => {
    const client = new pg.Client({ connectionString: (db as TestDatabase).url });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT version FROM ax_sim_migration ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual([1, 2]);
    } finally {
      await client.end();
    }
  });

  it('sells exactly 10 units to 300 concurrent one-unit orders spread round-robin over the three', async () => {
    await a().client.resetSandbox();
    const setup = await register(a().client);
    const entries = await inventory(b().client, setup);
    const target = entries.find((e) => e.is_order && e.remain_quantity > 10)!;
    const fill = await order(c().client, setup, target, 'fill', target.remain_quantity - 10);
    expect(fill.status).toBe(201);

    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) => order(instances[i % 3]!.client, setup, target, `race-${i}`)),
    );
    const statuses = countBy(answers.map((x) => x.status));
    process.stderr.write(`300 orders for 10 units over 3 instances: ${JSON.stringify(statuses)}\n`);
    expect(statuses).toEqual({ 201: 10, 400: 290 });
    for (const instance of instances) {
      expect(entryOf(await inventory(instance.client, setup), target.inventory_code)).toMatchObject({
        remain_quantity: 0,
        ordered_quantity: target.max_quantity,
      });
    }
  }, 60_000);

  it('makes one order of one channel_order_id sent to two instances at once', async () => {
    const setup = await register(a().client);
    const entries = (await inventory(a().client, setup)).filter((e) => e.is_order && e.remain_quantity >= 2);
    const ids = Array.from({ length: 20 }, (_, i) => `twice-${i}-${Date.now()}`);
    const pairs = await Promise.all(
      ids.map((id, i) =>
        Promise.all([
          order(instances[i % 3]!.client, setup, entries[i % entries.length]!, id),
          order(instances[(i + 1) % 3]!.client, setup, entries[i % entries.length]!, id),
        ]),
      ),
    );
    const orders = await allSimOrders(c().client);
    for (const [i, [first, second]] of pairs.entries()) {
      expect([first.status, second.status]).toEqual([201, 201]);
      const entry = entries[i % entries.length]!.inventory_code;
      expect(createdOf(first, entry, 1).code).toBe(createdOf(second, entry, 1).code);
      expect(orders.filter((o) => o.channel_order_code === ids[i])).toHaveLength(1);
    }
    process.stderr.write(
      `same channel_order_id to two instances: ${ids.length} ids → ${ids.length} orders\n`,
    );
  }, 60_000);

  it('shows a reset, a clock advance, a supplier action and a fault rule made through one on the others', async () => {
    const [x, y, z] = [a().other, b().other, c().other];
    // Clock.
    await x.advanceClock({ body: { seconds: 3600 } });
    expect((await y.getClock()).data.offset_seconds).toBe(3600);

    // A supplier action through one instance, seen through another.
    const manual = await register(x);
    const entry = (await inventory(x, manual)).find((e) => e.is_order && e.remain_quantity >= 1)!;
    const made = createdOf(await order(x, manual, entry, `supplier-${Date.now()}`), entry.inventory_code, 1);
    await y.actAsSupplierOnOrder({ path: { ax_order_code: made.code }, body: { action: 'confirm' } });
    const confirmed = await z.getTourOrderConfirm({ path: { ax_order_code: made.code } });
    expect(JSON.stringify(confirmed.data)).toContain('Supplier confirm');

    // Supplier actions falling due on the virtual clock apply exactly once, whichever instance notices:
    // each reject gives its unit back, and a second application would give it back twice.
    const reject = await register(x, REJECT_TOUR);
    const before = await inventory(x, reject);
    const targets = before.filter((e) => e.is_order && e.remain_quantity >= 1).slice(0, 6);
    const rejected = await Promise.all(
      targets.map(async (e, i) =>
        createdOf(
          await order(instances[i % 3]!.other, reject, e, `reject-${i}-${Date.now()}`),
          e.inventory_code,
          1,
        ),
      ),
    );
    await y.advanceClock({ body: { seconds: 600 } });
    // Every instance reads at once right after the advance: each may be the one to apply the rejects.
    const seen = await Promise.all(
      rejected.flatMap((r) =>
        [x, y, z].map((cl) => cl.getTourOrderConfirm({ path: { ax_order_code: r.code } })),
      ),
    );
    for (const answer of seen) expect(JSON.stringify(answer.data)).toContain('Supplier reject');
    const afterReject = await inventory(z, reject);
    for (const e of targets) {
      expect(entryOf(afterReject, e.inventory_code).remain_quantity).toBe(e.remain_quantity);
    }

    // Fault rules.
    const price = `/v1/channel/price/tour/${MANUAL_TOUR}`;
    await x.putFaults({ body: { rules: [{ method: 'GET', path: '/v1/channel/price/**', status: 503 }] } });
    expect((await y.raw('GET', price)).status).toBe(503);
    expect((await z.getFaults()).data.rules).toHaveLength(1);
    await z.deleteFaults();
    expect((await y.raw('GET', price)).status).toBe(200);

    // Reset.
    await z.resetSandbox();
    expect((await x.getClock()).data.offset_seconds).toBe(0);
    expect(await allSimOrders(y)).toEqual([]);
  }, 60_000);

  it('passes the contract suite (writes on) against a PostgreSQL-backed instance', async () => {
    const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url)),
          'run',
          '--project',
          'contract',
        ],
        {
          cwd: ROOT,
          stdio: ['ignore', 'pipe', 'pipe'],
          env: {
            ...process.env,
            AX_BASE_URL: b().cli.baseUrl,
            AX_API_KEY: 'demo-key-2',
            AX_CHANNEL_CODE: 'demo-channel-2',
            AX_CONTRACT_WRITES: '1',
          },
        },
      );
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      child.stderr!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      child.once('exit', (code) => resolve({ code, out }));
    });
    const summary = /Tests\s+.*$/m.exec(result.out)?.[0] ?? result.out.slice(-2000);
    process.stderr.write(`contract suite against PostgreSQL-backed instance: ${summary}\n`);
    expect(result.code, result.out.slice(-4000)).toBe(0);
  }, 300_000);

  it('loses nothing acknowledged when one instance is killed -9 under a mixed write load', async () => {
    await a().client.resetSandbox();
    const setup = await register(a().client);
    const before = await inventory(a().client, setup);
    const entries = before.filter((e) => e.is_order && e.remain_quantity >= 5);
    const created: Created[] = [];
    const cancelledTickets = new Set<string>();
    const cancelledOrders = new Set<string>();
    const statuses: Record<string, number> = {};
    let stopAt = Number.POSITIVE_INFINITY;
    let n = 0;
    const victim = c();
    const worker = async (w: number) => {
      while (Date.now() < stopAt) {
        const alive = instances.filter((i) => (i === victim ? victim.cli.child.signalCode === null : true));
        const pick = alive[(n++ + w) % alive.length]!.client;
        const entry = entries[n % entries.length]!;
        const quantity = 1 + (n % 2);
        try {
          const answer = await order(pick, setup, entry, `mixed-${w}-${n}`, quantity);
          statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
          if (answer.status !== 201) continue;
          const made = createdOf(answer, entry.inventory_code, quantity);
          created.push(made);
          const next = instances[(n + 1) % 3]!.client;
          if (n % 3 === 0) {
            const r = await next.raw(
              'PATCH',
              `/v1/channel/orders/tour/${made.code}/tickets/${made.tickets[0]}`,
              {
                body: { status: 'Traveler canceled' },
              },
            );
            if (r.status === 200) cancelledTickets.add(made.tickets[0]!);
          } else if (n % 3 === 1) {
            const r = await next.raw('PATCH', `/v1/channel/orders/tour/${made.code}`, {
              body: { channel_status: 'Traveler cancel', comment: 'mixed load' },
            });
            if (r.status === 200) cancelledOrders.add(made.code);
          }
        } catch {
          statuses.error = (statuses.error ?? 0) + 1;
        }
      }
    };
    const started = Date.now();
    stopAt = started + 4_000;
    const load = Promise.all(Array.from({ length: 24 }, (_, w) => worker(w)));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    victim.cli.child.kill('SIGKILL');
    await load;
    process.stderr.write(
      `kill -9 under mixed load: creates ${JSON.stringify(statuses)}, ${created.length} acknowledged, ` +
        `${cancelledTickets.size} ticket and ${cancelledOrders.size} order cancels acknowledged\n`,
    );
    expect(created.length).toBeGreaterThan(50);

    for (const survivor of [a(), b()]) {
      const orders = await allSimOrders(survivor.client);
      const byCode = new Map(orders.map((o) => [o.ax_order_code, o]));
      for (const made of created) {
        const found = byCode.get(made.code);
        expect(found, made.code).toBeDefined();
        if (cancelledOrders.has(made.code)) expect(found!.ax_order_status).not.toBe('New');
      }
      for (const ticket of cancelledTickets) {
        const owner = orders.find((o) => o.tickets.some((t) => t.ax_ticket_code === ticket))!;
        expect(owner.tickets.find((t) => t.ax_ticket_code === ticket)!.ax_ticket_status).toBe(
          'Traveler canceled',
        );
      }
      await expectStockArithmetic(survivor.client, setup, before);
    }
    // Every 201 is readable through the vendor API too.
    await Promise.all(
      created.map(async (made, i) => {
        const answer = await instances[i % 2]!.client.raw('GET', `/v1/channel/orders/tour/${made.code}`);
        expect(answer.status, made.code).toBe(200);
      }),
    );

    // A new instance in the killed one's place starts on the database as it is.
    await stop(victim);
    instances[2] = await start((db as TestDatabase).url);
    await expectStockArithmetic(c().client, setup, before);
  }, 90_000);

  const noRestart = pgCtlMissing();
  it.skipIf(noRestart !== undefined && missingService('PostgreSQL restart', noRestart) !== '')(
    'answers 503 while PostgreSQL is down, recovers by itself, and loses nothing acknowledged',
    async () => {
      await a().client.resetSandbox();
      const setup = await register(a().client);
      const before = await inventory(a().client, setup);
      const entries = before.filter((e) => e.is_order && e.remain_quantity >= 5);
      const created: Created[] = [];
      const statuses: Record<string, number> = {};
      const cancels: Record<string, number> = {};
      const phases = { before: countBy([]), down: countBy([]), after: countBy([]) };
      let phase: keyof typeof phases = 'before';
      let slowest = 0;
      let stopAt = Number.POSITIVE_INFINITY;
      let n = 0;
      const worker = async (w: number) => {
        while (Date.now() < stopAt) {
          const i = n++;
          const entry = entries[i % entries.length]!;
          const sent = Date.now();
          const answer = await instances[(i + w) % 3]!.client.raw('POST', '/v1/channel/orders/tour', {
            body: orderBody({ ...lineOf(setup, entry), channelOrderId: `outage-${w}-${i}` }),
          });
          slowest = Math.max(slowest, Date.now() - sent);
          statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
          phases[phase][answer.status] = (phases[phase][answer.status] ?? 0) + 1;
          if (answer.status === 201) {
            const made = createdOf(answer, entry.inventory_code, 1);
            created.push(made);
            // Cancelled again (through another instance), so that the load never sells out.
            const cancel = await instances[(i + w + 1) % 3]!.client.raw(
              'PATCH',
              `/v1/channel/orders/tour/${made.code}`,
              { body: { channel_status: 'Traveler cancel', comment: 'outage load' } },
            );
            cancels[cancel.status] = (cancels[cancel.status] ?? 0) + 1;
          } else if (answer.status === 503) {
            expect(answer.data).toEqual({ detail: expect.stringContaining('일시적으로 사용할 수 없습니다') });
            // No hammering of a database that is down.
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        }
      };
      const load = Promise.all(Array.from({ length: 12 }, (_, w) => worker(w)));
      try {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        phase = 'down';
        pgCtl('stop');
        await new Promise((resolve) => setTimeout(resolve, 1_500));
      } finally {
        pgCtl('start');
      }
      // Back: requests succeed again without any restart of the simulators.
      await waitFor(
        async () => (await a().client.raw('GET', `/v1/channel/products/tour/${MANUAL_TOUR}`)).status === 200,
      );
      phase = 'after';
      stopAt = Date.now() + 2_000;
      await load;
      process.stderr.write(
        `PostgreSQL stopped for 1.5 s under load: ${JSON.stringify(phases)}, ${created.length} acknowledged (their cancels: ${JSON.stringify(cancels)}), slowest answer ${slowest} ms\n`,
      );
      expect(Object.keys(statuses).sort()).toEqual(['201', '503']);
      for (const status of Object.keys(cancels)) expect(['200', '503']).toContain(status);
      expect(phases.down['503']).toBeGreaterThan(0);
      expect(phases.after['201']).toBeGreaterThan(0);
      // Bounded: statement and connect timeouts, not a hang.
      expect(slowest).toBeLessThan(15_000);
      for (const instance of instances) {
        const orders = new Set((await allSimOrders(instance.client)).map((o) => o.ax_order_code));
        for (const made of created) expect(orders.has(made.code), made.code).toBe(true);
        await expectStockArithmetic(instance.client, setup, before);
      }
    },
    90_000,
  );
});

/** Stops or starts this machine's PostgreSQL cluster (the one the test database lives on). */
function pgCtlMissing(): string | undefined {
  const host = new URL(TEST_PG_URL).hostname;
  if (!existsSync('/usr/bin/pg_ctlcluster') || !existsSync('/etc/postgresql')) return 'no pg_ctlcluster here';
  if (host !== '127.0.0.1' && host !== 'localhost') return `${host} is not this machine`;
  return undefined;
}

function pgCtl(action: 'stop' | 'start'): void {
  const version = execFileSync('ls', ['/etc/postgresql']).toString().trim().split('\n')[0]!;
  execFileSync(
    'pg_ctlcluster',
    ['--skip-systemctl-redirect', version, 'main', action, ...(action === 'stop' ? ['-m', 'fast'] : [])],
    {
      stdio: 'ignore',
    },
  );
}

async function waitFor(check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('timed out waiting');
}
