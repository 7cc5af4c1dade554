import type { ConnectorEvent } from '@connectors/core';
import { type Attributes, type Meter, type MeterProvider, metrics } from '@opentelemetry/api';
import { RouteCache } from '../internal/route-cache.ts';
import { safeOperation, safeRoute } from '../internal/safe-route.ts';
import type { Instrumentation } from '../observe/instrumentation.ts';
import { semanticMethod, serverPort } from './http-semantics.ts';
import { INSTRUMENTATION_SCOPE } from './open-telemetry-tracing.ts';

export interface OpenTelemetryMetricsOptions {
  /** Default: a meter from `meterProvider`, or from the global provider your SDK registered. */
  meter?: Meter;
  meterProvider?: MeterProvider;
}

/** The buckets the HTTP semantic conventions advise for `http.client.request.duration`. */
export const HTTP_DURATION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/**
 * The `http.client.request.duration` histogram (seconds) of the HTTP semantic conventions, one
 * measurement per attempt, with `http.request.method`, `server.address`, `server.port`,
 * `url.template`, `http.response.status_code`, `error.type`, `connector.name` and
 * `connector.operation`. Recorded from `response` events, so the duration includes reading the
 * body, the same figure the call log and Prometheus report.
 */
export function openTelemetryMetrics(options: OpenTelemetryMetricsOptions = {}): Instrumentation {
  const meter = options.meter ?? (options.meterProvider ?? metrics).getMeter(INSTRUMENTATION_SCOPE);
  const duration = meter.createHistogram('http.client.request.duration', {
    unit: 's',
    description: 'Duration of HTTP client requests.',
    advice: { explicitBucketBoundaries: [...HTTP_DURATION_BUCKETS] },
  });
  return {
    instrument(client) {
      let server: Attributes = {};
      if (client.baseUrl) {
        const url = new URL(client.baseUrl);
        server = { 'server.address': url.hostname, 'server.port': serverPort(url) };
      }
      // Per route, then per status or error: built once, reused per attempt.
      const routes = new RouteCache<Map<number | string, Attributes>>();
      const attributesFor = (event: Extract<ConnectorEvent, { type: 'response' }>): Attributes => {
        const { connector, operation, method, route } = event;
        const byResult = routes.get(connector, operation, method, route) ?? routes.add(connector, operation, method, route, new Map());
        const key = event.status ?? event.error ?? '';
        let attributes = byResult.get(key);
        if (!attributes) {
          attributes = {
            'http.request.method': semanticMethod(event.method),
            ...server,
            'url.template': safeRoute(event.route),
            'connector.name': event.connector,
            'connector.operation': safeOperation(event.operation),
          };
          if (event.status !== undefined) attributes['http.response.status_code'] = event.status;
          if (event.status !== undefined && event.status >= 400) attributes['error.type'] = String(event.status);
          else if (event.status === undefined) attributes['error.type'] = event.error ?? '_OTHER';
          byResult.set(key, attributes);
        }
        return attributes;
      };
      return client.subscribe((event) => {
        if (event.type === 'response') duration.record(event.durationMs / 1000, attributesFor(event));
      });
    },
  };
}
