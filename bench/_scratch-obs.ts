import { createRequire } from 'node:module';
import { createHttpClient } from '@connectors/core';
import { createObservability } from '@connectors/observability';
import { openTelemetryMetrics, openTelemetryTracing } from '@connectors/observability/opentelemetry';
import { prometheusExporter } from '@connectors/observability/prometheus';
import * as v from 'valibot';
import { closedLoop, fmt, median, startServer } from './lib.ts';
import { setupEverything } from './observability-setup.ts';

const require = createRequire(import.meta.resolve('@connectors/observability/package.json'));
const pino = require('pino');
const { Registry } = require('prom-client');
const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { MeterProvider, PeriodicExportingMetricReader, AggregationTemporality } = require('@opentelemetry/sdk-metrics');
const ok = { code: 0 };

const server = await startServer('json-server');
const schema = v.object({ data: v.array(v.object({ id: v.number(), login: v.string(), name: v.string(), active: v.boolean(), score: v.number(), tags: v.array(v.string()) })), total: v.number() });
const mk = (setup?: (c: any) => void) => {
  const c = createHttpClient({ connector: 'bench', baseUrl: server.url });
  setup?.(c);
  return () => c.request({ path: '/users', schema, operation: 'users.list' });
};
const variants: Record<string, () => Promise<unknown>> = {
  connectors: mk(),
  'log': mk((c) => createObservability({ windows: false, alerts: false, logger: pino(pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 })) }).observe(c)),
  'windows+alerts': mk((c) => createObservability({}).observe(c)),
  'prometheus': mk((c) => createObservability({ windows: false, alerts: false, metrics: prometheusExporter({ registry: new Registry() }) }).observe(c)),
  'otel tracing': mk((c) => createObservability({ windows: false, alerts: false, tracing: openTelemetryTracing({ tracerProvider: new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor({ export: (_s: any, d: any) => d(ok), shutdown: async () => {} })] }) }) }).observe(c)),
  'otel metrics': mk((c) => createObservability({ windows: false, alerts: false, metrics: openTelemetryMetrics({ meterProvider: new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter: { export: (_m: any, d: any) => d(ok), forceFlush: async () => {}, shutdown: async () => {}, selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE }, exportIntervalMillis: 60000 })] }) }) }).observe(c)),
  everything: mk((c) => setupEverything(c)),
};
for (const run of Object.values(variants)) await closedLoop(run, 32, 500);
const samples: Record<string, number[]> = {};
for (let r = 0; r < Number(process.env.R ?? 5); r++) for (const [name, run] of Object.entries(variants)) (samples[name] ??= []).push(await closedLoop(run, 32, 1500));
server.stop();
const base = median(samples.connectors!);
for (const [name, s] of Object.entries(samples)) {
  const m = median(s);
  console.log(`${name.padEnd(16)} ${fmt(m)}/s  ${fmt(m / base, 3)}x  overhead ${fmt((1e6 / m - 1e6 / base), 1)} us/call`);
}
process.exit(0);
