// Switches everything in @connectors/observability on for one client, as production would:
// call log through pino to /dev/null (async, buffered), rolling windows and default alert rules,
// Prometheus metrics, OpenTelemetry spans (batched, to an exporter that drops them) and the
// http.client.request.duration histogram. Used by client.bench.ts.
import type { HttpClient } from '@connectors/core';
import { observe } from '@connectors/observability';
import { openTelemetryMetrics, openTelemetryTracing } from '@connectors/observability/opentelemetry';
import { prometheusExporter } from '@connectors/observability/prometheus';

import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import pino from 'pino';
import { Registry } from 'prom-client';

const ok = { code: 0 } as const;

export type Part = 'log' | 'prometheus' | 'otel-metrics' | 'tracing';

/**
 * The production set: the pino call log and Prometheus. By default successful attempts are counted
 * in the metrics and not logged one by one (failures, retries, throttling and notable events are
 * logged); `logSuccesses: true` logs every attempt.
 */
export function setupProduction(client: HttpClient, options: { logSuccesses?: boolean; openTelemetry?: boolean } = {}): () => void {
  const parts: Part[] = ['log', 'prometheus', ...(options.openTelemetry ? (['otel-metrics', 'tracing'] as const) : [])];
  return setupEverything(client, parts, { successes: options.logSuccesses ?? false });
}

export function setupEverything(client: HttpClient, parts: readonly Part[] = ['log', 'prometheus', 'otel-metrics', 'tracing'], log: { successes?: boolean } = {}): () => void {
  const spanExporter = { export: (_spans: unknown[], done: (result: typeof ok) => void) => done(ok), shutdown: () => Promise.resolve() };
  const metricExporter = {
    export: (_metrics: unknown, done: (result: typeof ok) => void) => done(ok),
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
    selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE,
  };
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(spanExporter)] });
  const meterProvider = new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 60_000 })] });
  const metrics = [
    ...(parts.includes('prometheus') ? [prometheusExporter({ registry: new Registry() })] : []),
    ...(parts.includes('otel-metrics') ? [openTelemetryMetrics({ meterProvider })] : []),
  ];
  return observe(client, {
    ...(parts.includes('log') ? { logger: pino(pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 })), log } : {}),
    ...(metrics.length ? { metrics } : {}),
    ...(parts.includes('tracing') ? { tracing: openTelemetryTracing({ tracerProvider }) } : {}),
  });
}
