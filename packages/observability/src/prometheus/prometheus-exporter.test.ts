import { createHttpClient } from '@connectors/core';
import nock from 'nock';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../__fixtures__/manual-clock.ts';
import { fakeClient } from '../__fixtures__/fake-client.ts';
import { createObservability } from '../observe/create-observability.ts';
import { prometheusExporter } from './prometheus-exporter.ts';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the text exposition format back into samples. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!.replace(/\\(.)/g, '$1');
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

function find(samples: Sample[], name: string, labels: Record<string, string> = {}): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}
const sum = (samples: Sample[]) => samples.reduce((total, s) => total + s.value, 0);

afterEach(() => {
  nock.cleanAll();
});

describe('prometheusExporter', () => {
  it('exports attempts, latency, retries, rate limits and errors from a real client, labelled by template', async () => {
    const registry = new Registry();
    const clock = manualClock();
    const client = createHttpClient({ connector: 'github', baseUrl: 'https://api.github.test', clock, retry: { baseDelayMs: 10 }, circuitBreaker: false });
    const observability = createObservability({ clock, evaluateEveryMs: 0, metrics: prometheusExporter({ registry }) });
    observability.observe(client);

    const api = nock('https://api.github.test');
    api.get('/repos/acme/widgets/issues').reply(503, 'unavailable');
    api.get('/repos/acme/widgets/issues').reply(429, 'slow down', { 'retry-after': '1' });
    api.get('/repos/acme/widgets/issues').reply(200, [], { 'content-type': 'application/json' });
    api.get('/repos/acme/gadgets/issues').times(2).reply(200, [], { 'content-type': 'application/json' });
    api.get('/users/octocat').reply(404, { message: 'Not Found' });

    const list = (repo: string) => client.request({ path: '/repos/{owner}/{repo}/issues', params: { owner: 'acme', repo }, operation: 'issues.list' });
    await list('widgets');
    await list('gadgets');
    await list('gadgets');
    await expect(client.request({ path: '/users/{user}', params: { user: 'octocat' }, operation: 'users.get' })).rejects.toThrow();

    const text = await registry.metrics();
    const samples = parseExposition(text);
    const issues = { connector: 'github', operation: 'issues.list', method: 'GET', route: '/repos/{owner}/{repo}/issues' };

    expect(find(samples, 'connector_requests_total', { ...issues, status_class: '2xx', outcome: 'success' })[0]?.value).toBe(3);
    expect(find(samples, 'connector_requests_total', { ...issues, status_class: '5xx', outcome: 'retried' })[0]?.value).toBe(1);
    expect(find(samples, 'connector_requests_total', { ...issues, status_class: '4xx', outcome: 'throttled' })[0]?.value).toBe(1);
    expect(find(samples, 'connector_requests_total', { operation: 'users.get', status_class: '4xx', outcome: 'failed' })[0]?.value).toBe(1);
    expect(sum(find(samples, 'connector_requests_total'))).toBe(6);

    expect(find(samples, 'connector_request_duration_seconds_count', { ...issues, status_class: '2xx' })[0]?.value).toBe(3);
    const inf = find(samples, 'connector_request_duration_seconds_bucket', { ...issues, status_class: '2xx', le: '+Inf' })[0];
    expect(inf?.value).toBe(3);
    expect(find(samples, 'connector_request_duration_seconds_sum', { ...issues, status_class: '2xx' })[0]?.value).toBeGreaterThan(0);

    expect(find(samples, 'connector_retries_total', { connector: 'github', operation: 'issues.list', delay_source: 'backoff' })[0]?.value).toBe(1);
    expect(find(samples, 'connector_retries_total', { connector: 'github', operation: 'issues.list', delay_source: 'server' })[0]?.value).toBe(1);
    expect(find(samples, 'connector_rate_limited_total', { connector: 'github', operation: 'issues.list' })[0]?.value).toBe(1);
    expect(find(samples, 'connector_call_errors_total', { connector: 'github', operation: 'users.get', error: 'HttpError' })[0]?.value).toBe(1);

    // No IDs anywhere in the labels.
    expect(text).not.toMatch(/acme|widgets|gadgets|octocat/);
    expect(api.isDone()).toBe(true);
  });

  it('exports circuits, expiring credentials, deprecations, drift, pacing and dead-letter depth', async () => {
    const registry = new Registry();
    const clock = manualClock();
    const observability = createObservability({ clock, evaluateEveryMs: 0, metrics: prometheusExporter({ registry, prefix: 'app_' }), deadLetterQueues: { webhooks: () => 7 } });
    const client = fakeClient('stripe', clock.now);
    observability.observe(client);
    client.emit({ type: 'circuit', operation: 'charges.create', state: 'open', host: 'api.stripe.test' });
    client.emit({ type: 'credential-expiring', operation: 'charges.create', expiresAt: '2026-03-09T00:00:00.000Z', daysLeft: 6, credential: 'STRIPE_KEY' });
    client.emit({ type: 'deprecation', operation: 'charges.create', method: 'POST', route: '/v1/charges', sunset: '2026-09-01T00:00:00.000Z' });
    client.emit({ type: 'schema-drift', operation: 'charges.create', kind: 'unknown-field', path: 'charge.foo' });
    client.emit({ type: 'throttled', operation: 'charges.create', waitMs: 1500, reason: 'rate-limit-headers' });
    client.emit({ type: 'shared-budget', operation: 'charges.create', state: 'unavailable', budget: 'ratelimit:stripe', reason: 'down' });
    await observability.evaluate();

    const samples = parseExposition(await registry.metrics());
    expect(find(samples, 'app_circuit_state', { connector: 'stripe', host: 'api.stripe.test' })[0]?.value).toBe(2);
    expect(find(samples, 'app_credential_expiry_timestamp_seconds', { credential: 'STRIPE_KEY' })[0]?.value).toBe(Date.parse('2026-03-09T00:00:00.000Z') / 1000);
    expect(find(samples, 'app_deprecation_notices_total', { operation: 'charges.create' })[0]?.value).toBe(1);
    expect(find(samples, 'app_schema_drift_total', { kind: 'unknown-field' })[0]?.value).toBe(1);
    expect(find(samples, 'app_throttle_waits_total', { reason: 'rate-limit-headers' })[0]?.value).toBe(1);
    expect(find(samples, 'app_throttle_wait_seconds_total', { reason: 'rate-limit-headers' })[0]?.value).toBe(1.5);
    expect(find(samples, 'app_dead_letter_queue_depth', { queue: 'webhooks' })[0]?.value).toBe(7);
    expect(find(samples, 'app_shared_budget_available', { connector: 'stripe', budget: 'ratelimit:stripe' })[0]?.value).toBe(0);
    client.emit({ type: 'shared-budget', operation: 'charges.create', state: 'recovered', budget: 'ratelimit:stripe' });
    expect(find(parseExposition(await registry.metrics()), 'app_shared_budget_available', { budget: 'ratelimit:stripe' })[0]?.value).toBe(1);
  });

  it('lets two exporters share a registry, and stops counting on detach', async () => {
    const registry = new Registry();
    const clock = manualClock();
    const a = fakeClient('a', clock.now);
    const b = fakeClient('b', clock.now);
    const stopA = prometheusExporter({ registry }).instrument(a);
    prometheusExporter({ registry }).instrument(b);
    const response = { type: 'response', operation: 'op', method: 'GET', route: '/x', attempt: 1, status: 200, durationMs: 12, outcome: 'success' } as const;
    a.emit(response);
    b.emit(response);
    stopA();
    a.emit(response);
    const samples = parseExposition(await registry.metrics());
    expect(find(samples, 'connector_requests_total', { connector: 'a' })[0]?.value).toBe(1);
    expect(find(samples, 'connector_requests_total', { connector: 'b' })[0]?.value).toBe(1);
  });

  it('rejects a prefix Prometheus would not accept', () => {
    expect(() => prometheusExporter({ registry: new Registry(), prefix: 'my-app ' })).toThrow(/not a valid metric name prefix/);
  });
});
