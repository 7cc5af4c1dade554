import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { type ReencryptResult, type TokenEncryptionOptions, tokenRecordCodec } from './token-cipher.ts';
import type { TokenLock, TokenRecord, TokenStore } from './token-store.ts';

export interface SqliteTokenStoreOptions {
  /** A database file, created if missing. Processes on the same host share tokens through it. */
  path?: string;
  /** Or an open better-sqlite3 database (the caller closes it). */
  database?: Database.Database;
  /** Table name; the lock table is `<table>_locks`. Default `connector_tokens`. */
  table?: string;
  /** Encrypt tokens at rest (AES-256-GCM) with keys from environment variables; see `TokenEncryptionOptions`. */
  encryption?: TokenEncryptionOptions;
}

/** A `TokenStore` in SQLite, with `close()` for a database it opened itself. */
export interface SqliteTokenStore extends TokenStore {
  close(): void;
  /** Rewrites every record with the first configured key (records in clear or under an older key); one transaction. */
  reencrypt(): Promise<ReencryptResult>;
}

/**
 * Keeps tokens in a SQLite file (WAL mode), so processes on one host share a credential's tokens
 * and refresh it once. The refresh lock is a row with an owner and an expiry: a holder that dies
 * leaves a row the next process overwrites once it has expired.
 */
export function sqliteTokenStore(options: SqliteTokenStoreOptions): SqliteTokenStore {
  if ((options.path === undefined) === (options.database === undefined)) {
    throw new TypeError('sqliteTokenStore: pass exactly one of `path` (a database file) or `database` (an open better-sqlite3 database)');
  }
  const table = options.table ?? 'connector_tokens';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) throw new TypeError(`sqliteTokenStore: table must be a plain SQL identifier; got ${JSON.stringify(table)}`);
  const where = `sqliteTokenStore(${options.path ?? 'database'})`;
  // Before opening anything: a missing or malformed key fails here, not at the first refresh.
  const codec = tokenRecordCodec(options.encryption, where);
  const db = options.database ?? new Database(options.path!);
  const owned = options.database === undefined;
  // Freed pages (a rotated token's old row) are zeroed instead of lingering in the file.
  db.pragma('secure_delete = ON');
  // WAL lets readers in other processes proceed while one writes; busy_timeout waits out short write locks instead of failing.
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY, record TEXT NOT NULL, updated_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS ${table}_locks (id TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL);
  `);
  const selectRecord = db.prepare<[string], { record: string }>(`SELECT record FROM ${table} WHERE id = ?`);
  const upsertRecord = db.prepare(
    `INSERT INTO ${table} (id, record, updated_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET record = excluded.record, updated_at = excluded.updated_at`,
  );
  const deleteRecord = db.prepare(`DELETE FROM ${table} WHERE id = ?`);
  // One statement takes a free or expired lock atomically: the upsert's WHERE only lets an expired row be overwritten.
  const takeLock = db.prepare(
    `INSERT INTO ${table}_locks (id, owner, expires_at) VALUES (?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at WHERE ${table}_locks.expires_at <= ?`,
  );
  const releaseLock = db.prepare(`DELETE FROM ${table}_locks WHERE id = ? AND owner = ?`);
  const selectAll = db.prepare<[], { id: string; record: string }>(`SELECT id, record FROM ${table}`);
  const updateRecord = db.prepare(`UPDATE ${table} SET record = ? WHERE id = ?`);
  const reencryptAll = db.transaction(() => {
    let rewritten = 0;
    for (const row of selectAll.all()) {
      updateRecord.run(codec.reencode(row.id, row.record), row.id);
      rewritten++;
    }
    return rewritten;
  });

  return {
    async get(id) {
      const row = selectRecord.get(id);
      return row ? codec.decode(id, row.record) : undefined;
    },
    async set(id, record: TokenRecord) {
      upsertRecord.run(id, codec.encode(id, record), record.updatedAt);
    },
    async delete(id) {
      deleteRecord.run(id);
    },
    async tryLock(id, ttlMs): Promise<TokenLock | undefined> {
      const owner = randomUUID();
      const now = Date.now();
      if (takeLock.run(id, owner, now + ttlMs, now).changes !== 1) return undefined;
      return {
        async release() {
          releaseLock.run(id, owner);
        },
      };
    },
    async reencrypt() {
      if (!codec.encrypted) throw new TypeError(`${where}: reencrypt() needs \`encryption: { keyEnv }\` on the store`);
      const rewritten = reencryptAll.immediate();
      // Old ciphertexts (or plaintext) may still sit in the WAL until a checkpoint copies the new pages over them.
      db.pragma('wal_checkpoint(TRUNCATE)');
      return { rewritten };
    },
    close() {
      if (owned && db.open) db.close();
    },
  };
}
