import { validate } from '@connectors/core';
import { hubspotLegacyScheme, hubspotV3Scheme, verifyWebhook, type InboxStore, type NewInboxEvent, type PutOutcome, type VerificationFailure, type VerifyWebhookInput, type WebhookScheme } from '@connectors/webhooks';
import { hubspotWebhookBatchSchema, hubspotWebhookEventSchema, type HubSpotWebhookEvent } from './webhook-event-schemas.ts';

export { hubspotLegacyScheme, hubspotV3Scheme };

/** What `verifyHubSpotWebhook` returns. A bad delivery is a result, never an exception. */
export type HubSpotWebhookResult =
  | {
      ok: true;
      /** The events of the delivery (up to 100): deduplicate each on its `eventId`. */
      events: HubSpotWebhookEvent[];
      signedAt: Date | undefined;
      secretIndex: number;
    }
  | VerificationFailure;

function text(body: VerifyWebhookInput['body']): string {
  return typeof body === 'string' ? body : Buffer.from(body instanceof ArrayBuffer ? new Uint8Array(body) : body).toString('utf8');
}

/**
 * Checks a HubSpot delivery (default `hubspotV3Scheme`: HMAC-SHA256 of method, full URL, body and
 * the millisecond timestamp, at most 5 minutes old; `hubspotLegacyScheme` for v1/v2 workflow
 * webhooks) and types its events. `url` must be the public URL HubSpot called.
 *
 * @example
 * const result = await verifyHubSpotWebhook({ body: rawBody, headers: req.headers, secret: process.env.HUBSPOT_CLIENT_SECRET, method: 'POST', url: 'https://hooks.example.com/webhooks/hubspot' });
 * if (!result.ok) return res.status(401).send(result.reason);
 * for (const event of result.events) if (await firstTime(event.eventId)) await handle(event);
 * @throws SchemaValidationError when the signature is valid but the body is not an array of events.
 */
export async function verifyHubSpotWebhook(input: VerifyWebhookInput & { scheme?: WebhookScheme }): Promise<HubSpotWebhookResult> {
  const { scheme = hubspotV3Scheme, ...rest } = input;
  const verified = verifyWebhook(scheme, rest);
  if (!verified.ok) return verified;
  const events = await parseHubSpotEvents(JSON.parse(text(input.body)));
  return { ok: true, events, signedAt: verified.timestamp, secretIndex: verified.secretIndex };
}

/** Types a delivery body (an array of events, or one event). @throws SchemaValidationError naming the field that is off. */
export async function parseHubSpotEvents(payload: unknown): Promise<HubSpotWebhookEvent[]> {
  const list = Array.isArray(payload) ? payload : [payload];
  return (await validate(hubspotWebhookBatchSchema, list, { connector: 'hubspot', operation: 'webhooks.event', direction: 'response', drift: 'report' })) as HubSpotWebhookEvent[];
}

/** Types one stored event (a body written by `hubspotEventInbox`). */
export async function parseHubSpotEvent(payload: unknown): Promise<HubSpotWebhookEvent> {
  return (await validate(hubspotWebhookEventSchema, payload, { connector: 'hubspot', operation: 'webhooks.event', direction: 'response', drift: 'report' })) as HubSpotWebhookEvent;
}

/**
 * Wraps an inbox store so each HubSpot delivery (a batch of up to 100 events) is stored as one inbox
 * event per HubSpot event, keyed by `eventId` and typed by `subscriptionType`: a worker handles and
 * retries events one by one, and an event HubSpot sends again in another batch (a retry with a new
 * `attemptNumber`, or an overlapping batch) is a duplicate. The delivery is answered 2xx only once
 * every event is durable; if a write fails the inbox answers 503 and HubSpot's retry stores the rest
 * (the ones already stored are then duplicates). Bodies that are not an event array are stored as
 * one event, as received, for the worker to dead-letter.
 *
 * Only `put` changes: everything else is the wrapped store's own, with its type, so a
 * `sqliteInboxStore` or `postgresInboxStore` stays transactional (`createTransactionalWebhookWorker`
 * takes the wrapper), PostgreSQL's `watch` still wakes workers through LISTEN/NOTIFY, and extras
 * such as `inspector()`, `ready()`, `path` or `schema` are still there.
 *
 * @example
 * const inbox = createWebhookInbox({ store: hubspotEventInbox(sqliteInboxStore({ path })), sources: { hubspot: { scheme: hubspotV3Scheme, secret } } });
 * @example
 * const store = hubspotEventInbox(postgresInboxStore({ pool, table: 'hubspot_inbox' })); // still a PostgresInboxStore
 * const worker = createTransactionalWebhookWorker<pg.PoolClient>({ store, handlers: { hubspot: async (event, { tx }) => apply(tx, await parseHubSpotEvent(event.json())) } });
 */
export function hubspotEventInbox<S extends InboxStore>(store: S, options: { sources?: readonly string[] } = {}): S {
  const sources = options.sources ? new Set(options.sources) : undefined;
  const put = async (event: NewInboxEvent): Promise<PutOutcome> => {
    if (sources && !sources.has(event.source)) return store.put(event);
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(event.body).toString('utf8'));
    } catch {
      return store.put(event);
    }
    const items = Array.isArray(parsed) ? parsed : [parsed];
    const events = items.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null && (typeof (item as { eventId?: unknown }).eventId === 'number' || typeof (item as { eventId?: unknown }).eventId === 'string'));
    if (events.length === 0 || events.length !== items.length) return store.put(event);
    // All at once, in order: the SQLite and PostgreSQL stores commit puts of the same turn together
    // (one commit and one fsync for a 100-event delivery instead of 100).
    const outcomes = await Promise.all(events.map((item) => store.put({
      ...event,
      id: String(item['eventId']),
      type: typeof item['subscriptionType'] === 'string' ? item['subscriptionType'] : event.type,
      timestamp: typeof item['occurredAt'] === 'number' ? item['occurredAt'] : event.timestamp,
      body: Buffer.from(JSON.stringify(item)),
    })));
    return outcomes.includes('stored') ? 'stored' : 'duplicate';
  };
  return withPut(store, put);
}

/**
 * The store with `put` replaced and every other member its own, optional ones included (`transaction`,
 * `watch`, and whatever the implementation adds): a proxy rather than a copy of a fixed list of
 * methods, so nothing is dropped. Methods are bound to the store, since stores may be classes with
 * private fields that reject any other `this`.
 */
function withPut<S extends InboxStore>(store: S, put: InboxStore['put']): S {
  const bound = new Map<PropertyKey, { method: unknown; bound: unknown }>();
  return new Proxy(store, {
    get(target, property) {
      if (property === 'put') return put;
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const cached = bound.get(property);
      if (cached?.method === value) return cached.bound;
      const method = (value as (...args: unknown[]) => unknown).bind(target);
      bound.set(property, { method: value, bound: method });
      return method;
    },
  });
}
