import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConnectorEvent, TokenEncryptionOptions } from '@connectors/core';
import { hubspot } from '@connectors/hubspot';
import {
  HUBSPOT_SANDBOX_CLIENT_ID,
  HUBSPOT_SANDBOX_CLIENT_SECRET,
  HUBSPOT_SANDBOX_REFRESH_TOKEN,
  hubspotSandboxProvider,
  hubspotSandboxWebhookEvents,
} from '@connectors/hubspot/sandbox';
import { startSandbox } from '@connectors/testing/sandbox';
import type { Check } from '../report.ts';
import type { Backend } from '../store/backend.ts';
import { openHubSpotData } from './open-hubspot-data.ts';
import { syncHubSpot } from './hubspot-sync.ts';
import { createHubSpotWebhooks } from './hubspot-webhooks.ts';

/** More than HubSpot's search can page through at once (10,000), so the sync has to re-slice. */
export const HUBSPOT_DEMO_CONTACTS = 10_400;
export const HUBSPOT_DEMO_DEALS = 300;

export interface HubSpotDemoResult {
  checks: Check[];
  contacts: number;
  deals: number;
  slices: number;
  refreshes: number;
  rateLimited: number;
  batch: { results: number; failures: { index: number | undefined; category: string; message: string }[] };
  webhooks: { deliveries: number; stored: number; duplicates: number; rejected: number; applied: number };
}

/**
 * The HubSpot part of `pnpm demo`: a HubSpot sandbox with real limits (100 calls per rolling 10 s,
 * 5 searches per second) and 30-minute OAuth tokens; the app syncs 10,400 contacts and 300 deals into
 * its database (SQLite or PostgreSQL), HubSpot's clock jumps 31 minutes mid-sync so the token expires under it, a second run
 * picks up only what changed, a batch upsert reports its failed items one by one, and a burst of
 * batched, duplicated and forged webhooks goes through the inbox.
 */
export async function runHubSpotDemo(options: { backend: Backend; print: (line: string) => void; encryption?: TokenEncryptionOptions }): Promise<HubSpotDemoResult> {
  const { print } = options;
  let offset = 0;
  const sandbox = await startSandbox({
    now: () => Date.now() + offset,
    providers: [hubspotSandboxProvider({ seed: { contacts: HUBSPOT_DEMO_CONTACTS, deals: HUBSPOT_DEMO_DEALS, contactsPerTimestamp: 5 } })],
  });
  const { backend } = options;
  const data = openHubSpotData(backend);
  const store = data.store;
  // Encrypted at rest like the app's other token stores: the database never holds a usable token.
  const tokens = backend.kind === 'sqlite' ? backend.tokenStore(options.encryption, { file: 'hubspot-tokens.db' }) : backend.tokenStore(options.encryption);
  const events: ConnectorEvent[] = [];
  const client = hubspot.create({
    baseUrl: sandbox.urlFor('hubspot'),
    oauth: { clientId: HUBSPOT_SANDBOX_CLIENT_ID, clientSecret: HUBSPOT_SANDBOX_CLIENT_SECRET, refreshToken: HUBSPOT_SANDBOX_REFRESH_TOKEN, store: tokens, credentialId: 'hubspot:demo-portal' },
    onEvent: (event) => void events.push(event),
  });
  let server: Server | undefined;
  const webhooks = createHubSpotWebhooks({ data, clientSecret: HUBSPOT_SANDBOX_CLIENT_SECRET, now: () => Date.now() + offset });
  try {
    const verified = await client.verifyCredentials(); // names the hub and the OAuth token's scopes
    print(`   ✓ hubspot ${verified.identity ?? ''}`);

    let pages = 0;
    let expired = false;
    const first = await syncHubSpot(client, store, {
      onPage: (label, rows) => {
        pages++;
        if (pages % 10 === 0 || label === 'hubspot deals') print(`   ${label.padEnd(24)} page ${String(pages).padStart(2)}  ${String(rows).padStart(3)} rows`);
        if (pages === 20 && !expired) {
          expired = true;
          offset += 31 * 60_000; // HubSpot's clock passes the 30-minute token lifetime mid-sync.
          print('   -- 31 minutes pass at HubSpot: the access token the app holds expires mid-sync');
        }
      },
    });
    print(`   contacts: ${first.contacts.records} in ${first.contacts.pages} pages and ${first.contacts.slices} search slices (the 10,000-result cap re-sliced on lastmodifieddate); deals: ${first.deals.records}`);

    const changed = ['100007', '100420', '110399'];
    for (const id of changed) await client.contacts.update(id, { firstname: 'Renamed' });
    const second = await syncHubSpot(client, store);
    print(`   second run: ${second.contacts.records} contacts and ${second.deals.records} deals changed since the checkpoint`);

    const inputs = Array.from({ length: 250 }, (_, i) => ({ id: [17, 118, 219].includes(i) ? `broken-address-${i}` : `lead${i}@example.com`, properties: { firstname: 'Lead', lastname: String(i) } }));
    const batch = await client.contacts.batch.upsert(inputs, { idProperty: 'email' });
    print(`   batch upsert of ${inputs.length} contacts in ${batch.calls} calls: ${batch.results.length} written, ${batch.failures.length} failed:`);
    for (const failure of batch.failures) print(`     input #${failure.index} (${failure.input?.id}): ${failure.category} - ${failure.message}`);

    const port = await new Promise<number>((resolve) => {
      server = createServer(webhooks.inbox.nodeHandler());
      server.listen(0, '127.0.0.1', () => resolve((server!.address() as AddressInfo).port));
    });
    const url = `http://127.0.0.1:${port}/webhooks/hubspot`;
    const webhookEvents = hubspotSandboxWebhookEvents({ at: Date.now() + offset });
    const sent = await sandbox.sendWebhooks({ provider: 'hubspot', url, events: webhookEvents, duplicateRate: 0.5 });
    const forged = await sandbox.sendWebhooks({ provider: 'hubspot', url, events: webhookEvents.slice(0, 1), badSignatureRate: 1 });
    const drained = await webhooks.worker.drain();
    const eventIds = new Set(webhookEvents.flatMap((e) => (e.payload as { eventId: number }[]).map((x) => x.eventId)));
    print(`   webhooks: ${sent.length + forged.length} deliveries (${sent.filter((r) => r.duplicate).length} duplicated, ${forged.length} forged) carrying ${eventIds.size} distinct events; ${drained.processed} applied once each`);

    const stats = sandbox.stats();
    const refreshes = stats.oauth.refreshes;
    const rateLimited = stats.statuses[429] ?? 0;
    const counts = await store.counts();
    const contactRows = counts.contacts;
    const renamed = await Promise.all(changed.map((id) => store.contact(id)));
    const [deleted, emailChanged] = [await store.contact('100010'), await store.contact('100002')];
    const checks: Check[] = [
      { ok: first.contacts.records === HUBSPOT_DEMO_CONTACTS && contactRows === HUBSPOT_DEMO_CONTACTS && first.contacts.slices >= 2,
        label: `hubspot contacts: all ${HUBSPOT_DEMO_CONTACTS} synced past the 10,000 search cap (${first.contacts.slices} slices), none missing`,
        detail: `synced ${first.contacts.records}, rows ${contactRows}` },
      { ok: counts.deals === HUBSPOT_DEMO_DEALS, label: `hubspot deals: ${HUBSPOT_DEMO_DEALS} rows`, detail: `rows ${counts.deals}` },
      { ok: second.contacts.records === changed.length && renamed.every((contact) => contact?.firstname === 'Renamed'), label: `hubspot incremental: the second run read exactly the ${changed.length} contacts changed since the checkpoint`, detail: `read ${second.contacts.records}` },
      { ok: batch.results.length === 247 && batch.failures.map((f) => f.index).join(',') === '17,118,219' && batch.failures.every((f) => f.category === 'VALIDATION_ERROR'),
        label: 'hubspot batch upsert: a 207 answer reported per item (3 invalid inputs named by position, 247 written)', detail: JSON.stringify(batch.failures.map((f) => f.index)) },
      { ok: refreshes === 2, label: 'hubspot OAuth: one refresh for the first token and one when it expired mid-sync', detail: `refreshes ${refreshes}` },
      { ok: rateLimited === 0, label: 'hubspot limits: paced under 100 per 10 s and 5 searches per second, zero 429s', detail: `${rateLimited} × 429` },
      { ok: drained.processed === eventIds.size && counts.appliedEvents === eventIds.size && forged.every((r) => r.status === 401) && deleted?.deleted === 1 && emailChanged?.email === 'renamed@example.com',
        label: `hubspot webhooks: ${eventIds.size} events applied once each through the inbox (batched, duplicated, retried); the forged delivery refused`, detail: `applied ${drained.processed}, forged ${forged.map((r) => r.status).join(',')}` },
    ];
    return {
      checks, contacts: first.contacts.records, deals: first.deals.records, slices: first.contacts.slices, refreshes, rateLimited,
      batch: { results: batch.results.length, failures: batch.failures.map((f) => ({ index: f.index, category: f.category, message: f.message })) },
      webhooks: { deliveries: sent.length + forged.length, stored: eventIds.size, duplicates: sent.filter((r) => r.duplicate).length, rejected: forged.length, applied: drained.processed },
    };
  } finally {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await webhooks.close();
    // The token store and the inbox are the backend's: they close with it, after this.
    await client.http.close();
    await store.close();
    await sandbox.stop();
  }
}
