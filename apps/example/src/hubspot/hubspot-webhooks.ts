import { hubspotEventInbox, hubspotV3Scheme, parseHubSpotEvent } from '@connectors/hubspot';
import { createWebhookInbox, createWebhookWorker, UnprocessableEventError, type WebhookInbox, type WebhookInboxEvent, type WebhookWorker, type WebhookWorkerEvent } from '@connectors/webhooks';
import { sqliteInboxStore } from '@connectors/webhooks/sqlite';
import type { HubSpotStore } from './hubspot-store.ts';

export interface HubSpotWebhooks {
  inbox: WebhookInbox;
  worker: WebhookWorker;
  close(): Promise<void>;
}

/**
 * `/webhooks/hubspot`: HubSpot's v3 signature checked against the public URL, each event of a batch
 * stored once by its `eventId`, then applied to the contacts table by a worker, once per event.
 */
export function createHubSpotWebhooks(options: {
  store: HubSpotStore;
  /** The app's client secret (HubSpot signs v3 webhooks with it). */
  clientSecret: string;
  inboxPath: string;
  /** The origin HubSpot calls (the signature covers the full URL). */
  publicBaseUrl?: string;
  now?: () => number;
  onInboxEvent?: (event: WebhookInboxEvent) => void;
  onWorkerEvent?: (event: WebhookWorkerEvent) => void;
}): HubSpotWebhooks {
  const inboxStore = hubspotEventInbox(sqliteInboxStore({ path: options.inboxPath }));
  const inbox = createWebhookInbox({
    store: inboxStore,
    sources: { hubspot: { scheme: hubspotV3Scheme, secret: options.clientSecret } },
    ...(options.publicBaseUrl ? { publicBaseUrl: options.publicBaseUrl } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.onInboxEvent ? { onEvent: options.onInboxEvent } : {}),
  });
  const worker = createWebhookWorker({
    inbox,
    maxAttempts: 5,
    ...(options.now ? { now: options.now } : {}),
    ...(options.onWorkerEvent ? { onEvent: options.onWorkerEvent } : {}),
    handlers: {
      hubspot: async (event, context) => {
        let payload: unknown;
        try {
          payload = event.json();
        } catch (cause) {
          throw new UnprocessableEventError(`${event.key}: the body is not JSON`, { cause });
        }
        const hubspotEvent = await parseHubSpotEvent(payload);
        options.store.applyEvent(context.idempotencyKey, () => {
          const id = String(hubspotEvent.objectId);
          if (hubspotEvent.subscriptionType === 'contact.propertyChange' && ['email', 'firstname', 'lastname'].includes(hubspotEvent.propertyName ?? '')) {
            options.store.sqlite.prepare(`UPDATE hubspot_contacts SET ${hubspotEvent.propertyName} = ? WHERE id = ?`).run(hubspotEvent.propertyValue ?? null, id);
          }
          if (hubspotEvent.subscriptionType === 'contact.deletion') options.store.sqlite.prepare('UPDATE hubspot_contacts SET deleted = 1 WHERE id = ?').run(id);
        });
      },
    },
  });
  return {
    inbox,
    worker,
    async close() {
      await inboxStore.close();
    },
  };
}
