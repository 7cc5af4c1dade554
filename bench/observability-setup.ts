// Switches everything in @connectors/observability on for one client, as production would:
// call log through pino to /dev/null (async, buffered), rolling windows and default alert rules,
// Prometheus metrics, OpenTelemetry spans (batched, to an exporter that drops them) and the
// http.client.request.duration histogram. Used by client.bench.ts.
import { createRequire } from 'node:module';
import type { HttpClient } from '@connectors/core';
import { observe } from '@connectors/observability';
import { openTelemetryMetrics, openTelemetryTracing } from '@connectors/observability/opentelemetry';
import { prometheusExporter } from '@connectors/observability/prometheus';

// pino, prom-client and the OpenTelemetry SDK are dev dependencies of the observability package,
// not of this one: resolve them from there rather than installing them twice.
const require = createRequire(import.meta.resolve('@connectors/observability/package.json'));
const pino = require('pino') as typeof import('pino').default;
const { Registry } = require('prom-client') as typeof import('prom-client');
const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
const { MeterProvider, PeriodicExportingMetricReader, AggregationTemporality } = require('@opentelemetry/sdk-metrics') as typeof import('@opentelemetry/sdk-metrics');

const ok = { code: 0 } as const;

export function setupEverything(client: HttpClient): () => void {
  const spanExporter = { export: (_spans: unknown[], done: (result: typeof ok) => void) => done(ok), shutdown: () => Promise.resolve() };
  const metricExporter = {
    export: (_metrics: unknown, done: (result: typeof ok) => void) => done(ok),
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
    selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE,
  };
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(spanExporter)] });
  const meterProvider = new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 60_000 })] });
  return observe(client, {
    logger: pino(pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 })),
    metrics: [prometheusExporter({ registry: new Registry() }), openTelemetryMetrics({ meterProvider })],
    tracing: openTelemetryTracing({ tracerProvider }),
  });
}
