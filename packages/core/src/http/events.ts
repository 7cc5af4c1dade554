/**
 * Everything the pipeline reports, as one typed union. Core writes no logs itself:
 * `@connectors/observability` (or your own listener) turns these into logs, metrics and traces.
 * No event ever carries a credential, a filled-in URL path or a request body.
 */
export interface EventBase {
  connector: string;
  /** Operation name, e.g. `issues.list`; defaults to `METHOD /route/{template}`. */
  operation: string;
  /** Milliseconds since the epoch, from the client's clock. */
  time: number;
  /** Correlates the attempts of one call. */
  callId?: string;
}

export type AttemptOutcome = 'success' | 'retry' | 'failed';

export type ConnectorEvent =
  | (EventBase & { type: 'request'; method: string; route: string; attempt: number })
  | (EventBase & {
      type: 'response';
      method: string;
      route: string;
      attempt: number;
      /** Absent when no HTTP response arrived (network error, timeout). */
      status?: number;
      durationMs: number;
      outcome: AttemptOutcome;
      requestId?: string;
      /** The error class name when the attempt failed. */
      error?: string;
      /** The provider's error code, when the body named one. */
      providerCode?: string;
    })
  | (EventBase & {
      type: 'retry';
      attempt: number;
      delayMs: number;
      reason: string;
      /** What set the delay: our backoff, or the server (Retry-After, RateLimit headers). */
      delaySource: 'backoff' | 'server';
      status?: number;
    })
  | (EventBase & { type: 'give-up'; attempts: number; error: string; reason: string; retryable: boolean; status?: number; requestId?: string; providerCode?: string })
  /** A GraphQL operation returned data with field errors and the call asked for `partial: 'return'`. */
  | (EventBase & { type: 'graphql-partial'; errors: number; codes: readonly string[] })
  /** The provider attached warnings to a response (Slack `warning`, `response_metadata.warnings`). */
  | (EventBase & { type: 'provider-warning'; warnings: readonly string[] })
  | (EventBase & {
      type: 'deprecation';
      method: string;
      route: string;
      /** RFC 9745 `Deprecation` date, ISO 8601, when given as a date. */
      deprecation?: string;
      /** RFC 8594 `Sunset` date, ISO 8601. */
      sunset?: string;
      /** `Link rel="deprecation"` target: where the provider documents it. */
      deprecationLink?: string;
      sunsetLink?: string;
    })
  | (EventBase & {
      type: 'throttled';
      waitMs: number;
      reason: 'rate-limit-headers' | 'declared-budget' | 'shared-budget' | 'concurrency' | 'graphql-cost';
    })
  | (EventBase & { type: 'rate-limited'; status: number; retryAfterMs?: number })
  | (EventBase & { type: 'circuit'; state: 'open' | 'half-open' | 'closed'; host: string; failures?: number })
  | (EventBase & {
      /**
       * A shared (cross-process) rate-limit budget stopped answering (`unavailable`: calls go out
       * paced by this process alone, or fail if the limiter fails closed) or answers again
       * (`recovered`). Reported on each change, not per call.
       */
      type: 'shared-budget';
      state: 'unavailable' | 'recovered';
      /** The limiter's name (e.g. its Redis key); never a secret. */
      budget: string;
      /** Why it is unavailable, e.g. `Redis did not answer within 1000 ms`. */
      reason?: string;
    })
  | (EventBase & {
      type: 'token-refreshed';
      reason: 'expiring' | 'unauthorized' | 'missing' | 'forced';
      expiresAt?: string;
      /** The server returned a new refresh token, and it was persisted before use. */
      rotated: boolean;
      /** Another process (or a concurrent call) refreshed; we only re-read the store. */
      shared?: boolean;
    })
  | (EventBase & { type: 'auth-risk'; message: string })
  | (EventBase & { type: 'credential-expiring'; expiresAt: string; daysLeft: number; credential: string })
  | (EventBase & {
      type: 'schema-drift';
      kind: 'unknown-field' | 'unknown-enum-value';
      path: string;
      /** For an unknown enum value: the value (strings only, truncated). */
      value?: string;
    });

export type ConnectorEventType = ConnectorEvent['type'];
export type ConnectorEventOf<T extends ConnectorEventType> = Extract<ConnectorEvent, { type: T }>;
export type EventListener = (event: ConnectorEvent) => void;

/** Events without the fields the client fills in. */
export type EventInput = ConnectorEvent extends infer E
  ? E extends ConnectorEvent
    ? Omit<E, 'connector' | 'time'> & { connector?: string }
    : never
  : never;

/** A tiny fan-out. A listener that throws must not break the call that reported the event. */
export class EventHub {
  readonly #listeners = new Set<EventListener>();

  add(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get size(): number {
    return this.#listeners.size;
  }

  emit(event: ConnectorEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // Observability must never change the outcome of a call.
      }
    }
  }
}
