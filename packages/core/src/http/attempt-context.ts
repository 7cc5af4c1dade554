import type { Clock } from '../internal/clock.ts';
import type { PathParams, QueryParams } from './build-url.ts';
import type { EventInput } from './events.ts';

/** What the call asked for, as given: rate-limit rules key sub-buckets on it (a Slack channel, a shop). */
export interface AttemptInput {
  readonly params?: PathParams | undefined;
  readonly query?: QueryParams | undefined;
  /** The request body before encoding (never put it in an event or a log). */
  readonly body?: unknown;
}

/** What one attempt looks like to middleware (rate limiting, circuit breaking, tracing). */
export interface AttemptContext {
  readonly connector: string;
  readonly operation: string;
  readonly method: string;
  /** The path template, e.g. `/repos/{owner}/{repo}`: safe for labels, free of IDs. */
  readonly route: string;
  readonly url: URL;
  readonly host: string;
  /** The outgoing headers before credentials are added: middleware may add its own (e.g. `traceparent`). */
  readonly headers: Headers;
  readonly attempt: number;
  /** Aborts on the caller's abort or the call's total deadline; the attempt timeout starts only at send. */
  readonly signal: AbortSignal;
  /** True when the caller's own AbortSignal ended the attempt (not a timeout): says nothing about the host. */
  readonly callerAborted: boolean;
  readonly clock: Clock;
  /** Epoch ms when the whole call times out (`timeout.totalMs`): a wait that would end later should fail now. */
  readonly deadline?: number;
  /** The call's params, query and body as given (the client always sets it; optional for hand-made contexts). */
  readonly input?: AttemptInput;
  /** False when the call passed `rateLimit: false`: rate limiters used as middleware let it through untouched. */
  readonly rateLimit?: boolean;
  emit(event: EventInput): void;
}

/**
 * Wraps every attempt. Call `next()` to send (it resolves with the raw response, whatever its
 * status), or throw a `ConnectorError` to fail the attempt without sending. Rate limiters wait
 * before `next()`, circuit breakers throw, both read the response after.
 */
export type AttemptMiddleware = (context: AttemptContext, next: () => Promise<Response>) => Promise<Response>;
