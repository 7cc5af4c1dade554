import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHttpClient, type HttpClient } from '@connectors/core';
import { sqliteInboxStore } from '@connectors/webhooks/sqlite';
import { Registry } from 'prom-client';
import { createCredentialsInventory } from '../credentials/credentials-inventory.ts';
import { createDashboard } from '../dashboard/create-dashboard.ts';
import { createObservability, type Observability } from '../observe/create-observability.ts';
import { prometheusExporter } from '../prometheus/prometheus-exporter.ts';
import { createProviderStatusWatcher } from '../provider-status/provider-status-watcher.ts';
import { startFakeStatusPage } from './fake-status-page.ts';

export const OPERATOR_TOKEN = 'test-operator-token-0123456789abcdef';

/**
 * A small app for the dashboard tests: two connectors calling a local provider (successes,
 * failures, a 429), a SQLite inbox with dead letters, a fake status page in an incident, a
 * credentials inventory, `/metrics` and `/dashboard` on one node:http server.
 */
export async function startDashboardApp(options: { operatorToken?: string } = {}) {
  // The provider: /ok answers, /broken fails for good (404), /limited answers 429 once per call then 200.
  let limited = 0;
  const provider: Server = createServer((req, res) => {
    const path = req.url?.split('?')[0];
    const delay = path === '/slow' ? 40 : 2;
    setTimeout(() => {
      if (path === '/broken') return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
      if (path === '/limited' && limited++ % 2 === 0) return void res.writeHead(429, { 'retry-after': '0', 'content-type': 'application/json' }).end('{"message":"slow down"}');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    }, delay);
  });
  await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
  const providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;

  const statusPage = await startFakeStatusPage();
  statusPage.set('degraded');
  const watcher = createProviderStatusWatcher({ pages: { github: statusPage.url } });

  const dir = mkdtempSync(join(tmpdir(), 'dashboard-test-'));
  const store = sqliteInboxStore({ path: join(dir, 'inbox.db'), durable: false });

  const registry = new Registry();
  const observability: Observability = createObservability({
    metrics: prometheusExporter({ registry }),
    providerStatus: watcher,
    deadLetterQueues: { webhooks: async () => (await store.stats()).deadLetters },
    alerts: { rules: [{ kind: 'error-rate', above: 0.2, minCalls: 5, severity: 'degraded' }, { kind: 'dead-letter-queue', queue: 'webhooks', above: 0, recoverForMs: 0 }] },
    evaluateEveryMs: 0,
  });
  const clients: Record<string, HttpClient> = {
    github: createHttpClient({ connector: 'github', baseUrl: providerUrl, retry: { baseDelayMs: 1, maxDelayMs: 5 } }),
    stripe: createHttpClient({ connector: 'stripe', baseUrl: providerUrl, retry: { baseDelayMs: 1, maxDelayMs: 5 } }),
  };
  for (const client of Object.values(clients)) observability.observe(client);
  const inventory = createCredentialsInventory(
    [
      { name: 'GITHUB_TOKEN', kind: 'bearer', source: { env: 'GITHUB_TOKEN' }, connectors: ['github'], expiresAt: Date.now() + 9 * 86_400_000 + 3_600_000 },
      { name: 'STRIPE_SECRET_KEY', kind: 'api-key', source: { env: 'STRIPE_SECRET_KEY' }, connectors: ['stripe'] },
      { name: 'GITHUB_WEBHOOK_SECRET', kind: 'webhook-secret', source: { env: 'GITHUB_WEBHOOK_SECRET' }, connectors: ['webhooks'], expiresAt: Date.now() + 120 * 86_400_000 },
    ],
    { observability },
  );
  const dashboard = createDashboard({
    observability,
    deadLetters: { webhooks: store },
    credentials: inventory,
    refreshMs: 1000,
    ...(options.operatorToken ? { operatorToken: options.operatorToken } : {}),
  });
  const handler = dashboard.nodeHandler();
  const server: Server = createServer((req, res) => {
    if (req.url === '/metrics') {
      void observability.evaluate().then(async () => res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics()));
      return;
    }
    if (req.url?.startsWith('/dashboard')) return handler(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  /** A dead letter, as a worker leaves it after the handler failed for good. */
  const deadLetter = async (id: string, body: object) => {
    const now = Date.now();
    await store.put({ source: 'github', id, type: 'issues', timestamp: undefined, receivedAt: now, headers: { 'x-hub-signature-256': 'sha256=abc', 'x-github-event': 'issues' }, body: Buffer.from(JSON.stringify(body)) });
    const [leased] = await store.lease({ limit: 1, leaseMs: 10_000, now });
    await store.deadLetter(leased!.key, leased!.leaseToken, { now, error: 'ValiError: Invalid type: Expected string but received null at issue.title' });
    return leased!.key;
  };

  /** The scripted run: known numbers of successes, permanent failures and rate-limited calls. */
  const script = async () => {
    const quiet = () => undefined;
    for (let i = 0; i < 12; i++) await clients['github']!.request({ path: '/ok', operation: 'issues.list' });
    for (let i = 0; i < 3; i++) await clients['github']!.request({ path: '/slow', operation: 'repos.get' });
    for (let i = 0; i < 4; i++) await clients['github']!.request({ path: '/broken', operation: 'issues.get' }).catch(quiet);
    for (let i = 0; i < 2; i++) await clients['github']!.request({ path: '/limited', operation: 'issues.create', method: 'POST', body: { title: 'x' }, idempotencyKey: `k${i}` }).catch(quiet);
    for (let i = 0; i < 8; i++) await clients['stripe']!.request({ path: '/ok', operation: 'customers.list' });
    await watcher.poll();
  };

  return {
    url,
    store,
    observability,
    registry,
    dashboard,
    deadLetter,
    script,
    async close() {
      observability.close();
      watcher.stop();
      // Close, then drop every connection at once, as the fake status page does. close() alone waits for
      // every open connection, even one that never sent a request (checked: still open after 5 s), such as
      // a socket Chromium preconnects; Node drops those only at its headers timeout (60 s). The read-only
      // browser test closes this app while its browser is still running, and it timed out at 60 s in CI:
      // the likeliest cause, though not reproduced on demand.
      for (const each of [server, provider]) {
        const closed = new Promise<void>((resolve) => each.close(() => resolve()));
        each.closeAllConnections();
        await closed;
      }
      await statusPage.close();
      await Promise.all(Object.values(clients).map((c) => c.close()));
      await store.close();
    },
  };
}
