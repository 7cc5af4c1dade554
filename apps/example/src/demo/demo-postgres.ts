import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Check } from '../report.ts';

/** The server `pnpm demo --postgres` makes its throwaway database on (its `postgres` database is only used to create and drop it). */
export const DEMO_POSTGRES_URL = process.env.CONNECTORS_DEMO_POSTGRES_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface DemoDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database for one demo run, so its checks start from nothing; dropped at the end. */
export async function createDemoDatabase(serverUrl = DEMO_POSTGRES_URL): Promise<DemoDatabase> {
  const name = `connectors_demo_${randomBytes(4).toString('hex')}`;
  await admin(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: () => admin(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

const MINTED = /sbx_(?:at|rt)_\d+_[A-Za-z0-9_-]{8,}/g;

/** Reads every row of every table in the connectors' schema as text and looks for a sandbox-minted token. */
export async function postgresTokensAtRestCheck(url: string, schema = 'connectors', seedRefreshToken = 'demo-refresh-token-0'): Promise<Check> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = (await client.query<{ name: string }>('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1', [schema])).rows.map((r) => r.name);
    const found = new Set<string>();
    let rows = 0;
    for (const table of tables) {
      const result = await client.query<{ row: string }>(`SELECT t::text AS row FROM "${schema}"."${table}" t`);
      rows += result.rows.length;
      for (const { row } of result.rows) {
        for (const match of row.matchAll(MINTED)) found.add(`${match[0].slice(0, 10)}… in ${table}`);
        if (row.includes(seedRefreshToken)) found.add(`the seed refresh token in ${table}`);
      }
    }
    const hasTokens = tables.includes('connector_tokens');
    const ok = hasTokens && found.size === 0;
    return {
      ok,
      label: `tokens at rest (PostgreSQL): no access or refresh token in clear in ${rows} row(s) of ${tables.length} table(s) in schema ${schema}`,
      ...(ok ? {} : { detail: hasTokens ? [...found].join(', ') : `no connector_tokens table in schema ${schema}` }),
    };
  } finally {
    await client.end();
  }
}
