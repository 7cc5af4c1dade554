import { bearerAuth, createHttpClient } from '@connectors/core';
import { describe, expect, it } from 'vitest';
import { createObservability } from '../observe/create-observability.ts';
import { createCredentialsInventory, describeAuth } from './credentials-inventory.ts';

const NOW = Date.parse('2026-03-02T09:00:00Z');

describe('createCredentialsInventory', () => {
  it('lists each credential with where it lives, who uses it, days left and the last success, never a value', async () => {
    const secret = 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB';
    process.env['INVENTORY_TEST_TOKEN'] = secret;
    try {
      const auth = bearerAuth({ env: 'INVENTORY_TEST_TOKEN', expiresAt: '2026-03-12T09:00:00Z' });
      const observability = createObservability({ evaluateEveryMs: 0, clock: { now: () => NOW } });
      const client = createHttpClient({
        connector: 'github',
        baseUrl: 'https://api.github.test',
        auth,
        clock: { now: () => NOW, sleep: async () => {} },
        fetch: async () => new Response('{}', { headers: { 'content-type': 'application/json' } }),
      });
      observability.observe(client);
      await client.request({ path: '/repos/{owner}/{repo}', params: { owner: 'o', repo: 'r' }, operation: 'repos.get' });
      await client.request({ path: '/issues', operation: 'issues.list' });

      const inventory = createCredentialsInventory(
        [
          describeAuth(auth, { connectors: ['github'], source: { env: 'INVENTORY_TEST_TOKEN' } }),
          { name: 'STRIPE_WEBHOOK_SECRET', kind: 'webhook-secret', source: { file: '/run/secrets/stripe-webhook' }, connectors: ['webhooks'] },
        ],
        { observability, clock: { now: () => NOW } },
      );
      const list = inventory.list();
      expect(list).toEqual([
        {
          name: 'INVENTORY_TEST_TOKEN',
          kind: 'bearer',
          source: 'env INVENTORY_TEST_TOKEN',
          connectors: ['github'],
          operations: ['issues.list', 'repos.get'],
          expiresAt: '2026-03-12T09:00:00.000Z',
          daysLeft: 10,
          lastSuccessfulCheckAt: '2026-03-02T09:00:00.000Z',
          notes: undefined,
        },
        {
          name: 'STRIPE_WEBHOOK_SECRET',
          kind: 'webhook-secret',
          source: 'file /run/secrets/stripe-webhook',
          connectors: ['webhooks'],
          operations: [],
          expiresAt: undefined,
          daysLeft: undefined,
          lastSuccessfulCheckAt: undefined,
          notes: undefined,
        },
      ]);
      expect(JSON.stringify(list)).not.toContain(secret);
      inventory.recordCheck('STRIPE_WEBHOOK_SECRET', NOW - 1000);
      expect(inventory.list()[1]!.lastSuccessfulCheckAt).toBe('2026-03-02T08:59:59.000Z');
      observability.close();
    } finally {
      delete process.env['INVENTORY_TEST_TOKEN'];
    }
  });

  it('refuses declarations it cannot list, saying what to fix', () => {
    expect(() => createCredentialsInventory([{ name: 'A', kind: 'bearer', source: { env: 'A' }, connectors: [] }])).toThrow(/`connectors` must list the connectors/);
    expect(() => createCredentialsInventory([{ name: 'A', kind: 'bearer', source: { env: 'A' }, connectors: ['x'] }, { name: 'A', kind: 'bearer', source: { env: 'A' }, connectors: ['x'] }])).toThrow(/listed twice/);
    expect(() => createCredentialsInventory([{ name: 'A', kind: 'bearer', source: { env: 'A' }, connectors: ['x'], expiresAt: 'next tuesday' }])).toThrow(/expiresAt must be a Date, an ISO 8601 string or epoch milliseconds/);
    expect(() => createCredentialsInventory([]).recordCheck('nope')).toThrow(/no credential named "nope"/);
  });
});
