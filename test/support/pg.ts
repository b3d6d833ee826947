/**
 * A PostgreSQL database of the test run's own: created on the server named by AX_SIM_TEST_PG, dropped
 * afterwards. Only databases this run created are ever dropped.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { missingService, TEST_PG_URL } from './services.ts';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A fresh empty database, or the reason there is none (see missingService: under CI=true it throws). */
export async function createTestDatabase(): Promise<TestDatabase | string> {
  const admin = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 3_000 });
  try {
    await admin.connect();
  } catch (error) {
    return missingService('PostgreSQL', `${TEST_PG_URL}: ${(error as Error).message}`);
  }
  const name = `postgres_${randomBytes(6).toString('hex')}`;
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(TEST_PG_URL, name),
    name,
    async drop() {
      const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 5_000 });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
