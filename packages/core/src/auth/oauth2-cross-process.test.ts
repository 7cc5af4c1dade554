import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectorEvent } from '../http/events.ts';
import { createHttpClient } from '../http/create-http-client.ts';
import { collector } from './__fixtures__/auth-test-kit.ts';
import { type OAuthTestServer, startOAuthTestServer } from './__fixtures__/oauth-test-server.ts';
import { oauth2Auth } from './oauth2-auth.ts';
import { redisTokenStore } from './redis-token-store.ts';

const WORKER = fileURLToPath(new URL('./__fixtures__/refresh-worker.ts', import.meta.url));
const redis = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: 1 });
const runPrefix = `connectors-test:xproc:${randomUUID()}:`;
let server: OAuthTestServer;
const children: ChildProcess[] = [];

interface Done {
  type: 'done';
  ok: number;
  errors: string[];
  events: ConnectorEvent[];
}

/** Starts a worker process (same Node binary, type stripping) and waits until it is connected to Redis. */
async function startWorker(prefix: string, lockTtlMs: number, timeoutMs: number): Promise<ChildProcess> {
  const child = fork(WORKER, [JSON.stringify({ prefix, tokenUrl: server.tokenUrl, apiOrigin: server.origin, clientId: server.options.clientId, credentialId: 'user-42', lockTtlMs, timeoutMs })], {
    execPath: process.execPath,
    execArgv: ['--no-warnings'],
    env: { ...process.env, WORKER_CLIENT_SECRET: server.options.clientSecret },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  const [message] = (await once(child, 'message')) as [{ type: string }];
  expect(message.type).toBe('ready');
  return child;
}

function run(child: ChildProcess, calls: number): Promise<Done> {
  const done = new Promise<Done>((resolve, reject) => {
    child.on('message', (message: Done) => message.type === 'done' && resolve(message));
    child.on('exit', (code) => reject(new Error(`worker exited with ${code} before reporting`)));
  });
  child.send({ type: 'go', calls });
  return done;
}

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

beforeEach(async () => {
  server = await startOAuthTestServer();
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await server.close();
});
afterAll(async () => {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${runPrefix}*`, 'COUNT', 200);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
});

describe('oauth2Auth across processes sharing a Redis store', () => {
  it('two processes with expired tokens make one refresh between them and never hit invalid_grant', async () => {
    const prefix = `${runPrefix}shared:`;
    const pair = server.issuePair({ expired: true });
    await redisTokenStore({ redis, prefix }).set('user-42', { ...pair, expiresAt: Date.now() - 1_000, updatedAt: Date.now() - 3_600_000 });
    server.options.tokenDelayMs = 300; // keeps the first refresh in flight while the other process arrives

    const [a, b] = await Promise.all([startWorker(prefix, 5_000, 2_000), startWorker(prefix, 5_000, 2_000)]);
    const [resultA, resultB] = await Promise.all([run(a, 20), run(b, 20)]);

    expect(resultA.errors).toEqual([]);
    expect(resultB.errors).toEqual([]);
    expect(resultA.ok + resultB.ok).toBe(40);
    expect(server.stats.refreshes).toBe(1);
    expect(server.stats.tokenRequests).toBe(1);
    expect(server.stats.invalidGrants).toBe(0);
    expect(server.stats.apiUnauthorized).toBe(0);
    expect(new Set(server.apiTokens).size).toBe(1);
    const refreshed = [...resultA.events, ...resultB.events].filter((e) => e.type === 'token-refreshed');
    // One process refreshed; the other either waited on the lock (a `shared` event) or found the new token already stored.
    expect(refreshed.filter((e) => !(e as { shared?: boolean }).shared)).toHaveLength(1);
    expect(refreshed.length).toBeLessThanOrEqual(2);
    const stored = await redisTokenStore({ redis, prefix }).get('user-42');
    expect(stored!.accessToken).toBe(server.apiTokens[0]);
    expect(stored!.refreshToken).not.toBe(pair.refreshToken);
  });

  it('when the lock holder is killed mid-refresh, another process takes over once the lock TTL runs out', async () => {
    const prefix = `${runPrefix}killed:`;
    const lockTtlMs = 600;
    const pair = server.issuePair({ expired: true });
    await redisTokenStore({ redis, prefix }).set('user-42', { ...pair, expiresAt: Date.now() - 1_000, updatedAt: Date.now() - 3_600_000 });
    server.holdRefreshes();

    const holder = await startWorker(prefix, lockTtlMs, 500);
    void run(holder, 1).catch(() => undefined);
    await waitFor(() => server.held === 1);
    const remainingMs = await redis.pttl(`${prefix}lock:user-42`);
    expect(remainingMs).toBeGreaterThan(0);
    const lockExpiresAt = Date.now() + remainingMs;
    holder.kill('SIGKILL');
    await once(holder, 'exit');
    await waitFor(() => server.stats.abandoned === 1);
    server.release(); // from now on the endpoint answers at once

    const events = collector();
    const client = createHttpClient({
      connector: 'acme', baseUrl: server.origin, onEvent: events.onEvent,
      auth: oauth2Auth({
        tokenUrl: server.tokenUrl, clientId: server.options.clientId, clientSecret: server.options.clientSecret, grant: 'refresh_token',
        store: redisTokenStore({ redis, prefix }), credentialId: 'user-42', lockTtlMs, timeoutMs: 500, lockPollMs: 20,
      }),
    });
    await client.request({ path: '/api/me' });

    expect(Date.now()).toBeGreaterThanOrEqual(lockExpiresAt - 25); // it waited for the dead holder's lock to expire...
    expect(server.stats.refreshes).toBe(1); // ...then refreshed itself
    expect(server.stats.invalidGrants).toBe(0);
    const refreshed = events.of('token-refreshed');
    expect(refreshed).toHaveLength(1);
    expect(refreshed[0]).toMatchObject({ rotated: true, reason: 'expiring' });
    expect(refreshed[0]!.shared).not.toBe(true);
  });
});
