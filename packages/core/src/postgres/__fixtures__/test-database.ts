import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server the tests use; `.ci/run` starts one when none answers. */
export const ADMIN_URL = process.env.CONNECTORS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  /** A connection string to the throwaway database. */
  url: string;
  name: string;
  /** Drops the database (and every connection still on it). */
  drop(): Promise<void>;
}

/** A throwaway database per test file, so parallel runs (and engineers) never see each other's rows. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `connectors_${label}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const client = new pg.Client({ connectionString: ADMIN_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
