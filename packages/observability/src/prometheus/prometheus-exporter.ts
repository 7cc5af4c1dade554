import type { ConnectorEvent } from '@connectors/core';
import { Counter, Gauge, Histogram, type Metric, type Registry, register as globalRegistry } from 'prom-client';
import { RouteCache } from '../internal/route-cache.ts';
import { safeOperation, safeRoute } from '../internal/safe-route.ts';
import { statusClass, statusClassIndex } from '../internal/status-class.ts';
import type { Instrumentation, ObservableClient } from '../observe/instrumentation.ts';

export interface PrometheusExporterOptions {
  /** Where the metrics are registered. Default prom-client's global `register` (what most apps expose). */
  registry?: Registry;
  /** Prefix of every metric name. Default `connector_`. */
  prefix?: string;
  /** Latency histogram buckets, in seconds. Default 5 ms to 30 s. */
  buckets?: readonly number[];
}

/** An `Instrumentation` that records Prometheus metrics; `registry.metrics()` renders them for `/metrics`. */
export interface PrometheusExporter extends Instrumentation {
  readonly registry: Registry;
}

/** Covers fast reads to slow writes; wider than prom-client's default, which stops at 10 s. */
export const DEFAULT_LATENCY_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

const OUTCOMES = ['success', 'throttled', 'retried', 'failed'] as const;
const ATTEMPT_LABELS = ['connector', 'operation', 'method', 'route', 'status_class', 'outcome'] as const;
const DURATION_LABELS = ['connector', 'operation', 'method', 'route', 'status_class'] as const;

/** Metric children per (operation, route, method), so the hot path allocates no label objects. */
interface RouteChildren {
  readonly labels: { connector: string; operation: string; method: string; route: string };
  /** Indexed by status class index * 4 + outcome index. */
  readonly attempts: ({ inc(): void } | undefined)[];
  /** Indexed by status class index. */
  readonly durations: ({ observe(value: number): void } | undefined)[];
}

/**
 * Prometheus metrics for connectors, labelled by connector, operation, method, route template and
 * status class; never by IDs, URLs or request ids, so cardinality stays bounded:
 *
 * - `connector_requests_total{connector,operation,method,route,status_class,outcome}` attempts
 * - `connector_request_duration_seconds{connector,operation,method,route,status_class}` attempt latency
 * - `connector_call_errors_total{connector,operation,error}` calls that failed for good
 * - `connector_retries_total{connector,operation,delay_source}`
 * - `connector_rate_limited_total{connector,operation}` provider refusals (429 and the like)
 * - `connector_throttle_waits_total` / `connector_throttle_wait_seconds_total{connector,operation,reason}` client-side pacing
 * - `connector_circuit_state{connector,host}` 0 closed, 1 half-open, 2 open
 * - `connector_shared_budget_available{connector,budget}` 0 while a shared rate-limit budget's store does not answer
 * - `connector_credential_expiry_timestamp_seconds{connector,credential}`
 * - `connector_deprecation_notices_total{connector,operation}`, `connector_schema_drift_total{connector,operation,kind}`
 * - `connector_dead_letter_queue_depth{queue}` (from `createObservability`'s `deadLetterQueues` probes)
 *
 * @example
 * const registry = new Registry();
 * observe(client, { metrics: prometheusExporter({ registry }) });
 * // GET /metrics: res.end(await registry.metrics())
 */
export function prometheusExporter(options: PrometheusExporterOptions = {}): PrometheusExporter {
  const registry = options.registry ?? globalRegistry;
  const prefix = options.prefix ?? 'connector_';
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(`${prefix}x`)) throw new TypeError(`prometheusExporter: prefix ${JSON.stringify(prefix)} is not a valid metric name prefix`);

  /** Reuses a metric another exporter already registered under the name, instead of throwing. */
  function metric<M extends Metric<string>>(name: string, make: () => M): M {
    return (registry.getSingleMetric(`${prefix}${name}`) as M | undefined) ?? make();
  }
  const registers = [registry];
  const attempts = metric('requests_total', () => new Counter({ name: `${prefix}requests_total`, help: 'HTTP attempts made by connectors, by outcome.', labelNames: ATTEMPT_LABELS, registers }));
  const duration = metric('request_duration_seconds', () =>
    new Histogram({ name: `${prefix}request_duration_seconds`, help: 'Duration of one HTTP attempt, body included, in seconds.', labelNames: DURATION_LABELS, buckets: [...(options.buckets ?? DEFAULT_LATENCY_BUCKETS)], registers }),
  );
  const callErrors = metric('call_errors_total', () => new Counter({ name: `${prefix}call_errors_total`, help: 'Calls that failed for good, after any retries, by error class.', labelNames: ['connector', 'operation', 'error'], registers }));
  const retries = metric('retries_total', () => new Counter({ name: `${prefix}retries_total`, help: 'Retries scheduled, by who set the delay (backoff or server).', labelNames: ['connector', 'operation', 'delay_source'], registers }));
  const rateLimited = metric('rate_limited_total', () => new Counter({ name: `${prefix}rate_limited_total`, help: 'Attempts the provider refused for rate limiting.', labelNames: ['connector', 'operation'], registers }));
  const throttleWaits = metric('throttle_waits_total', () => new Counter({ name: `${prefix}throttle_waits_total`, help: 'Times the client paced itself before sending.', labelNames: ['connector', 'operation', 'reason'], registers }));
  const throttleSeconds = metric('throttle_wait_seconds_total', () => new Counter({ name: `${prefix}throttle_wait_seconds_total`, help: 'Time spent pacing before sending, in seconds.', labelNames: ['connector', 'operation', 'reason'], registers }));
  const circuit = metric('circuit_state', () => new Gauge({ name: `${prefix}circuit_state`, help: 'Circuit breaker state per host: 0 closed, 1 half-open, 2 open.', labelNames: ['connector', 'host'], registers }));
  const sharedBudget = metric('shared_budget_available', () =>
    new Gauge({ name: `${prefix}shared_budget_available`, help: 'Whether a shared (cross-process) rate-limit budget answers: 1 yes, 0 no.', labelNames: ['connector', 'budget'], registers }),
  );
  const credentialExpiry = metric('credential_expiry_timestamp_seconds', () =>
    new Gauge({ name: `${prefix}credential_expiry_timestamp_seconds`, help: 'When a credential reported as expiring expires (Unix seconds).', labelNames: ['connector', 'credential'], registers }),
  );
  const deprecations = metric('deprecation_notices_total', () => new Counter({ name: `${prefix}deprecation_notices_total`, help: 'Deprecation or Sunset notices received.', labelNames: ['connector', 'operation'], registers }));
  const drift = metric('schema_drift_total', () => new Counter({ name: `${prefix}schema_drift_total`, help: 'Responses with fields or enum values the schema does not know.', labelNames: ['connector', 'operation', 'kind'], registers }));
  const dlqDepth = metric('dead_letter_queue_depth', () => new Gauge({ name: `${prefix}dead_letter_queue_depth`, help: 'Items in a dead-letter queue.', labelNames: ['queue'], registers }));

  return {
    registry,
    instrument(client: ObservableClient) {
      const routes = new RouteCache<RouteChildren>();
      let rateLimitedCall: string | undefined;

      const childrenFor = (connector: string, operation: string, route: string, method: string): RouteChildren =>
        routes.get(connector, operation, method, route) ??
        routes.add(connector, operation, method, route, {
          labels: { connector, operation: safeOperation(operation), method, route: safeRoute(route) },
          attempts: [],
          durations: [],
        });

      const listener = (event: ConnectorEvent) => {
        switch (event.type) {
          case 'response': {
            const throttled = event.status === 429 || (event.callId !== undefined && event.callId === rateLimitedCall);
            rateLimitedCall = undefined;
            const outcomeIndex = event.outcome === 'success' ? 0 : throttled ? 1 : event.outcome === 'retry' ? 2 : 3;
            const children = childrenFor(event.connector, event.operation, event.route, event.method);
            const classIndex = statusClassIndex(event.status);
            const attemptIndex = classIndex * 4 + outcomeIndex;
            let attempt = children.attempts[attemptIndex];
            if (!attempt) {
              attempt = attempts.labels({ ...children.labels, status_class: statusClass(event.status), outcome: OUTCOMES[outcomeIndex]! });
              children.attempts[attemptIndex] = attempt;
            }
            attempt.inc();
            let observer = children.durations[classIndex];
            if (!observer) {
              observer = duration.labels({ ...children.labels, status_class: statusClass(event.status) });
              children.durations[classIndex] = observer;
            }
            observer.observe(event.durationMs / 1000);
            return;
          }
          case 'give-up':
            callErrors.inc({ connector: event.connector, operation: safeOperation(event.operation), error: event.error });
            return;
          case 'retry':
            retries.inc({ connector: event.connector, operation: safeOperation(event.operation), delay_source: event.delaySource });
            return;
          case 'rate-limited':
            rateLimitedCall = event.callId;
            rateLimited.inc({ connector: event.connector, operation: safeOperation(event.operation) });
            return;
          case 'throttled': {
            const labels = { connector: event.connector, operation: safeOperation(event.operation), reason: event.reason };
            throttleWaits.inc(labels);
            throttleSeconds.inc(labels, event.waitMs / 1000);
            return;
          }
          case 'circuit':
            circuit.set({ connector: event.connector, host: event.host }, event.state === 'open' ? 2 : event.state === 'half-open' ? 1 : 0);
            return;
          case 'shared-budget':
            sharedBudget.set({ connector: event.connector, budget: event.budget }, event.state === 'recovered' ? 1 : 0);
            return;
          case 'credential-expiring': {
            const expiresAt = Date.parse(event.expiresAt);
            if (Number.isFinite(expiresAt)) credentialExpiry.set({ connector: event.connector, credential: event.credential }, expiresAt / 1000);
            return;
          }
          case 'deprecation':
            deprecations.inc({ connector: event.connector, operation: safeOperation(event.operation) });
            return;
          case 'schema-drift':
            drift.inc({ connector: event.connector, operation: safeOperation(event.operation), kind: event.kind });
            return;
          default:
        }
      };
      return client.subscribe(listener);
    },
    recordDeadLetterDepth(queue, depth) {
      dlqDepth.set({ queue }, depth);
    },
  };
}
