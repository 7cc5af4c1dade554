import type { StoredInboxEvent } from '../stores/inbox-store.ts';

/** A stored delivery as a handler sees it. */
export interface WebhookEvent {
  /** `${source}:${id}`, also the handler's idempotency key. */
  readonly key: string;
  readonly source: string;
  /** The provider's event or delivery id. */
  readonly id: string;
  readonly type: string | undefined;
  /** The provider's signed timestamp, when its scheme has one. */
  readonly timestamp: Date | undefined;
  readonly receivedAt: Date;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The raw body exactly as received. */
  readonly body: Buffer;
  /** The body as UTF-8 text. */
  text(): string;
  /** The body parsed as JSON (parsed once). Throws a SyntaxError when it is not JSON. */
  json<T = unknown>(): T;
}

export function toWebhookEvent(stored: StoredInboxEvent): WebhookEvent {
  let parsed: { value: unknown } | undefined;
  return {
    key: stored.key,
    source: stored.source,
    id: stored.id,
    type: stored.type,
    timestamp: stored.timestamp === undefined ? undefined : new Date(stored.timestamp),
    receivedAt: new Date(stored.receivedAt),
    headers: stored.headers,
    body: stored.body,
    text: () => stored.body.toString('utf8'),
    json: <T>() => (parsed ??= { value: JSON.parse(stored.body.toString('utf8')) }).value as T,
  };
}
