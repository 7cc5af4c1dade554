import { hubspotEventInbox, hubspotV3Scheme, parseHubSpotEvent } from '@connectors/hubspot';
import { createWebhookInbox, type InboxStore, UnprocessableEventError, type WebhookEvent, type WebhookInbox, type WebhookInboxEvent, type WebhookWorker, type WebhookWorkerEvent } from '@connectors/webhooks';
import { createEffectWorker, type EffectTarget } from '../store/effect-worker.ts';
import { CONTACT_PROPERTIES, type ContactProperty, type HubSpotEffect } from './hubspot-store.ts';
import type { HubSpotData } from './open-hubspot-data.ts';

export interface HubSpotWebhooks {
  inbox: WebhookInbox;
  worker: WebhookWorker;
  close(): Promise<void>;
}

/**
 * `/webhooks/hubspot`: HubSpot's v3 signature checked against the public URL, each event of a batch
 * stored once by its `eventId`, then applied to the contacts table by a worker, once per event. The
 * inbox is where the app keeps the rest: a SQLite file next to its database, or a table in PostgreSQL
 * (then each effect commits with the event's processed mark).
 */
export function createHubSpotWebhooks(options: {
  /** The store and the backend its inbox goes on. */
  data: HubSpotData;
  /** The app's client secret (HubSpot signs v3 webhooks with it). */
  clientSecret: string;
  /** The origin HubSpot calls (the signature covers the full URL). */
  publicBaseUrl?: string;
  now?: () => number;
  onInboxEvent?: (event: WebhookInboxEvent) => void;
  onWorkerEvent?: (event: WebhookWorkerEvent) => void;
}): HubSpotWebhooks {
  const { data } = options;
  let inboxStore: InboxStore;
  let target: EffectTarget<HubSpotEffect>;
  if (data.kind === 'sqlite') {
    inboxStore = hubspotEventInbox(data.backend.inboxStore('hubspot-inbox.db'));
    target = { kind: 'sqlite', effects: data.store };
  } else {
    // Still a PostgresInboxStore: its transactions (for the transactional worker) and LISTEN wake-ups come with it.
    const postgres = hubspotEventInbox(data.backend.inboxStore('hubspot_webhook_inbox'));
    inboxStore = postgres;
    target = { kind: 'postgres', effects: data.store, inbox: postgres };
  }
  const inbox = createWebhookInbox({
    store: inboxStore,
    sources: { hubspot: { scheme: hubspotV3Scheme, secret: options.clientSecret } },
    ...(options.publicBaseUrl ? { publicBaseUrl: options.publicBaseUrl } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.onInboxEvent ? { onEvent: options.onInboxEvent } : {}),
  });
  const worker = createEffectWorker<HubSpotEffect>({
    inbox,
    target,
    decoders: { hubspot: contactEffect },
    maxAttempts: 5,
    ...(options.now ? { now: options.now } : {}),
    ...(options.onWorkerEvent ? { onEvent: options.onWorkerEvent } : {}),
  });
  return {
    inbox,
    worker,
    async close() {
      await worker.stop({ timeoutMs: 5000 });
    },
  };
}

/** A contact's property change or deletion; other subscriptions are recorded as seen. */
async function contactEffect(event: WebhookEvent): Promise<HubSpotEffect> {
  let payload: unknown;
  try {
    payload = event.json();
  } catch (cause) {
    throw new UnprocessableEventError(`${event.key}: the body is not JSON`, { cause });
  }
  const hubspotEvent = await parseHubSpotEvent(payload);
  const effect: HubSpotEffect = { contactId: String(hubspotEvent.objectId) };
  const property = hubspotEvent.propertyName as ContactProperty | undefined;
  if (hubspotEvent.subscriptionType === 'contact.propertyChange' && property !== undefined && CONTACT_PROPERTIES.includes(property)) {
    effect.set = { property, value: hubspotEvent.propertyValue ?? null };
  }
  if (hubspotEvent.subscriptionType === 'contact.deletion') effect.deleted = true;
  return effect;
}
