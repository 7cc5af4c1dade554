import type pg from 'pg';
import { migratePostgres } from '../postgres/migrate-postgres.ts';
import { assertIdentifier, type PostgresConnectionOptions, resolvePostgres } from '../postgres/postgres-connection.ts';
import { type ReencryptResult, type TokenEncryptionOptions, tokenRecordCodec } from './token-cipher.ts';
import type { TokenLock, TokenRecord, TokenStore } from './token-store.ts';

export interface PostgresTokenStoreOptions extends PostgresConnectionOptions {
  /** Table name in the schema. Default `connector_tokens`. */
  table?: string;
  /** Encrypt tokens at rest (AES-256-GCM) with keys from environment variables; see `TokenEncryptionOptions`. */
  encryption?: TokenEncryptionOptions;
}

/** A `TokenStore` in PostgreSQL. */
export interface PostgresTokenStore extends TokenStore {
  /** Resolves once the table exists (every method waits for it anyway); rejects when the migration failed. */
  ready(): Promise<void>;
  /** Rewrites every record with the first configured key (records in clear or under an older key), in one transaction. */
  reencrypt(): Promise<ReencryptResult>;
  /** Releases held locks and ends the pool when the store opened it from a connection string. */
  close(): Promise<void>;
}

/**
 * Keeps tokens in PostgreSQL, so a fleet that already runs PostgreSQL shares each credential's
 * tokens and refreshes it once without another database. The refresh lock is a session-level
 * advisory lock (`pg_try_advisory_lock`) on a connection held for the lock's lifetime: when the
 * holder dies its connection closes and PostgreSQL releases the lock at once, not after a TTL
 * guess. A live holder's lock is also released after `ttlMs`, like the other stores' locks.
 */
export function postgresTokenStore(options: PostgresTokenStoreOptions): PostgresTokenStore {
  const factory = 'postgresTokenStore';
  const table = options.table ?? 'connector_tokens';
  assertIdentifier(factory, 'table', table);
  const where = `${factory}(${options.schema ?? 'connectors'}.${table})`;
  const codec = tokenRecordCodec(options.encryption, where);
  const { pool, owned, schema, quotedSchema } = resolvePostgres(factory, options);
  const qualified = `${quotedSchema}."${table}"`;
  const ready = migratePostgres(pool, {
    schema,
    component: `token-store:${table}`,
    migrations: [{ version: 1, sql: `CREATE TABLE IF NOT EXISTS ${qualified} (id text PRIMARY KEY, record text NOT NULL, updated_at bigint NOT NULL)` }],
  });
  // Callers see the failure through the methods; an unobserved rejection must not crash the process meanwhile.
  ready.catch(() => {});
  const held = new Set<() => Promise<void>>();
  let closed = false;

  async function query<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    if (closed) throw new Error(`${where}: the store is closed`);
    await ready;
    return pool.query<R>(text, values);
  }

  return {
    ready: () => ready,
    async get(id) {
      const { rows } = await query<{ record: string }>(`SELECT record FROM ${qualified} WHERE id = $1`, [id]);
      return rows[0] ? codec.decode(id, rows[0].record) : undefined;
    },
    async set(id, record: TokenRecord) {
      await query(
        `INSERT INTO ${qualified} (id, record, updated_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET record = excluded.record, updated_at = excluded.updated_at`,
        [id, codec.encode(id, record), record.updatedAt],
      );
    },
    async delete(id) {
      await query(`DELETE FROM ${qualified} WHERE id = $1`, [id]);
    },
    async tryLock(id, ttlMs): Promise<TokenLock | undefined> {
      if (closed) throw new Error(`${where}: the store is closed`);
      await ready;
      const lockName = `connectors:token-lock:${schema}.${table}:${id}`;
      const client = await pool.connect();
      let taken = false;
      try {
        const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [lockName]);
        taken = rows[0]?.ok === true;
      } finally {
        if (!taken) client.release();
      }
      if (!taken) return undefined;
      let released = false;
      const release = async (): Promise<void> => {
        if (released) return;
        released = true;
        clearTimeout(timer);
        held.delete(release);
        try {
          await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [lockName]);
          client.release();
        } catch (error) {
          // The connection is broken: destroying it ends the session, which releases the lock too.
          client.release(error instanceof Error ? error : true);
        }
      };
      // A holder that is alive but stuck gives the lock up after ttlMs; a dead one gave it up when its connection closed.
      const timer = setTimeout(() => void release(), Math.max(1, Math.ceil(ttlMs)));
      timer.unref?.();
      held.add(release);
      return { release };
    },
    async reencrypt() {
      if (!codec.encrypted) throw new TypeError(`${where}: reencrypt() needs \`encryption: { keyEnv }\` on the store`);
      await ready;
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const { rows } = await client.query<{ id: string; record: string }>(`SELECT id, record FROM ${qualified} FOR UPDATE`);
        for (const row of rows) await client.query(`UPDATE ${qualified} SET record = $2 WHERE id = $1`, [row.id, codec.reencode(row.id, row.record)]);
        await client.query('COMMIT');
        return { rewritten: rows.length };
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...held].map((release) => release()));
      await ready.catch(() => {});
      if (owned) await pool.end();
    },
  };
}
