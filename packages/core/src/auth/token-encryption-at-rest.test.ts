import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../http/create-http-client.ts';
import { createTestDatabase, type TestDatabase } from '../postgres/__fixtures__/test-database.ts';
import { type OAuthTestServer, startOAuthTestServer } from './__fixtures__/oauth-test-server.ts';
import { oauth2Auth } from './oauth2-auth.ts';
import { postgresTokenStore } from './postgres-token-store.ts';
import { redisTokenStore } from './redis-token-store.ts';
import { sqliteTokenStore } from './sqlite-token-store.ts';
import { generateTokenKey } from './token-cipher.ts';
import type { TokenStore } from './token-store.ts';

/*
 * Reads each persistent store's raw storage (SQLite file bytes, Redis values, PostgreSQL rows)
 * after a real refresh and looks for every token the authorization server ever issued.
 */

const KEY_ENV = 'CONNECTORS_TEST_TOKEN_KEY';
const dir = mkdtempSync(join(tmpdir(), 'connectors-at-rest-'));
const redis = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: 1 });
const redisPrefix = `connectors-test:at-rest:${randomUUID()}:`;
let database: TestDatabase;
let pool: pg.Pool;
let server: OAuthTestServer;

beforeAll(async () => {
  process.env[KEY_ENV] = generateTokenKey();
  database = await createTestDatabase('at_rest');
  pool = new pg.Pool({ connectionString: database.url });
});
afterAll(async () => {
  delete process.env[KEY_ENV];
  rmSync(dir, { recursive: true, force: true });
  for (const key of await redis.keys(`${redisPrefix}*`)) await redis.del(key);
  await redis.quit();
  await pool.end();
  await database.drop();
});
beforeEach(async () => {
  server = await startOAuthTestServer();
});
afterEach(async () => {
  await server.close();
});

/** Every token value the server handed out (access and refresh), from its own log. */
function issuedTokens(initial: { accessToken: string; refreshToken: string }): string[] {
  const refreshTokens = server.log.filter((entry) => entry.startsWith('issued:')).map((entry) => entry.slice('issued:'.length));
  return [initial.accessToken, initial.refreshToken, ...server.apiTokens, ...refreshTokens];
}

/** Seeds an expired pair, makes a call that refreshes it, and returns every token involved. */
async function refreshThrough(store: TokenStore): Promise<string[]> {
  const pair = server.issuePair({ expired: true });
  await store.set('user-1', { ...pair, expiresAt: Date.now() - 1000, updatedAt: Date.now() - 3_600_000 });
  const client = createHttpClient({
    connector: 'acme',
    baseUrl: server.origin,
    auth: oauth2Auth({ tokenUrl: server.tokenUrl, clientId: server.options.clientId, clientSecret: server.options.clientSecret, grant: 'refresh_token', store, credentialId: 'user-1' }),
  });
  await client.request({ path: '/api/me' });
  expect(server.stats.refreshes).toBe(1);
  const stored = await store.get('user-1');
  expect(stored!.accessToken).toBe(server.apiTokens.at(-1));
  const tokens = issuedTokens(pair);
  expect(tokens).toContain(stored!.refreshToken);
  return tokens;
}

function expectNoneIn(haystack: string, tokens: readonly string[]): void {
  expect(tokens.length).toBeGreaterThanOrEqual(4);
  for (const token of tokens) expect(haystack.includes(token), `token ${token.slice(0, 6)}… found in clear`).toBe(false);
}

describe('tokens are encrypted at rest', () => {
  it('SQLite: neither the database file nor its WAL holds a token in clear, including rotated ones', async () => {
    const path = join(dir, 'tokens.db');
    const store = sqliteTokenStore({ path, encryption: { keyEnv: KEY_ENV } });
    const tokens = await refreshThrough(store);
    store.close();
    const bytes = readdirSync(dir).filter((name) => name.startsWith('tokens.db')).map((name) => readFileSync(join(dir, name)).toString('latin1')).join('');
    expect(bytes.length).toBeGreaterThan(0);
    expectNoneIn(bytes, tokens);
  });

  it('Redis: no stored value holds a token in clear', async () => {
    const store = redisTokenStore({ redis, prefix: `${redisPrefix}a:`, encryption: { keyEnv: KEY_ENV } });
    const tokens = await refreshThrough(store);
    const keys = await redis.keys(`${redisPrefix}a:*`);
    const values = await Promise.all(keys.map((key) => redis.get(key)));
    expect(values.length).toBeGreaterThan(0);
    expectNoneIn(values.join('\n'), tokens);
  });

  it('PostgreSQL: no row holds a token in clear', async () => {
    const store = postgresTokenStore({ pool, schema: 'at_rest', encryption: { keyEnv: KEY_ENV } });
    const tokens = await refreshThrough(store);
    const { rows } = await pool.query<{ row: string }>('SELECT t::text AS row FROM at_rest.connector_tokens t');
    expect(rows).toHaveLength(1);
    expectNoneIn(rows.map((r) => r.row).join('\n'), tokens);
    await store.close();
  });
});

describe('reencrypt()', () => {
  const record = (n: number) => ({ accessToken: `clear-access-${n}-${randomUUID()}`, refreshToken: `clear-refresh-${n}-${randomUUID()}`, updatedAt: n });

  it('SQLite: encrypts records written in clear, and secure_delete leaves no copy of them in the file', async () => {
    const path = join(dir, 'legacy.db');
    const plain = sqliteTokenStore({ path });
    // Enough records to span pages, so rewritten rows free whole cells (where plaintext would linger without secure_delete).
    const records = Array.from({ length: 20 }, (_, n) => ({ ...record(n), scope: 'repo '.repeat(20) }));
    for (const [n, value] of records.entries()) await plain.set(`c${n}`, value);
    plain.close();
    const encrypted = sqliteTokenStore({ path, encryption: { keyEnv: KEY_ENV } });
    await expect(encrypted.get('c0')).rejects.toMatchObject({ name: 'TokenEncryptionError', code: 'plaintext-record' });
    expect(await encrypted.reencrypt()).toEqual({ rewritten: 20 });
    expect(await encrypted.get('c1')).toEqual(records[1]);
    await encrypted.delete('c2');
    encrypted.close();
    const bytes = readdirSync(dir).filter((name) => name.startsWith('legacy.db')).map((name) => readFileSync(join(dir, name)).toString('latin1')).join('');
    expectNoneIn(bytes, records.flatMap((r) => [r.accessToken, r.refreshToken]));
  });

  it('Redis and PostgreSQL: rewrite under the new key while the old one still reads', async () => {
    const oldKey = 'CONNECTORS_TEST_TOKEN_KEY_OLD';
    process.env[oldKey] = generateTokenKey();
    try {
      const stores = [
        [redisTokenStore({ redis, prefix: `${redisPrefix}rot:`, encryption: { keyEnv: oldKey } }), redisTokenStore({ redis, prefix: `${redisPrefix}rot:`, encryption: { keyEnv: [KEY_ENV, oldKey] } }), redisTokenStore({ redis, prefix: `${redisPrefix}rot:`, encryption: { keyEnv: KEY_ENV } })],
        [postgresTokenStore({ pool, schema: 'rot', encryption: { keyEnv: oldKey } }), postgresTokenStore({ pool, schema: 'rot', encryption: { keyEnv: [KEY_ENV, oldKey] } }), postgresTokenStore({ pool, schema: 'rot', encryption: { keyEnv: KEY_ENV } })],
      ] as const;
      for (const [before, during, after] of stores) {
        const value = record(3);
        await before.set('c', value);
        await expect(after.get('c')).rejects.toMatchObject({ code: 'wrong-key' });
        expect(await during.get('c')).toEqual(value);
        expect(await during.reencrypt()).toEqual({ rewritten: 1 });
        expect(await after.get('c')).toEqual(value);
      }
      for (const store of stores[1]) await store.close();
    } finally {
      delete process.env[oldKey];
    }
  });
});
