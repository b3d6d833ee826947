import type pg from 'pg';

/**
 * The schema, as numbered steps applied in order and recorded in `ax_sim_migration`. A step is never
 * edited once released; a change to the schema is a new step. Every instance runs `migrate` at start-up
 * under one advisory lock, so two starting at once do not race and a second one finds the work done.
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'channel state and change log',
    sql: `
      -- One row per channel: its lock (SELECT … FOR UPDATE), the last committed version, the version of the
      -- last whole-state replacement (creation, reset, import), and a snapshot of the state at some version.
      CREATE TABLE ax_sim_channel (
        channel          text   PRIMARY KEY,
        version          bigint NOT NULL,
        reset_version    bigint NOT NULL,
        snapshot         text   NOT NULL,
        snapshot_version bigint NOT NULL
      );
      -- What each committed version changed: the JSON list of (collection, key, value) writes.
      CREATE TABLE ax_sim_change (
        channel text   NOT NULL,
        version bigint NOT NULL,
        changes text   NOT NULL,
        PRIMARY KEY (channel, version)
      );`,
  },
  {
    version: 2,
    name: 'fault rules shared by every instance',
    sql: `
      CREATE TABLE ax_sim_fault (
        channel text   PRIMARY KEY,
        version bigint NOT NULL,
        rules   jsonb  NOT NULL
      );`,
  },
];

/** Any constant will do, as long as every instance uses the same one: "ax-sim" in ASCII. */
const MIGRATION_LOCK = 0x61_78_2d_73_69_6d;

/** Applies the migrations this database lacks; returns the versions applied now. */
export async function migrate(client: pg.ClientBase): Promise<number[]> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query(
      `CREATE TABLE IF NOT EXISTS ax_sim_migration (
         version    integer     PRIMARY KEY,
         name       text        NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const { rows } = await client.query<{ version: number }>('SELECT version FROM ax_sim_migration');
    const done = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const step of MIGRATIONS) {
      if (done.has(step.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(step.sql);
        await client.query('INSERT INTO ax_sim_migration (version, name) VALUES ($1, $2)', [
          step.version,
          step.name,
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      applied.push(step.version);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}
