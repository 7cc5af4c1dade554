import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { type Check, plural } from '../report.ts';

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

/** How many rows a table must hold: exactly, or at least (when webhooks may have added some). */
export type ExpectedCount = number | { atLeast: number };

/**
 * Proves the app really ran on PostgreSQL: with a connection of its own (not through the app's
 * stores), counts the rows of every table the demo filled in the app's schema and compares them with
 * what the demo expects from the sandboxes' data and the events it sent; and no SQLite database file
 * was created in the demo's directory (by name or by the header every SQLite file starts with).
 */
export async function postgresStorageCheck(url: string, schema: string, expected: Readonly<Record<string, ExpectedCount>>, directory: string): Promise<Check> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const problems: string[] = [];
  let rows = 0;
  try {
    const present = new Set((await client.query<{ name: string }>('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1', [schema])).rows.map((r) => r.name));
    for (const [table, want] of Object.entries(expected)) {
      if (!present.has(table)) {
        problems.push(`no table ${schema}.${table}`);
        continue;
      }
      // Identifiers cannot be parameters: both come from the demo's code and are quoted.
      const { rows: [count] } = await client.query<{ n: number }>(`SELECT count(*)::integer AS n FROM "${schema}"."${table}"`);
      const n = count?.n ?? 0;
      rows += n;
      const ok = typeof want === 'number' ? n === want : n >= want.atLeast;
      if (!ok) problems.push(`${table}: ${n} rows, expected ${typeof want === 'number' ? want : `at least ${want.atLeast}`}`);
    }
  } finally {
    await client.end();
  }
  const sqliteFiles = readdirSync(directory).filter((name) => /\.db(?:-wal|-shm|-journal)?$/.test(name) || isSqliteFile(join(directory, name)));
  if (sqliteFiles.length) problems.push(`SQLite files in ${directory}: ${sqliteFiles.join(', ')}`);
  const tables = Object.keys(expected).length;
  return {
    ok: problems.length === 0,
    label: `storage: every synced row, checkpoint and webhook effect is in PostgreSQL (${plural(rows, 'row')} in ${tables} tables of schema ${schema}, each count as expected); no SQLite file was created`,
    ...(problems.length ? { detail: problems.join('; ') } : {}),
  };
}

const SQLITE_HEADER = 'SQLite format 3\0';

function isSqliteFile(path: string): boolean {
  if (!statSync(path).isFile()) return false;
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(SQLITE_HEADER.length);
    return readSync(fd, header, 0, header.length, 0) === header.length && header.toString('latin1') === SQLITE_HEADER;
  } finally {
    closeSync(fd);
  }
}
