import type pg from 'pg';

/** One step of a component's schema; `sql` runs once per schema, in order, inside the migration transaction. */
export interface PostgresMigration {
  version: number;
  /** `{schema}` is replaced by the quoted schema name. */
  sql: string;
}

/**
 * Brings `schema` up to the latest version of `component`'s migrations. Safe to run from many
 * instances at once: a transaction-scoped advisory lock (per schema) serialises them, so the
 * second one finds the versions already recorded and applies nothing. Each migration and its
 * record commit together; a failing one rolls back and throws.
 */
export async function migratePostgres(pool: pg.Pool, options: { schema: string; component: string; migrations: readonly PostgresMigration[] }): Promise<void> {
  const quoted = `"${options.schema}"`;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`connectors:migrate:${options.schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoted}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${quoted}.connectors_migrations (component text NOT NULL, version integer NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (component, version))`,
    );
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${quoted}.connectors_migrations WHERE component = $1`, [options.component]);
    const applied = new Set(rows.map((row) => row.version));
    for (const migration of [...options.migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql.replaceAll('{schema}', quoted));
      await client.query(`INSERT INTO ${quoted}.connectors_migrations (component, version) VALUES ($1, $2)`, [options.component, migration.version]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
