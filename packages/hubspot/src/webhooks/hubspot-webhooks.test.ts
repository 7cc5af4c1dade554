import { signWebhook, type InboxStore, type NewInboxEvent } from '@connectors/webhooks';
import { describe, expect, it } from 'vitest';
import batch from './__fixtures__/contact-batch.json' with { type: 'json' };
import { hubspotEventInbox, hubspotV3Scheme, verifyHubSpotWebhook } from './hubspot-webhooks.ts';

const SECRET = 'client-secret';
const URL_CALLED = 'https://hooks.example.com/webhooks/hubspot';

function memoryStore() {
  const puts: NewInboxEvent[] = [];
  const keys = new Set<string>();
  const store = {
    put: async (event: NewInboxEvent) => {
      const key = `${event.source}:${event.id}`;
      if (keys.has(key)) return 'duplicate' as const;
      keys.add(key);
      puts.push(event);
      return 'stored' as const;
    },
  } as unknown as InboxStore;
  for (const name of ['lease', 'renewLease', 'markProcessed', 'scheduleRetry', 'deadLetter', 'get', 'listDeadLetters', 'replayDeadLetters', 'discardDeadLetters', 'stats', 'close'] as const) {
    (store as unknown as Record<string, unknown>)[name] = async () => undefined;
  }
  return { store, puts };
}

const delivery = (events: unknown) => ({ source: 'hubspot', id: 'batch', type: 'batch', timestamp: 1, receivedAt: 2, headers: {}, body: Buffer.from(JSON.stringify(events)) });

describe('HubSpot webhooks', () => {
  it('verifies a v3 signature and types the events of the batch', async () => {
    const body = JSON.stringify(batch);
    const headers = signWebhook(hubspotV3Scheme, { body, secret: SECRET, method: 'POST', url: URL_CALLED, timestamp: Date.now() });
    const result = await verifyHubSpotWebhook({ body, headers, secret: SECRET, method: 'POST', url: URL_CALLED });
    expect(result.ok && result.events.map((e) => [e.eventId, e.subscriptionType])).toEqual([[100, 'contact.creation'], [101, 'contact.propertyChange']]);
    const forged = await verifyHubSpotWebhook({ body, headers, secret: 'wrong', method: 'POST', url: URL_CALLED });
    expect(forged).toMatchObject({ ok: false, reason: 'signature-mismatch' });
  });

  it('stores each event of a batch once, keyed by eventId, whatever batch it comes in', async () => {
    const { store, puts } = memoryStore();
    const inbox = hubspotEventInbox(store);
    expect(await inbox.put(delivery(batch))).toBe('stored');
    // HubSpot's retry: the same event, a higher attemptNumber, with a new one beside it.
    expect(await inbox.put(delivery([{ ...batch[1], attemptNumber: 1 }, { ...batch[0], eventId: 102 }]))).toBe('stored');
    expect(await inbox.put(delivery(batch))).toBe('duplicate');
    expect(puts.map((p) => [p.id, p.type, p.timestamp])).toEqual([['100', 'contact.creation', 1733058000000], ['101', 'contact.propertyChange', 1733058000100], ['102', 'contact.creation', 1733058000000]]);
    expect(JSON.parse(Buffer.from(puts[1]!.body).toString())).toMatchObject({ eventId: 101, propertyName: 'email' });
  });

  it('stores a body that is not an event array as received, for the worker to dead-letter', async () => {
    const { store, puts } = memoryStore();
    expect(await hubspotEventInbox(store).put(delivery({ hello: 'world' }))).toBe('stored');
    expect(puts.map((p) => p.id)).toEqual(['batch']);
  });
  it('hands every event of a delivery to the store at once, so a group-committing store writes them in one commit', async () => {
    const { store } = memoryStore();
    let pending = 0;
    let most = 0;
    const inner = store.put.bind(store);
    (store as { put: InboxStore['put'] }).put = async (event) => {
      pending++;
      most = Math.max(most, pending);
      await new Promise((resolve) => setImmediate(resolve));
      pending--;
      return inner(event);
    };
    const events = Array.from({ length: 100 }, (_, i) => ({ eventId: i + 1, subscriptionType: 'contact.creation', objectId: i, occurredAt: 1 }));
    expect(await hubspotEventInbox(store).put(delivery(events))).toBe('stored');
    expect(most).toBe(100);
  });
});
