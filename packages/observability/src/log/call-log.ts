import type { ConnectorEvent, ConnectorEventType, EventListener } from '@connectors/core';
import { RouteCache } from '../internal/route-cache.ts';
import { safeOperation, safeRoute } from '../internal/safe-route.ts';
import type { Logger } from '../observe/instrumentation.ts';
import { scrubSecrets } from './scrub-secrets.ts';

/** How one attempt ended, as the call log reports it. */
export type CallOutcome = 'success' | 'retried' | 'failed' | 'throttled';

/**
 * One attempt, as logged. Built field by field from the `response` event, never from headers,
 * bodies or the filled URL, so it cannot carry a credential or a path ID.
 */
export interface CallRecord {
  event: 'call';
  connector: string;
  operation: string;
  method: string;
  /** The path template, e.g. `/repos/{owner}/{repo}`. */
  route: string;
  /** Absent when no response arrived (network error, timeout). */
  status: number | undefined;
  durationMs: number;
  /** 1 for the first attempt of a call. */
  attempt: number;
  /** `throttled`: the provider rate-limited this attempt (429, or a rate-limit response core recognised). */
  outcome: CallOutcome;
  /** The provider's request id, for support tickets. */
  requestId: string | undefined;
  /** Correlates the attempts of one call. */
  callId: string | undefined;
  /** The error class when the attempt failed, e.g. `HttpError`, `TimeoutError`. */
  error: string | undefined;
}

type LogLevel = 'info' | 'warn' | 'error';

/** Events logged besides call records unless `events` says otherwise: the ones a person should read. */
export const NOTABLE_EVENTS: readonly ConnectorEventType[] = [
  'give-up',
  'deprecation',
  'circuit',
  'shared-budget',
  'auth-risk',
  'credential-expiring',
  'schema-drift',
  'token-refreshed',
  'provider-status',
];

export interface CallLogOptions {
  /** Other event types to log as their own records. Default `NOTABLE_EVENTS`; `[]` for call records only. */
  events?: readonly ConnectorEventType[];
  /** Log successful attempts too. Default true; turn off on very busy clients and rely on metrics. */
  successes?: boolean;
  /** Log level per outcome. Default success `info`, retried and throttled `warn`, failed `error`. */
  levels?: Partial<Record<CallOutcome, LogLevel>>;
}

/** The message of every call record: constant, so log pipelines group by it; the data is in the fields. */
export const CALL_MESSAGE = 'connector call';

/**
 * Turns a client's events into a structured call log: one `CallRecord` per attempt, plus records
 * for notable events (give-up with its reason, deprecations, circuit changes, expiring
 * credentials...) with free text scrubbed by `scrubSecrets`.
 *
 * @example client.subscribe(createCallLog(pino()))
 */
export function createCallLog(logger: Logger, options: CallLogOptions = {}): EventListener {
  const notable = new Set(options.events ?? NOTABLE_EVENTS);
  const successes = options.successes ?? true;
  const levels: Record<CallOutcome, LogLevel> = { success: 'info', retried: 'warn', throttled: 'warn', failed: 'error', ...options.levels };
  // Core emits `rate-limited` and then, synchronously, the `response` of the same attempt; one slot
  // is enough to mark that attempt throttled, whatever the concurrency.
  let rateLimitedCall: string | undefined;

  const routeLoggers = routeLoggerCache(logger);

  return (event: ConnectorEvent) => {
    if (event.type === 'response') {
      const throttled = event.status === 429 || (event.callId !== undefined && event.callId === rateLimitedCall);
      rateLimitedCall = undefined;
      const outcome: CallOutcome = event.outcome === 'success' ? 'success' : throttled ? 'throttled' : event.outcome === 'retry' ? 'retried' : 'failed';
      if (outcome === 'success' && !successes) return;
      const attempt: AttemptFields = {
        status: event.status,
        durationMs: Math.round(event.durationMs * 100) / 100,
        attempt: event.attempt,
        outcome,
        requestId: event.requestId,
        callId: event.callId,
        error: event.error,
      };
      const routeLogger = routeLoggers?.(event.connector, event.operation, event.method, event.route);
      if (routeLogger) routeLogger[levels[outcome]](attempt, CALL_MESSAGE);
      else logger[levels[outcome]](callRecord(event.connector, event.operation, event.method, event.route, attempt), CALL_MESSAGE);
      return;
    }
    if (event.type === 'rate-limited') rateLimitedCall = event.callId;
    if (!notable.has(event.type)) return;
    const entry = notableRecord(event);
    if (entry) logger[entry.level](entry.record, entry.message);
  };
}

/** The fields of a call record that change from attempt to attempt. */
type AttemptFields = Omit<CallRecord, 'event' | 'connector' | 'operation' | 'method' | 'route'>;

function callRecord(connector: string, operation: string, method: string, route: string, attempt: AttemptFields): CallRecord {
  return { event: 'call', connector, operation: safeOperation(operation), method, route: safeRoute(route), ...attempt };
}

/** A logger whose `child(bindings)` returns a logger with those fields on every record: pino's. */
interface ChildLogger extends Logger {
  child(bindings: Record<string, unknown>): Logger;
}

/**
 * For loggers with `child()` (pino), one child per connector, operation, method and route, bound to
 * those fields: pino serializes a child's bindings once, so each record only serializes the fields
 * that change, which halves the call log's cost per attempt. Lines carry the same `CallRecord` fields.
 */
function routeLoggerCache(logger: Logger): ((connector: string, operation: string, method: string, route: string) => Logger | undefined) | undefined {
  if (typeof (logger as Partial<ChildLogger>).child !== 'function') return undefined;
  const parent = logger as ChildLogger;
  const cache = new RouteCache<Logger>();
  return (connector, operation, method, route) =>
    cache.get(connector, operation, method, route) ??
    (cache.full ? undefined : cache.add(connector, operation, method, route, parent.child({ event: 'call', connector, operation: safeOperation(operation), method, route: safeRoute(route) })));
}

interface NotableEntry {
  level: LogLevel;
  message: string;
  record: Record<string, unknown>;
}

/** Field by field per event type: a new field in core stays out of logs until it is reviewed here. */
function notableRecord(event: ConnectorEvent): NotableEntry | undefined {
  const base = { event: event.type, connector: event.connector, operation: safeOperation(event.operation), callId: event.callId };
  switch (event.type) {
    case 'give-up':
      return {
        level: 'error',
        message: 'connector call failed',
        record: { ...base, attempts: event.attempts, error: event.error, reason: scrubSecrets(event.reason), retryable: event.retryable, status: event.status },
      };
    case 'retry':
      return {
        level: 'info',
        message: 'connector retry scheduled',
        record: { ...base, attempt: event.attempt, delayMs: event.delayMs, delaySource: event.delaySource, reason: scrubSecrets(event.reason), status: event.status },
      };
    case 'deprecation':
      return {
        level: 'warn',
        message: 'API deprecation notice',
        record: {
          ...base, method: event.method, route: safeRoute(event.route), deprecation: event.deprecation, sunset: event.sunset,
          deprecationLink: event.deprecationLink && scrubSecrets(event.deprecationLink), sunsetLink: event.sunsetLink && scrubSecrets(event.sunsetLink),
        },
      };
    case 'circuit':
      return {
        level: event.state === 'open' ? 'error' : event.state === 'half-open' ? 'warn' : 'info',
        message: `circuit ${event.state}`,
        record: { ...base, state: event.state, host: event.host, failures: event.failures },
      };
    case 'shared-budget':
      return {
        level: event.state === 'unavailable' ? 'warn' : 'info',
        message: `shared rate-limit budget ${event.state}`,
        record: { ...base, budget: scrubSecrets(event.budget), state: event.state, reason: event.reason === undefined ? undefined : scrubSecrets(event.reason) },
      };
    case 'auth-risk':
      return { level: 'warn', message: 'auth risk', record: { ...base, message: scrubSecrets(event.message) } };
    case 'credential-expiring':
      return {
        level: 'warn',
        message: 'credential expiring',
        record: { ...base, credential: scrubSecrets(event.credential), expiresAt: event.expiresAt, daysLeft: event.daysLeft },
      };
    case 'schema-drift':
      return {
        level: 'warn',
        message: 'response schema drift',
        record: { ...base, kind: event.kind, path: scrubSecrets(event.path), value: event.value === undefined ? undefined : scrubSecrets(event.value) },
      };
    case 'token-refreshed':
      return {
        level: 'info',
        message: 'token refreshed',
        record: { ...base, reason: event.reason, expiresAt: event.expiresAt, rotated: event.rotated, shared: event.shared },
      };
    case 'provider-status':
      return {
        level: event.reachable && event.indicator !== 'none' ? 'warn' : 'info',
        message: 'provider status',
        record: { ...base, page: event.page, reachable: event.reachable, indicator: event.indicator, description: scrubSecrets(event.description), incidents: event.incidents.map((i) => i.name) },
      };
    case 'throttled':
      return { level: 'info', message: 'connector throttled', record: { ...base, waitMs: event.waitMs, reason: event.reason } };
    case 'rate-limited':
      return { level: 'warn', message: 'connector rate limited', record: { ...base, status: event.status, retryAfterMs: event.retryAfterMs } };
    case 'request':
      return { level: 'info', message: 'connector request', record: { ...base, method: event.method, route: safeRoute(event.route), attempt: event.attempt } };
    default:
      return undefined;
  }
}
