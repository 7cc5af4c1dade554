// What @connectors/observability costs per call, component by component. The client benchmark
// (client.bench.ts) measures the whole thing over HTTP, but on a shared 2-core machine its noise
// (±10 %) is larger than the effect; here the listeners and the tracing middleware are driven
// in-process with the exact events a successful call emits, so the cost is measured directly, then
// set against the cost of one real call measured in the same run.
import { createRequire } from 'node:module';
import { type AttemptContext, type AttemptMiddleware, type ConnectorEvent, createHttpClient, type EventListener } from '@connectors/core';
import { createObservability, type ObservabilityOptions } from '@connectors/observability';
import { openTelemetryMetrics, openTelemetryTracing } from '@connectors/observability/opentelemetry';
import { prometheusExporter } from '@connectors/observability/prometheus';
import { closedLoop, fmt, median, result, startServer } from './lib.ts';
import { setupEverything, setupProduction } from './observability-setup.ts';

const CALLS = Number(process.env.BENCH_CALLS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const require = createRequire(import.meta.resolve('@connectors/observability/package.json'));
const pino = require('pino') as typeof import('pino').default;
const { Registry } = require('prom-client') as typeof import('prom-client');
const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
const { MeterProvider, PeriodicExportingMetricReader, AggregationTemporality } = require('@opentelemetry/sdk-metrics') as typeof import('@opentelemetry/sdk-metrics');
const ok = { code: 0 } as const;

/** A stand-in client that records what gets attached, so the bench can drive it. */
function harness() {
  const listeners = new Set<EventListener>();
  const middleware: AttemptMiddleware[] = [];
  return {
    client: {
      connector: 'bench',
      baseUrl: 'http://127.0.0.1:1/',
      subscribe: (listener: EventListener) => (listeners.add(listener), () => void listeners.delete(listener)),
      use: (mw: AttemptMiddleware) => void middleware.push(mw),
    },
    listeners,
    middleware,
  };
}

const response = new Response(null, { status: 200 });
const context = {
  connector: 'bench', operation: 'users.list', method: 'GET', route: '/users', url: new URL('http://127.0.0.1:1/users'),
  host: '127.0.0.1:1', attempt: 1, signal: new AbortController().signal,
} as unknown as AttemptContext;
const next = () => Promise.resolve(response);

/** Microseconds per call: the `request` and `response` events of one successful attempt, plus the middleware. */
async function perCall(attach: (client: ReturnType<typeof harness>['client']) => void): Promise<number> {
  const h = harness();
  attach(h.client);
  const once = async () => {
    const time = Date.now();
    const request: ConnectorEvent = { type: 'request', connector: 'bench', operation: 'users.list', time, callId: 'bench-1', method: 'GET', route: '/users', attempt: 1 };
    for (const listener of h.listeners) listener(request);
    for (const mw of h.middleware) await mw(context, next);
    const done: ConnectorEvent = {
      type: 'response', connector: 'bench', operation: 'users.list', time, callId: 'bench-1', method: 'GET', route: '/users',
      attempt: 1, status: 200, durationMs: 1.5, outcome: 'success', requestId: 'req_bench',
    };
    for (const listener of h.listeners) listener(done);
  };
  // Real calls give the event loop a turn between them; without it pino's async writes (and the
  // span batcher's timer) never run and their buffers grow without bound.
  const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
  const run = async (calls: number) => {
    for (let i = 0; i < calls; i++) {
      await once();
      if (i % 64 === 63) await yieldToLoop();
    }
  };
  await run(20_000);
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    await run(CALLS);
    samples.push(((performance.now() - start) * 1000) / CALLS);
  }
  return median(samples);
}

const quiet: ObservabilityOptions = { windows: false, alerts: false, evaluateEveryMs: 0 };
const devnull = () => pino(pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 }));
const tracerProvider = () => new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor({ export: (_s, done) => done(ok), shutdown: () => Promise.resolve() })] });
const meterProvider = () =>
  new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({
        exporter: { export: (_m, done) => done(ok), forceFlush: () => Promise.resolve(), shutdown: () => Promise.resolve(), selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE },
        exportIntervalMillis: 60_000,
      }),
    ],
  });

const components: [string, (client: ReturnType<typeof harness>['client']) => void][] = [
  ['empty harness', () => {}],
  ['call log (pino)', (c) => void createObservability({ ...quiet, logger: devnull() }).observe(c)],
  ['windows + alerts', (c) => void createObservability({ evaluateEveryMs: 0 }).observe(c)],
  ['prometheus', (c) => void createObservability({ ...quiet, metrics: prometheusExporter({ registry: new Registry() }) }).observe(c)],
  ['otel spans', (c) => void createObservability({ ...quiet, tracing: openTelemetryTracing({ tracerProvider: tracerProvider() }) }).observe(c)],
  ['otel metrics', (c) => void createObservability({ ...quiet, metrics: openTelemetryMetrics({ meterProvider: meterProvider() }) }).observe(c)],
  ['production set (pino failures + Prometheus)', (c) => void setupProduction(c as never)],
  ['everything', (c) => void setupEverything(c as never)],
];
const costs = new Map<string, number>();
for (const [name, attach] of components) costs.set(name, await perCall(attach));
const empty = costs.get('empty harness')!;

// The cost of one real call, same run: connectors against a JSON server in another process.
const server = await startServer('json-server');
const client = createHttpClient({ connector: 'bench', baseUrl: server.url });
const call = () => client.request({ path: '/users', operation: 'users.list' });
await closedLoop(call, 32, 500);
const rates: number[] = [];
for (let round = 0; round < ROUNDS; round++) rates.push(await closedLoop(call, 32, 1500));
server.stop();
const callRate = median(rates);
const callUs = 1e6 / callRate;

console.log(`\nobservability cost per call (median of ${ROUNDS} x ${fmt(CALLS)} calls), against one connectors call of ${fmt(callUs, 1)} us (${fmt(callRate)} calls/s, 32 in flight)`);
console.log('| component | us per call | throughput kept |');
console.log('|---|---:|---:|');
const kept: Record<string, number> = {};
for (const [name, us] of costs) {
  if (name === 'empty harness') continue;
  const overhead = Math.max(0, us - empty);
  kept[name] = callUs / (callUs + overhead);
  console.log(`| ${name} | ${fmt(overhead, 2)} | ${fmt(kept[name]! * 100, 1)} % |`);
}
const everything = kept.everything!;
// The target (>= 0.9x bare ky with everything on) is checked over HTTP by client.bench.ts.
// In-process costs are a floor: inside a real request loop the same work costs 3-4x more.
console.log(`everything on, in-process: ${fmt(everything * 100, 1)} % of connectors throughput kept (a floor; client.bench.ts measures the real cost)`);
result('observability', {
  usPerCall: Object.fromEntries([...costs].filter(([n]) => n !== 'empty harness').map(([n, us]) => [n, Math.max(0, us - empty)])),
  connectorsCallUs: callUs,
  throughputKept: kept,
});
// Give pino's async destination a moment to open before exit flushes it.
setTimeout(() => process.exit(0), 200);
