/** One credential's tokens as persisted. Times are epoch milliseconds. */
export interface TokenRecord {
  accessToken: string;
  refreshToken?: string;
  /** When the access token expires; absent when the provider did not say (refreshed on 401 only). */
  expiresAt?: number;
  /** When the refresh token expires, when the provider says (`refresh_token_expires_in`). */
  refreshTokenExpiresAt?: number;
  tokenType?: string;
  /** Space-separated scopes granted, when the provider says. */
  scope?: string;
  /** When this record was written. */
  updatedAt: number;
}

/** A held refresh lock. Releasing a lock that expired (and may now be someone else's) does nothing. */
export interface TokenLock {
  release(): Promise<void>;
}

/**
 * Where tokens live between calls and processes, keyed by a credential id (one per user/app
 * connection). `tryLock` is the cross-process single-flight primitive: only the holder refreshes,
 * everyone else waits and re-reads. A lock must expire by itself after `ttlMs` so a holder that
 * dies mid-refresh cannot wedge the fleet.
 *
 * Implementations: `memoryTokenStore()` (one process), `sqliteTokenStore()` from
 * `@connectors/core/sqlite` (processes on one host), `redisTokenStore()` from `@connectors/core/redis` (a fleet),
 * `postgresTokenStore()` from `@connectors/core/postgres` (a fleet on PostgreSQL). The persistent ones encrypt at rest with `encryption: { keyEnv }`.
 */
export interface TokenStore {
  get(credentialId: string): Promise<TokenRecord | undefined>;
  set(credentialId: string, record: TokenRecord): Promise<void>;
  delete(credentialId: string): Promise<void>;
  /** Takes the refresh lock for `ttlMs` of wall-clock time, or resolves undefined when someone else holds it. */
  tryLock(credentialId: string, ttlMs: number): Promise<TokenLock | undefined>;
}

/** Checks a record read back from a store, so a corrupt row fails clearly instead of sending `undefined` as a token. */
export function parseTokenRecord(text: string, where: string): TokenRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${where}: the stored token record is not valid JSON; delete it and authorize again`);
  }
  const record = value as Partial<TokenRecord> | null;
  if (!record || typeof record !== 'object' || typeof record.accessToken !== 'string' || typeof record.updatedAt !== 'number') {
    throw new Error(`${where}: the stored token record lacks accessToken/updatedAt; delete it and authorize again`);
  }
  return record as TokenRecord;
}

/**
 * Keeps tokens in this process's memory: the default, and enough when one process uses a credential.
 * Rotated refresh tokens are lost on restart, so use the SQLite or Redis store for refresh-token grants in production.
 */
export function memoryTokenStore(): TokenStore {
  const records = new Map<string, string>();
  const locks = new Map<string, { owner: symbol; until: number }>();
  return {
    async get(id) {
      const text = records.get(id);
      // Stored as JSON so callers can never mutate the stored copy through a shared object.
      return text === undefined ? undefined : (JSON.parse(text) as TokenRecord);
    },
    async set(id, record) {
      records.set(id, JSON.stringify(record));
    },
    async delete(id) {
      records.delete(id);
    },
    async tryLock(id, ttlMs) {
      const now = Date.now();
      const held = locks.get(id);
      if (held && held.until > now) return undefined;
      const owner = Symbol(id);
      locks.set(id, { owner, until: now + ttlMs });
      return {
        async release() {
          if (locks.get(id)?.owner === owner) locks.delete(id);
        },
      };
    },
  };
}
