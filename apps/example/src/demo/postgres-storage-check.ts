import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { type Check, plural } from '../report.ts';

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
    label: `storage: every synced row, checkpoint and webhook effect is in PostgreSQL (${plural(rows, 'row')} in ${plural(tables, 'table')} of schema ${schema}, each count as expected); no SQLite file was created`,
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
