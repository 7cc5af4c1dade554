import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../postgres/__fixtures__/test-database.ts';
import { createHttpClient } from '../http/create-http-client.ts';
import { startOAuthTestServer } from './__fixtures__/oauth-test-server.ts';
import { tokenStoreContract } from './__fixtures__/token-store-contract.ts';
import { oauth2Auth } from './oauth2-auth.ts';
import { type PostgresTokenStore, postgresTokenStore } from './postgres-token-store.ts';

const LOCK_HOLDER = fileURLToPath(new URL('./__fixtures__/postgres-lock-holder.ts', import.meta.url));
const REFRESH_WORKER = fileURLToPath(new URL('./__fixtures__/postgres-refresh-worker.ts', import.meta.url));
let database: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase('tokens');
  pool = new pg.Pool({ connectionString: database.url, max: 20 });
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});

describe('postgresTokenStore', () => {
  let schema = 'contract_0';
  let seq = 0;
  const handles: PostgresTokenStore[] = [];
  // Each handle is its own store on the shared pool; locks take their own connection, as separate processes would.
  tokenStoreContract(
    () => {
      const store = postgresTokenStore({ pool, schema });
      handles.push(store);
      return store;
    },
    async () => {
      for (const handle of handles.splice(0)) await handle.close();
      schema = `contract_${++seq}`;
    },
  );

  it('creates its schema and table once, even when many instances start together, and records the version', async () => {
    const stores = Array.from({ length: 6 }, () => postgresTokenStore({ pool, schema: 'racing', table: 'my_tokens' }));
    await Promise.all(stores.map((store) => store.ready()));
    const { rows } = await pool.query(`SELECT component, version FROM racing.connectors_migrations`);
    expect(rows).toEqual([{ component: 'token-store:my_tokens', version: 1 }]);
    await stores[0]!.set('a', { accessToken: 'at', updatedAt: 1 });
    expect(await stores[5]!.get('a')).toEqual({ accessToken: 'at', updatedAt: 1 });
    await Promise.all(stores.map((store) => store.close()));
    expect(pool.totalCount).toBeGreaterThan(0); // a pool passed in is not ended
  });

  it('frees the lock of a holder that was killed at once, long before its TTL', async () => {
    const store = postgresTokenStore({ pool, schema: 'killed' });
    await store.ready();
    const child = fork(LOCK_HOLDER, [JSON.stringify({ url: database.url, schema: 'killed', credentialId: 'user-1', ttlMs: 600_000 })], {
      execPath: process.execPath,
      execArgv: ['--no-warnings'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const [message] = (await once(child, 'message')) as [{ type: string }];
    expect(message.type).toBe('locked');
    expect(await store.tryLock('user-1', 5_000)).toBeUndefined();
    const killedAt = Date.now();
    child.kill('SIGKILL');
    await once(child, 'exit');
    let lock = await store.tryLock('user-1', 5_000);
    while (!lock && Date.now() - killedAt < 5_000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      lock = await store.tryLock('user-1', 5_000);
    }
    expect(lock).toBeDefined();
    // Released by the database when the connection closed: the 10-minute TTL plays no part.
    expect(Date.now() - killedAt).toBeLessThan(5_000);
    await lock!.release();
    await store.close();
  });

  it('a process killed mid-refresh: another refreshes at once, not after the 10-minute lock TTL, with no invalid_grant', async () => {
    const server = await startOAuthTestServer();
    try {
      const store = postgresTokenStore({ pool, schema: 'mid_refresh' });
      const pair = server.issuePair({ expired: true });
      await store.set('user-42', { ...pair, expiresAt: Date.now() - 1_000, updatedAt: Date.now() - 3_600_000 });
      server.holdRefreshes();
      const lockTtlMs = 600_000;
      const child = fork(REFRESH_WORKER, [JSON.stringify({ url: database.url, schema: 'mid_refresh', tokenUrl: server.tokenUrl, apiOrigin: server.origin, clientId: server.options.clientId, lockTtlMs })], {
        execPath: process.execPath,
        execArgv: ['--no-warnings'],
        env: { ...process.env, WORKER_CLIENT_SECRET: server.options.clientSecret },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      await once(child, 'message');
      for (let i = 0; i < 500 && server.held === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(server.held).toBe(1); // the refresh is in flight, under the child's lock
      const killedAt = Date.now();
      child.kill('SIGKILL');
      await once(child, 'exit');
      server.release();
      const client = createHttpClient({
        connector: 'acme', baseUrl: server.origin,
        auth: oauth2Auth({ tokenUrl: server.tokenUrl, clientId: server.options.clientId, clientSecret: server.options.clientSecret, grant: 'refresh_token', store, credentialId: 'user-42', lockTtlMs, timeoutMs: 5_000, lockPollMs: 20 }),
      });
      await client.request({ path: '/api/me' });
      expect(Date.now() - killedAt).toBeLessThan(10_000);
      expect(server.stats.invalidGrants).toBe(0);
      expect(server.stats.refreshes).toBe(1);
      await store.close();
    } finally {
      await server.close();
    }
  });

  it('fails clearly on a corrupt row and on bad options', async () => {
    const store = postgresTokenStore({ pool, schema: 'corrupt' });
    await store.ready();
    await pool.query(`INSERT INTO corrupt.connector_tokens (id, record, updated_at) VALUES ('x', '{"nope":1}', 0)`);
    await expect(store.get('x')).rejects.toThrow(/lacks accessToken\/updatedAt; delete it and authorize again/);
    await store.close();
    expect(() => postgresTokenStore({})).toThrow(/exactly one of `pool`/);
    expect(() => postgresTokenStore({ pool, schema: 'x; DROP SCHEMA y' })).toThrow(/plain SQL identifier/);
    expect(() => postgresTokenStore({ pool, table: 'bad-name' })).toThrow(/plain SQL identifier/);
  });

  it('opens and ends its own pool from a connection string', async () => {
    const store = postgresTokenStore({ connectionString: database.url, schema: 'own_pool' });
    await store.set('a', { accessToken: 'at', updatedAt: 2 });
    expect(await store.get('a')).toEqual({ accessToken: 'at', updatedAt: 2 });
    await store.close();
    await expect(store.get('a')).rejects.toThrow(/closed/);
  });
});
