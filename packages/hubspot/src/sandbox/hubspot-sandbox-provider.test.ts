import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthError, memoryTokenStore, PaginationError, type ConnectorEvent } from '@connectors/core';
import { startSandbox, type Sandbox } from '@connectors/testing/sandbox';
import { createWebhookInbox, hubspotV3Scheme } from '@connectors/webhooks';
import { sqliteInboxStore } from '@connectors/webhooks/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubSpotBatchError } from '../batch/run-batch.ts';
import { HubSpotError } from '../errors/hubspot-error.ts';
import { hubspot } from '../hubspot-connector.ts';
import { memorySyncStateStore, syncCrmObjects } from '../sync/sync-crm-objects.ts';
import { hubspotEventInbox, parseHubSpotEvent } from '../webhooks/hubspot-webhooks.ts';
import {
  HUBSPOT_SANDBOX_CLIENT_ID,
  HUBSPOT_SANDBOX_CLIENT_SECRET,
  HUBSPOT_SANDBOX_PORTAL_ID,
  HUBSPOT_SANDBOX_PRIVATE_APP_TOKEN,
  HUBSPOT_SANDBOX_REFRESH_TOKEN,
  hubspotSandboxProvider,
  hubspotSandboxWebhookEvents,
} from './hubspot-sandbox-provider.ts';

let sandbox: Sandbox;
let offset = 0;
beforeAll(async () => {
  sandbox = await startSandbox({
    now: () => Date.now() + offset,
    providers: [
      hubspotSandboxProvider(),
      hubspotSandboxProvider({ name: 'hubspot-pat', auth: 'private-app', scopes: ['crm.objects.contacts.read', 'crm.objects.contacts.write'] }),
      // Many contacts, several to a timestamp, and a generous search limit so the test is quick.
      hubspotSandboxProvider({ name: 'hubspot-big', auth: 'private-app', seed: { contacts: 10_450, contactsPerTimestamp: 7 }, search: { max: 1000, intervalMs: 1000 }, tenSecondly: { max: 10_000, intervalMs: 10_000 } }),
      hubspotSandboxProvider({ name: 'hubspot-tie', auth: 'private-app', seed: { contacts: 10_250, contactsPerTimestamp: 20_000 }, search: { max: 1000, intervalMs: 1000 }, tenSecondly: { max: 10_000, intervalMs: 10_000 } }),
      hubspotSandboxProvider({ name: 'hubspot-tight', auth: 'private-app', tenSecondly: { max: 8, intervalMs: 1000 } }),
    ],
  });
});
afterAll(async () => {
  await sandbox.stop();
});

const pat = (provider = 'hubspot-pat', extra: Parameters<typeof hubspot.create>[0] = {}) => hubspot.create({ accessToken: HUBSPOT_SANDBOX_PRIVATE_APP_TOKEN, baseUrl: sandbox.urlFor(provider), ...extra });
/** The big sandboxes allow more searches than HubSpot does, to keep the test quick; the client is told so. */
const fast = (provider: string) => pat(provider, { limits: { search: { requests: 1000, per: '1s' }, tenSecondly: { requests: 10_000, per: '10s' } } });

describe('hubspotSandboxProvider', () => {
  it('names the hub and the scopes of a private app token, and lists contacts with after cursors', async () => {
    const client = pat();
    expect((await client.verifyCredentials()).identity).toBe(`hub ${HUBSPOT_SANDBOX_PORTAL_ID} (sandbox), scopes: crm.objects.contacts.read crm.objects.contacts.write`);
    expect(await client.account.tokenInfo()).toEqual({ hubId: HUBSPOT_SANDBOX_PORTAL_ID, kind: 'private-app', scopes: ['crm.objects.contacts.read', 'crm.objects.contacts.write'] });
    const ids: string[] = [];
    let pages = 0;
    for await (const page of client.contacts.list({ limit: 100, properties: ['email', 'plan'] }).pages()) {
      pages++;
      ids.push(...page.items.map((c) => c.id));
      expect(page.items[0]!.properties.email).toMatch(/@example\.com$/);
    }
    expect(pages).toBe(3);
    expect(new Set(ids).size).toBe(250);
  });

  it('refreshes a 30-minute OAuth token once when it expires mid-run', async () => {
    const events: ConnectorEvent[] = [];
    const client = hubspot.create({
      baseUrl: sandbox.urlFor('hubspot'),
      oauth: { clientId: HUBSPOT_SANDBOX_CLIENT_ID, clientSecret: HUBSPOT_SANDBOX_CLIENT_SECRET, refreshToken: HUBSPOT_SANDBOX_REFRESH_TOKEN, store: memoryTokenStore() },
      onEvent: (e) => events.push(e),
    });
    sandbox.resetStats();
    const seen: string[] = [];
    for await (const page of client.deals.list({ limit: 50 }).pages()) {
      seen.push(...page.items.map((d) => d.id));
      // HubSpot's clock moves 31 minutes: the token the client holds (valid by its own clock) expires.
      if (page.number === 1) offset += 31 * 60_000;
    }
    expect(new Set(seen).size).toBe(120);
    expect(sandbox.stats().oauth.refreshes).toBe(2); // the first token, then one after the expiry
    expect(sandbox.stats().unauthorized).toBe(1);
    const info = await client.account.tokenInfo();
    expect(info).toMatchObject({ hubId: HUBSPOT_SANDBOX_PORTAL_ID, kind: 'oauth' });
    expect(info.scopes).toContain('crm.objects.deals.read');
  });

  it('starts from the token pair of the install (initialTokens) and refreshes it when it expires', async () => {
    const issued = sandbox.issueTokens('hubspot'); // what the authorization-code exchange gives: 30 minutes
    const client = hubspot.create({
      baseUrl: sandbox.urlFor('hubspot'),
      oauth: { clientId: HUBSPOT_SANDBOX_CLIENT_ID, clientSecret: HUBSPOT_SANDBOX_CLIENT_SECRET, store: memoryTokenStore(), initialTokens: { accessToken: issued.accessToken, refreshToken: issued.refreshToken, expiresAt: issued.expiresAt } },
    });
    sandbox.resetStats();
    expect((await client.contacts.get('100001')).id).toBe('100001');
    expect(sandbox.stats().oauth.refreshes).toBe(0); // the install's token is used as it is
    offset += 31 * 60_000;
    expect((await client.contacts.get('100002')).id).toBe('100002');
    expect(sandbox.stats().oauth.refreshes).toBe(1);
  });

  // Walks over 10,000 records through the sandbox over HTTP: CPU-bound, so on a shared CI machine it
  // gets more than the default 20 s (a bound on hanging, not a speed target).
  it('returns every one of more than 10,000 contacts through searchAll, re-slicing at the cap', { timeout: 120_000 }, async () => {
    const client = fast('hubspot-big');
    const store = memorySyncStateStore();
    const ids = new Set<string>();
    let delivered = 0;
    const result = await syncCrmObjects({ objects: client.contacts, key: 'contacts', store, properties: ['email'], onPage: (records) => {
      delivered += records.length;
      for (const r of records) ids.add(r.id);
    } });
    expect(ids.size).toBe(10_450);
    expect(delivered).toBe(10_450); // nothing delivered twice across slices
    expect(result.slices).toBe(2);
    // A second run finds only what changed since.
    await client.contacts.update('100005', { firstname: 'Changed' });
    const again: string[] = [];
    await syncCrmObjects({ objects: client.contacts, key: 'contacts', store, onPage: (records) => void again.push(...records.map((r) => r.id)) });
    expect(again).toEqual(['100005']);
  });

  it('walks more than 10,000 contacts that share one timestamp by hs_object_id', { timeout: 120_000 }, async () => {
    const client = fast('hubspot-tie');
    const ids = new Set<string>();
    for await (const contact of client.contacts.searchAll()) ids.add(contact.id);
    expect(ids.size).toBe(10_250);
  });

  it('fails plain search at the 10,000 cap instead of stopping silently', { timeout: 120_000 }, async () => {
    const client = fast('hubspot-big');
    let count = 0;
    const error = await (async () => {
      for await (const _ of client.contacts.search({}, { limit: 200 })) count++;
    })().catch((e: unknown) => e);
    expect(count).toBe(10_000);
    expect(error).toBeInstanceOf(PaginationError);
    expect((error as Error).message).toMatch(/10000 results.*searchAll/);
  });

  it('reports each failed item of a 207 batch upsert, across calls of 100', async () => {
    const client = pat();
    const inputs = Array.from({ length: 150 }, (_, i) => ({ id: i % 50 === 7 ? `broken-${i}` : `upsert${i}@example.com`, properties: { firstname: `Up ${i}` } }));
    const outcome = await client.contacts.batch.upsert(inputs, { idProperty: 'email' });
    expect(outcome.calls).toBe(2);
    expect(outcome.ok).toBe(false);
    expect(outcome.results).toHaveLength(147);
    expect(outcome.failures.map((f) => [f.index, f.category, f.input?.id])).toEqual([
      [7, 'VALIDATION_ERROR', 'broken-7'],
      [57, 'VALIDATION_ERROR', 'broken-57'],
      [107, 'VALIDATION_ERROR', 'broken-107'],
    ]);
    expect(() => outcome.throwIfFailed()).toThrow(HubSpotBatchError);
    const read = await client.contacts.batch.read(['upsert1@example.com', 'nobody@example.com'], { idProperty: 'email', properties: ['firstname'] });
    expect(read.results.map((r) => r.properties.firstname)).toEqual(['Up 1']);
    expect(read.failures).toMatchObject([{ index: 1, category: 'OBJECT_NOT_FOUND' }]);
  });

  it('maps HubSpot errors: 404 OBJECT_NOT_FOUND, VALIDATION_ERROR with fields, MISSING_SCOPES as AuthError', async () => {
    const client = pat();
    const missing = await client.contacts.get('999').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(HubSpotError);
    expect(missing).toMatchObject({ status: 404, category: 'OBJECT_NOT_FOUND' });
    expect((missing as HubSpotError).requestId).toBe((missing as HubSpotError).correlationId);
    const invalid = await client.contacts.create({ properties: { email: 'not-an-email' } }).catch((e: unknown) => e);
    expect(invalid).toMatchObject({ status: 400, category: 'VALIDATION_ERROR', retryable: false });
    expect((invalid as HubSpotError).fields).toEqual({ email: 'Email address not-an-email is invalid' });
    const scopes = await client.deals.get('300001').catch((e: unknown) => e);
    expect(scopes).toBeInstanceOf(AuthError);
    expect(scopes).toMatchObject({ code: 'insufficient-scope', status: 403 });
    expect((scopes as Error).message).toContain('crm.objects.deals.read');
  });

  it('paces to the rolling ten-secondly limit from the headers: no 429', async () => {
    const client = pat('hubspot-tight', { limits: { tenSecondly: { requests: 8, per: '1s' } } });
    sandbox.resetStats();
    const started = Date.now();
    await Promise.all(Array.from({ length: 24 }, (_, i) => client.contacts.get(String(100_001 + i))));
    expect(sandbox.stats().statuses[429]).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900); // three windows of 8
  });

  it('serves associations v4 and property definitions (custom properties typed, not drift)', async () => {
    const client = pat('hubspot');
    const oauthLess = fast('hubspot-big');
    const { definitions, schema } = await oauthLess.properties.discover('contacts');
    expect(definitions.map((d) => d.name)).toContain('plan');
    const custom = oauthLess.objects('contacts', schema);
    const drift: ConnectorEvent[] = [];
    const withEvents = pat('hubspot-big', { onEvent: (e) => (e.type === 'schema-drift' ? drift.push(e) : undefined) });
    const contact = await withEvents.objects('contacts', schema).get('100004', { properties: ['plan', 'email'] });
    expect(contact.properties['plan']).toBe('pro');
    expect(drift).toEqual([]);
    expect((await custom.get('100003', { properties: ['plan'] })).properties['plan']).toBe('free');
    void client;
    const big = fast('hubspot-big');
    const links: string[] = [];
    for await (const link of big.associations.list('deals', '300001', 'contacts')) links.push(String(link.toObjectId));
    expect(links).toEqual(['100001']);
    await big.associations.createDefault('deals', '300001', 'contacts', '100002');
    const batch = await big.associations.batchRead('deals', 'contacts', ['300001']);
    expect(batch.results[0]!.to.map((t) => String(t.toObjectId)).sort()).toEqual(['100001', '100002']);
  });

  it('sends batched, duplicated and forged webhooks; the inbox stores each event once by eventId', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hubspot-inbox-'));
    const store = sqliteInboxStore({ path: join(dir, 'inbox.db') });
    let server: Server | undefined;
    try {
      const port = await new Promise<number>((resolve) => {
        server = createServer();
        server.listen(0, '127.0.0.1', () => resolve((server!.address() as AddressInfo).port));
      });
      const url = `http://127.0.0.1:${port}/webhooks/hubspot`;
      const inbox = createWebhookInbox({ store: hubspotEventInbox(store), sources: { hubspot: { scheme: hubspotV3Scheme, secret: HUBSPOT_SANDBOX_CLIENT_SECRET } }, publicBaseUrl: `http://127.0.0.1:${port}`, now: () => Date.now() + offset, storeTimeoutMs: 30_000 }); // the sandbox's clock moved 31 minutes in the OAuth test
      // storeTimeoutMs: not about timeouts; in CI a loaded machine once took over the 2 s default to fsync (a 503).
      server!.on('request', inbox.nodeHandler());
      const results = await sandbox.sendWebhooks({ provider: 'hubspot', url, events: hubspotSandboxWebhookEvents({ at: Date.now() }), duplicateRate: 0.5 });
      expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
      const forged = await sandbox.sendWebhooks({ provider: 'hubspot', url, events: hubspotSandboxWebhookEvents({ at: Date.now() }).slice(0, 1), badSignatureRate: 1 });
      expect(forged.map((r) => r.status)).toEqual([401]);
      const keys = ['1001', '1002', '1003', '1004', '1005', '1006'].map((id) => `hubspot:${id}`);
      const stored = await Promise.all(keys.map((key) => store.get(key)));
      expect(stored.every((s) => s !== undefined)).toBe(true);
      expect(await store.stats()).toMatchObject({ pending: 6 });
      const change = await parseHubSpotEvent(JSON.parse(stored[1]!.body.toString('utf8')));
      expect(change).toMatchObject({ subscriptionType: 'contact.propertyChange', propertyName: 'email', attemptNumber: 0 });
      expect(stored[2]!.type).toBe('deal.propertyChange');
    } finally {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
