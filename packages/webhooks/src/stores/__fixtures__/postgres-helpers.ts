import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server the tests use; `.ci/run` starts one when none answers. */
export const POSTGRES_ADMIN_URL = process.env.CONNECTORS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A throwaway database per test file, so parallel runs never see each other's rows. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `connectors_${label}_${randomBytes(5).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
