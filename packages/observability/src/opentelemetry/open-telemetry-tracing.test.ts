import { createHttpClient } from '@connectors/core';
import { context, propagation, type Span, SpanKind, SpanStatusCode, type TextMapPropagator, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { AsyncContextManager } from '../__fixtures__/async-context-manager.ts';
import { manualClock } from '../__fixtures__/manual-clock.ts';
import { openTelemetryTracing } from './open-telemetry-tracing.ts';

function tracing() {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { exporter, tracerProvider };
}

afterEach(() => {
  nock.cleanAll();
  trace.disable();
  context.disable();
  propagation.disable();
});

describe('openTelemetryTracing', () => {
  it('makes one CLIENT span per attempt with the HTTP semantic convention attributes', async () => {
    const { exporter, tracerProvider } = tracing();
    const clock = manualClock();
    const client = createHttpClient({ connector: 'github', baseUrl: 'https://api.github.test', clock, retry: { baseDelayMs: 10 } });
    openTelemetryTracing({ tracerProvider }).instrument(client);

    nock('https://api.github.test').get('/repos/acme/widgets/issues').query(true).reply(503, 'busy').get('/repos/acme/widgets/issues').query(true).reply(200, []);
    await client.request({ path: '/repos/{owner}/{repo}/issues', params: { owner: 'acme', repo: 'widgets' }, query: { token: 'abcdefgh12345678' }, operation: 'issues.list' });

    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(2);
    const [first, second] = spans;
    expect(first!.name).toBe('GET /repos/{owner}/{repo}/issues');
    expect(first!.kind).toBe(SpanKind.CLIENT);
    expect(first!.attributes).toEqual({
      'http.request.method': 'GET',
      'server.address': 'api.github.test',
      'server.port': 443,
      'url.template': '/repos/{owner}/{repo}/issues',
      'connector.name': 'github',
      'connector.operation': 'issues.list',
      'http.response.status_code': 503,
      'error.type': '503',
    });
    expect(first!.status.code).toBe(SpanStatusCode.ERROR);
    expect(second!.attributes).toMatchObject({ 'http.response.status_code': 200, 'http.request.resend_count': 1 });
    expect(second!.attributes['error.type']).toBeUndefined();
    expect(second!.status.code).toBe(SpanStatusCode.UNSET);
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toMatch(/acme|abcdefgh12345678/);
  });

  it('records a network failure as error.type, never its message', async () => {
    const { exporter, tracerProvider } = tracing();
    // What undici's fetch throws when the connection drops.
    const dropped = () => Promise.reject(new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) }));
    const client = createHttpClient({ connector: 'github', baseUrl: 'http://api.github.test:8080', clock: manualClock(), retry: { maxAttempts: 1 }, fetch: dropped });
    openTelemetryTracing({ tracerProvider }).instrument(client);
    await expect(client.request({ path: '/x' })).rejects.toThrow();
    const [span] = exporter.getFinishedSpans();
    expect(span!.attributes).toMatchObject({ 'error.type': 'ECONNRESET', 'server.port': 8080 });
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'ECONNRESET' });
  });

  it('uses the global tracer provider by default, and adds a redacted url.full on request', async () => {
    const { exporter, tracerProvider } = tracing();
    trace.setGlobalTracerProvider(tracerProvider);
    const client = createHttpClient({ connector: 'github', baseUrl: 'https://api.github.test', clock: manualClock() });
    openTelemetryTracing({ fullUrl: true }).instrument(client);
    nock('https://api.github.test').get('/search').query(true).reply(200, {});
    await client.request({ path: '/search', query: { q: 'bug', api_key: 'sekret-value-123' } });
    const [span] = exporter.getFinishedSpans();
    expect(span!.attributes['url.full']).toBe('https://api.github.test/search?q=%5BREDACTED%5D&api_key=%5BREDACTED%5D');
  });

  it('makes the attempt span the active context while the request is sent', async () => {
    context.setGlobalContextManager(new AsyncContextManager());
    const { exporter, tracerProvider } = tracing();
    let activeDuringFetch: Span | undefined;
    const client = createHttpClient({
      connector: 'github',
      baseUrl: 'https://api.github.test',
      clock: manualClock(),
      fetch: (input, init) => {
        activeDuringFetch = trace.getActiveSpan();
        return globalThis.fetch(input, init);
      },
    });
    openTelemetryTracing({ tracerProvider }).instrument(client);
    nock('https://api.github.test').get('/user').reply(200, {});
    const parent = tracerProvider.getTracer('app').startSpan('handle request');
    await context.with(trace.setSpan(context.active(), parent), () => client.request({ path: '/user' }));
    parent.end();
    const attemptSpan = exporter.getFinishedSpans().find((s) => s.name === 'GET /user');
    expect(activeDuringFetch?.spanContext().spanId).toBe(attemptSpan!.spanContext().spanId);
    expect(attemptSpan!.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
  });

  it('injects the attempt span into the outgoing headers through the registered propagator', async () => {
    const { exporter, tracerProvider } = tracing();
    // A minimal W3C-style propagator: enough to see which span the provider would join.
    const traceparent: TextMapPropagator = {
      inject(ctx, carrier, setter) {
        const span = trace.getSpanContext(ctx);
        if (span) setter.set(carrier, 'traceparent', `00-${span.traceId}-${span.spanId}-01`);
      },
      extract: (ctx) => ctx,
      fields: () => ['traceparent'],
    };
    propagation.setGlobalPropagator(traceparent);
    const client = createHttpClient({ connector: 'github', baseUrl: 'https://api.github.test' });
    openTelemetryTracing({ tracerProvider }).instrument(client);
    const sent: string[] = [];
    nock('https://api.github.test')
      .get('/user')
      .matchHeader('traceparent', (value) => (sent.push(String(value)), true))
      .reply(200, {});
    await client.request({ path: '/user' });
    const [span] = exporter.getFinishedSpans();
    expect(sent).toEqual([`00-${span!.spanContext().traceId}-${span!.spanContext().spanId}-01`]);
  });

  it('passes straight through once detached', async () => {
    const { exporter, tracerProvider } = tracing();
    const client = createHttpClient({ connector: 'github', baseUrl: 'https://api.github.test', clock: manualClock() });
    const stop = openTelemetryTracing({ tracerProvider }).instrument(client);
    stop();
    nock('https://api.github.test').get('/user').reply(200, {});
    await client.request({ path: '/user' });
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('says what is wrong with a client that takes no middleware', () => {
    expect(() => openTelemetryTracing().instrument({ connector: 'x', subscribe: () => () => {} })).toThrow(/the x client has no use\(middleware\)/);
  });
});
