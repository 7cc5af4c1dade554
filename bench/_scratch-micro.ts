import { createRequire } from 'node:module';
import { createObservability } from '@connectors/observability';
import { openTelemetryMetrics, openTelemetryTracing } from '@connectors/observability/opentelemetry';
import { prometheusExporter } from '@connectors/observability/prometheus';

const require = createRequire(import.meta.resolve('@connectors/observability/package.json'));
const pino = require('pino');
const { Registry } = require('prom-client');
const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { MeterProvider, PeriodicExportingMetricReader, AggregationTemporality } = require('@opentelemetry/sdk-metrics');
const ok = { code: 0 };

function fake() {
  const listeners = new Set<any>(); const mws: any[] = [];
  return { connector: 'bench', baseUrl: 'http://127.0.0.1:1/', subscribe(l: any) { listeners.add(l); return () => listeners.delete(l); }, use(m: any) { mws.push(m); }, listeners, mws };
}
const response = new Response('x');
const ctx = { connector: 'bench', operation: 'users.list', method: 'GET', route: '/users', url: new URL('http://127.0.0.1:1/users'), host: '127.0.0.1:1', attempt: 1, signal: new AbortController().signal };
async function measure(name: string, setup: (c: any) => void) {
  const c = fake(); setup(c);
  const N = 200_000;
  const run = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const t = Date.now();
      for (const l of c.listeners) l({ type: 'request', connector: 'bench', operation: 'users.list', time: t, callId: 'bench-1', method: 'GET', route: '/users', attempt: 1 });
      if (c.mws.length) await c.mws[0](ctx, () => Promise.resolve(response));
      for (const l of c.listeners) l({ type: 'response', connector: 'bench', operation: 'users.list', time: t, callId: 'bench-1', method: 'GET', route: '/users', attempt: 1, status: 200, durationMs: 1.234, outcome: 'success', requestId: 'req_bench' });
    }
  };
  await run(20_000);
  const t0 = performance.now(); await run(N); const us = ((performance.now() - t0) * 1000) / N;
  console.log(`${name.padEnd(16)} ${us.toFixed(2)} us/call`);
}
const none = { windows: false, alerts: false } as const;
await measure('nothing', (c) => createObservability(none).observe(c));
await measure('log', (c) => createObservability({ ...none, logger: pino(pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 })) }).observe(c));
await measure('windows+alerts', (c) => createObservability({}).observe(c));
await measure('prometheus', (c) => createObservability({ ...none, metrics: prometheusExporter({ registry: new Registry() }) }).observe(c));
await measure('otel tracing', (c) => createObservability({ ...none, tracing: openTelemetryTracing({ tracerProvider: new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor({ export: (_s: any, d: any) => d(ok), shutdown: async () => {} })] }) }) }).observe(c));
await measure('otel metrics', (c) => createObservability({ ...none, metrics: openTelemetryMetrics({ meterProvider: new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter: { export: (_m: any, d: any) => d(ok), forceFlush: async () => {}, shutdown: async () => {}, selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE }, exportIntervalMillis: 60000 })] }) }) }).observe(c));
setTimeout(() => process.exit(0), 200);
