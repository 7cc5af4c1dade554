import { createHttpClient } from '@connectors/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import nock from 'nock';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterEach, expect, it } from 'vitest';
import { manualClock } from '../__fixtures__/manual-clock.ts';
import { openTelemetryTracing } from '../opentelemetry/open-telemetry-tracing.ts';
import { prometheusExporter } from '../prometheus/prometheus-exporter.ts';
import { observe } from './observe.ts';

afterEach(() => {
  nock.cleanAll();
});

it('switches on log, windows, metrics and tracing for one client in one call, and off again', async () => {
  const lines: string[] = [];
  const registry = new Registry();
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const clock = manualClock();
  const client = createHttpClient({ connector: 'github', baseUrl: 'https://api.github.test', clock });

  const stop = observe(client, {
    logger: pino({}, { write: (line: string) => lines.push(line) }),
    metrics: prometheusExporter({ registry }),
    tracing: openTelemetryTracing({ tracerProvider }),
    windows: { windowMs: 60_000, slotMs: 5_000 },
    clock,
    evaluateEveryMs: 0,
  });

  nock('https://api.github.test').get('/user').times(2).reply(200, { login: 'octocat' }, { 'content-type': 'application/json' });
  await client.request({ path: '/user', operation: 'users.me' });

  expect(lines).toHaveLength(1);
  expect(await registry.getSingleMetricAsString('connector_requests_total')).toContain('operation="users.me"');
  expect(spans.getFinishedSpans().map((s) => s.name)).toEqual(['GET /user']);
  expect(stop.observability.stats('github', 'users.me')).toMatchObject({ calls: 1, windowMs: 60_000 });
  expect(stop.observability.health()).toMatchObject({ status: 'ok', connectors: { github: { status: 'ok' } } });

  stop();
  await client.request({ path: '/user', operation: 'users.me' });
  expect(lines).toHaveLength(1);
  expect(spans.getFinishedSpans()).toHaveLength(1);
  expect(stop.observability.stats('github')?.calls).toBe(1);
});
