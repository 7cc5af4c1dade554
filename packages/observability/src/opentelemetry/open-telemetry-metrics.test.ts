import { createHttpClient } from '@connectors/core';
import { DataPointType, type HistogramMetricData, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import nock from 'nock';
import { afterEach, expect, it } from 'vitest';
import { manualClock } from '../__fixtures__/manual-clock.ts';
import { HTTP_DURATION_BUCKETS, openTelemetryMetrics } from './open-telemetry-metrics.ts';

/** A pull reader: the test collects when it wants. */
class TestReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

afterEach(() => {
  nock.cleanAll();
});

it('records http.client.request.duration in seconds with the semantic convention attributes', async () => {
  const reader = new TestReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const client = createHttpClient({ connector: 'github', baseUrl: 'https://api.github.test', clock: manualClock(), retry: { baseDelayMs: 10 } });
  openTelemetryMetrics({ meterProvider }).instrument(client);
  nock('https://api.github.test').get('/repos/acme/widgets').reply(500, 'oops').get('/repos/acme/widgets').times(2).reply(200, {});
  const get = () => client.request({ path: '/repos/{owner}/{repo}', params: { owner: 'acme', repo: 'widgets' }, operation: 'repos.get' });
  await get();
  await get();

  const { resourceMetrics } = await reader.collect();
  const metric = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === 'http.client.request.duration') as HistogramMetricData;
  expect(metric.descriptor.unit).toBe('s');
  expect(metric.dataPointType).toBe(DataPointType.HISTOGRAM);
  const points = metric.dataPoints.map((p) => ({ attributes: p.attributes, count: p.value.count, boundaries: p.value.buckets.boundaries, sum: p.value.sum }));
  const ok = points.find((p) => p.attributes['http.response.status_code'] === 200);
  const failed = points.find((p) => p.attributes['http.response.status_code'] === 500);
  expect(ok).toMatchObject({
    count: 2,
    boundaries: HTTP_DURATION_BUCKETS,
    attributes: {
      'http.request.method': 'GET',
      'server.address': 'api.github.test',
      'server.port': 443,
      'url.template': '/repos/{owner}/{repo}',
      'connector.name': 'github',
      'connector.operation': 'repos.get',
    },
  });
  expect(ok!.attributes['error.type']).toBeUndefined();
  // Seconds, not milliseconds: a local mock answers in well under a second.
  expect(ok!.sum).toBeLessThan(2);
  expect(failed).toMatchObject({ count: 1, attributes: { 'error.type': '500' } });
});
