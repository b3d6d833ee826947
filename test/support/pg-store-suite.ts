import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyState } from '../../server/domain/types.ts';
import { migrate } from '../../server/store/postgres/migrations.ts';
import { PgStore } from '../../server/store/postgres/store.ts';
import type { StoreEvent } from '../../server/store/store.ts';
import { createTestDatabase, type TestDatabase } from './pg.ts';

/**
 * The PostgreSQL store on its own: migrations applied once, writes of one store folded into another,
 * a failed commit taken back from the copy (and its requests refused), snapshots keeping the log short.
 * Defined here and run from test/pg.test.ts, in the same file as the test that restarts PostgreSQL, so
 * that the two never overlap.
 */

let db: TestDatabase | undefined;
const url = () => db!.url;
const stores: PgStore[] = [];

function fresh(channel = 'c') {
  return emptyState({
    channel,
    catalogId: 'test-catalog',
    anchorDate: '2026-01-01',
    clockOffsetMs: 0,
    createdAt: '2026-01-01T00:00:00.000Z',
  });
}

function open(options: Partial<ConstructorParameters<typeof PgStore>[0]> = {}) {
  const store = new PgStore({ url: url(), ...options });
  stores.push(store);
  return store;
}

async function sql<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url() });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export function storeSuite(skip: boolean): void {
  describe.skipIf(skip)('PostgreSQL store', () => {
    beforeAll(async () => {
      const created = await createTestDatabase();
      if (typeof created === 'string') throw new Error(created);
      db = created;
    });
    afterAll(async () => {
      for (const store of stores.splice(0)) await store.close().catch(() => {});
      await db?.drop();
    });

    it('applies each migration once, however many instances start at the same time', async () => {
      const clients = await Promise.all(
        [0, 1, 2, 3].map(async () => {
          const client = new pg.Client({ connectionString: url() });
          client.on('error', () => {});
          await client.connect();
          return client;
        }),
      );
      try {
        const applied = await Promise.all(clients.map((client) => migrate(client)));
        expect(applied.flat().sort()).toEqual([1, 2]);
        expect(await migrate(clients[0]!)).toEqual([]);
      } finally {
        for (const client of clients) await client.end();
      }
      const rows = await sql<{ version: number }>('SELECT version FROM ax_sim_migration ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual([1, 2]);
    });

    it('folds one store’s committed writes into another before its next read or write', async () => {
      const [a, b] = [open(), open()];
      await a.open('fold', () => fresh('fold'));
      await b.open('fold', () => fresh('fold'));
      const events: StoreEvent[] = [];
      b.watch((_channel, event) => events.push(event));

      await a.transact('fold', (tx) => tx.apply([['stock', 'inv-1', 3]]));
      expect(await b.transact('fold', (tx) => tx.state.stock['inv-1'], { read: true })).toBe(3);
      expect(events).toEqual([{ kind: 'changes', changes: [['stock', 'inv-1', 3]] }]);

      // A check-then-write rule on b sees a's write: the increment is never lost.
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          (i % 2 ? a : b).transact('fold', (tx) =>
            tx.apply([['stock', 'inv-1', tx.state.stock['inv-1']! + 1]]),
          ),
        ),
      );
      expect(await a.transact('fold', (tx) => tx.state.stock['inv-1'], { read: true })).toBe(53);
      expect(await b.transact('fold', (tx) => tx.state.stock['inv-1'], { read: true })).toBe(53);

      // Whatever a key or value holds arrives as it was written: quotes, backslashes, escapes, Hangul.
      const odd = `it's \\ \\' "q" \u0000 \n 한글 ${'\\'.repeat(3)}`;
      await a.transact('fold', (tx) => tx.apply([['meta', odd, odd as never]]));
      expect(
        await b.transact('fold', (tx) => (tx.state.meta as Record<string, unknown>)[odd], { read: true }),
      ).toBe(odd);

      // A replacement through b reaches a as a whole new state.
      await b.replace('fold', fresh('fold'));
      expect(await a.transact('fold', (tx) => tx.state.stock['inv-1'], { read: true })).toBeUndefined();
    });

    it('runs a read that turns out to write under the lock, once', async () => {
      const [a, b] = [open(), open()];
      await a.open('readwrite', () => fresh('readwrite'));
      await b.open('readwrite', () => fresh('readwrite'));
      let runs = 0;
      await a.transact(
        'readwrite',
        (tx) => {
          runs++;
          tx.apply([['stock', 'due', (tx.state.stock.due ?? 0) + 1]]);
        },
        { read: true },
      );
      // Tried without the lock, taken back, then run again under it: two runs, one committed change.
      expect(runs).toBe(2);
      expect(await b.transact('readwrite', (tx) => tx.state.stock.due, { read: true })).toBe(1);
    });

    it('refuses the requests of a commit that failed, takes their changes back, and recovers', async () => {
      const store = open({ statementTimeoutMs: 300 });
      await store.open('locked', () => fresh('locked'));
      await store.transact('locked', (tx) => tx.apply([['stock', 'x', 1]]));

      // Another session holds the channel's row lock: the write times out before it runs.
      const holder = new pg.Client({ connectionString: url() });
      holder.on('error', () => {});
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query("SELECT 1 FROM ax_sim_channel WHERE channel = 'locked' FOR UPDATE");
      const refused = store.transact('locked', (tx) => tx.apply([['stock', 'x', 2]]));
      await expect(refused).rejects.toMatchObject({ name: 'StoreError' });
      await holder.query('ROLLBACK');
      expect(await store.transact('locked', (tx) => ({ ...tx.state.stock }), { read: true })).toEqual({
        x: 1,
      });

      // Another session is writing the next version's log row: this write runs, its append times out,
      // and the copy is as before it.
      await holder.query('BEGIN');
      await holder.query(
        "INSERT INTO ax_sim_change SELECT channel, version + 1, '[]' FROM ax_sim_channel WHERE channel = 'locked'",
      );
      let ran = 0;
      const failed = store.transact('locked', (tx) => {
        ran++;
        tx.apply([['stock', 'x', 3]]);
        tx.apply([['stock', 'y', 3]]);
      });
      await expect(failed).rejects.toMatchObject({ name: 'StoreError' });
      expect(ran).toBeGreaterThan(0);
      await holder.query('ROLLBACK');
      await holder.end();
      expect(await store.transact('locked', (tx) => ({ ...tx.state.stock }), { read: true })).toEqual({
        x: 1,
      });

      expect(await store.transact('locked', (tx) => tx.state.stock.x, { read: true })).toBe(1);
      await store.transact('locked', (tx) => tx.apply([['stock', 'x', 5]]));
      const other = open();
      await other.open('locked', () => fresh('locked'));
      expect(await other.transact('locked', (tx) => tx.state.stock.x, { read: true })).toBe(5);
    });

    it('keeps the change log short with snapshots, and a new store starts from them', async () => {
      const store = open({ snapshotBytes: 2_000 });
      await store.open('long', () => fresh('long'));
      for (let i = 0; i < 300; i++) {
        await store.transact('long', (tx) => tx.apply([['stock', `inv-${i % 20}`, i]]));
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      const [{ count }] = (await sql<{ count: string }>(
        "SELECT count(*) FROM ax_sim_change WHERE channel = 'long'",
      )) as [{ count: string }];
      expect(Number(count)).toBeLessThan(300);
      const [{ snapshot_version }] = (await sql<{ snapshot_version: string }>(
        "SELECT snapshot_version FROM ax_sim_channel WHERE channel = 'long'",
      )) as [{ snapshot_version: string }];
      expect(Number(snapshot_version)).toBeGreaterThan(1);

      const later = open();
      await later.open('long', () => fresh('long'));
      const stock = await later.transact('long', (tx) => ({ ...tx.state.stock }), { read: true });
      expect(stock).toEqual(await store.transact('long', (tx) => ({ ...tx.state.stock }), { read: true }));
      expect(stock['inv-19']).toBe(299);
    });
  });
}
