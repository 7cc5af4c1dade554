import { describe, expect, it, vi } from 'vitest';
import type { Alert } from '../alerts/alert-rules.ts';
import { attempt, fakeClient, giveUp } from '../__fixtures__/fake-client.ts';
import { manualClock } from '../__fixtures__/manual-clock.ts';
import type { Instrumentation, Logger } from './instrumentation.ts';
import { createObservability } from './create-observability.ts';

const quiet = { evaluateEveryMs: 0 };

describe('createObservability', () => {
  it('reports ok for a healthy connector, with its window and last success', () => {
    const clock = manualClock();
    const observability = createObservability({ ...quiet, clock });
    const github = fakeClient('github', clock.now);
    observability.observe(github);
    for (let i = 0; i < 10; i++) github.emit(attempt('success', 100));
    const health = observability.health();
    expect(health.status).toBe('ok');
    expect(health.reasons).toEqual([]);
    expect(health.connectors.github).toMatchObject({ status: 'ok', lastSuccessAt: new Date(clock.now()).toISOString(), window: { calls: 10, errorRate: 0 } });
    expect(observability.stats('github')?.p50Ms).toBeGreaterThan(90);
  });

  it('is degraded when the error rate rule fires, and names the connector', () => {
    const clock = manualClock();
    const alerts: Alert[] = [];
    const observability = createObservability({ ...quiet, clock, alerts: { onAlert: (a) => void alerts.push(a) } });
    const github = fakeClient('github', clock.now);
    const stripe = fakeClient('stripe', clock.now);
    observability.observe(github);
    observability.observe(stripe);
    for (let i = 0; i < 30; i++) {
      if (i % 4 === 0) {
        github.emit(attempt('failed', 100));
        github.emit(giveUp());
      } else github.emit(attempt('success', 100));
      stripe.emit(attempt('success', 100, { operation: 'charges.create' }));
    }
    const health = observability.health();
    expect(health.status).toBe('degraded');
    expect(health.connectors.github?.status).toBe('degraded');
    expect(health.connectors.stripe?.status).toBe('ok');
    expect(health.reasons).toEqual([expect.objectContaining({ code: 'error-rate', severity: 'degraded', connector: 'github' })]);
    expect(alerts).toHaveLength(1);
    expect(observability.alerts()).toHaveLength(1);
    // Asking again does not fire again.
    observability.health();
    expect(alerts).toHaveLength(1);
  });

  it('is down when the credentials are rejected, until a call succeeds again', () => {
    const clock = manualClock();
    const observability = createObservability({ ...quiet, clock });
    const github = fakeClient('github', clock.now);
    observability.observe(github);
    github.emit(attempt('success', 50));
    clock.advance(1000);
    github.emit(attempt('failed', 50, { status: 401, error: 'AuthError' }));
    expect(observability.connectorHealth('github')).toMatchObject({ status: 'down', reasons: [expect.objectContaining({ code: 'auth-failing' })] });
    expect(observability.health().status).toBe('down');
    clock.advance(1000);
    github.emit(attempt('success', 50));
    expect(observability.health().status).toBe('ok');
  });

  it('is down while a circuit is open, degraded while half-open', () => {
    const clock = manualClock();
    const alerts: Alert[] = [];
    const observability = createObservability({ ...quiet, clock, alerts: { onAlert: (a) => void alerts.push(a) } });
    const github = fakeClient('github', clock.now);
    observability.observe(github);
    github.emit({ type: 'circuit', operation: 'issues.list', state: 'open', host: 'api.github.com', failures: 5 });
    // The alert is raised on the event itself, not at the next evaluation.
    expect(alerts.map((a) => a.kind)).toEqual(['circuit-open']);
    const down = observability.health();
    expect(down.status).toBe('down');
    expect(down.reasons.map((r) => r.code)).toEqual(['circuit-open']);
    github.emit({ type: 'circuit', operation: 'issues.list', state: 'half-open', host: 'api.github.com' });
    expect(observability.health().connectors.github).toMatchObject({ status: 'degraded', reasons: [expect.objectContaining({ code: 'circuit-half-open' })] });
  });

  it('is degraded while a shared rate-limit budget does not answer, with the reason, alerts, and logs both changes', async () => {
    const clock = manualClock();
    const entries: { level: string; record: Record<string, unknown>; message: string }[] = [];
    const log = (level: string) => (record: object, message: string) => void entries.push({ level, record: record as Record<string, unknown>, message });
    const alerts: Alert[] = [];
    const observability = createObservability({ ...quiet, clock, logger: { info: log('info'), warn: log('warn'), error: log('error') }, alerts: { onAlert: (a) => void alerts.push(a) } });
    const github = fakeClient('github', clock.now);
    observability.observe(github);
    github.emit(attempt('success', 50));
    github.emit({ type: 'shared-budget', operation: 'issues.list', state: 'unavailable', budget: 'ratelimit:github', reason: 'Redis did not answer within 1000 ms' });
    // Alerted at once, and reported once in health (from the state, not again from the alert).
    expect(alerts).toMatchObject([{ kind: 'shared-budget-unavailable', state: 'firing', severity: 'degraded', connector: 'github', message: expect.stringContaining('ratelimit:github (Redis did not answer') }]);
    expect(observability.health().reasons).toHaveLength(1);
    expect(observability.health()).toMatchObject({
      status: 'degraded',
      reasons: [expect.objectContaining({ code: 'shared-budget-unavailable', connector: 'github', message: expect.stringContaining('ratelimit:github has not answered since') })],
    });
    expect(observability.health().reasons[0]!.message).toContain('(Redis did not answer within 1000 ms)');
    github.emit({ type: 'shared-budget', operation: 'issues.list', state: 'recovered', budget: 'ratelimit:github' });
    expect(observability.health().status).toBe('ok');
    // The alert resolves once the recovery has held for recoverForMs (60 s), not on the first good answer.
    expect(alerts).toHaveLength(1);
    clock.advance(61_000);
    await observability.evaluate();
    expect(alerts.map((a) => [a.kind, a.state])).toEqual([['shared-budget-unavailable', 'firing'], ['shared-budget-unavailable', 'resolved']]);
    expect(entries.filter((e) => e.record.event === 'shared-budget').map((e) => [e.level, e.message, e.record.state])).toEqual([
      ['warn', 'shared rate-limit budget unavailable', 'unavailable'],
      ['info', 'shared rate-limit budget recovered', 'recovered'],
    ]);
  });

  it('is down when every call in the window failed', () => {
    const clock = manualClock();
    const observability = createObservability({ ...quiet, clock, alerts: false });
    const github = fakeClient('github', clock.now);
    observability.observe(github);
    for (let i = 0; i < 5; i++) {
      github.emit(attempt('failed', 50, { status: 500 }));
      github.emit(giveUp());
    }
    const health = observability.connectorHealth('github');
    expect(health?.status).toBe('down');
    expect(health?.reasons[0]).toMatchObject({ code: 'no-recent-success' });
    expect(health?.reasons[0]?.message).toContain('last success never');
  });

  it('reads dead-letter queues, exports their depth, and degrades on the rule', async () => {
    const clock = manualClock();
    let depth = 3;
    const recorded: [string, number][] = [];
    const exporter: Instrumentation = { instrument: () => () => {}, recordDeadLetterDepth: (queue, value) => void recorded.push([queue, value]) };
    const observability = createObservability({
      ...quiet,
      clock,
      metrics: exporter,
      deadLetterQueues: { webhooks: () => Promise.resolve(depth) },
      alerts: { rules: [{ kind: 'dead-letter-queue', above: 10 }] },
    });
    expect((await observability.checkHealth()).status).toBe('ok');
    depth = 42;
    const health = await observability.checkHealth();
    expect(health.status).toBe('degraded');
    expect(health.deadLetterQueues).toEqual({ webhooks: 42 });
    expect(health.reasons).toEqual([expect.objectContaining({ code: 'dead-letter-queue', queue: 'webhooks' })]);
    expect(recorded).toEqual([
      ['webhooks', 3],
      ['webhooks', 42],
    ]);
  });

  it('reports a failing or hanging probe without leaking its message secrets', async () => {
    const clock = manualClock();
    const observability = createObservability({
      ...quiet,
      clock,
      probeTimeoutMs: 20,
      deadLetterQueues: {
        redis: () => Promise.reject(new Error('connect redis://default:hunter2hunter2@cache:6379 refused')),
        slow: () => new Promise<number>(() => {}),
      },
    });
    const health = await observability.checkHealth();
    expect(health.status).toBe('degraded');
    expect(health.reasons.map((r) => [r.code, r.queue])).toEqual([
      ['probe-failed', 'redis'],
      ['probe-failed', 'slow'],
    ]);
    expect(JSON.stringify(health)).not.toContain('hunter2hunter2');
    expect(health.reasons[1]?.message).toContain('no answer within 20 ms');
  });

  it('logs alerts to the logger', () => {
    const clock = manualClock();
    const error = vi.fn();
    const logger: Logger = { info: vi.fn(), warn: vi.fn(), error };
    const observability = createObservability({ ...quiet, clock, logger });
    const github = fakeClient('github', clock.now);
    observability.observe(github);
    github.emit({ type: 'circuit', operation: 'x', state: 'open', host: 'api.github.com' });
    expect(error).toHaveBeenCalledWith(expect.objectContaining({ event: 'alert', kind: 'circuit-open', state: 'firing' }), 'alert firing');
  });

  it('stops listening on detach, and close() detaches everything', () => {
    const clock = manualClock();
    const stopped: string[] = [];
    const exporter: Instrumentation = { instrument: (client) => () => void stopped.push(client.connector) };
    const observability = createObservability({ ...quiet, clock, metrics: exporter });
    const github = fakeClient('github', clock.now);
    const stripe = fakeClient('stripe', clock.now);
    const detach = observability.observe(github);
    observability.observe(stripe);
    expect(Object.keys(observability.health().connectors)).toEqual(['github', 'stripe']);
    detach();
    detach();
    expect(github.listeners).toBe(0);
    expect(Object.keys(observability.health().connectors)).toEqual(['stripe']);
    expect(observability.connectorHealth('github')).toBeUndefined();
    observability.close();
    expect(stripe.listeners).toBe(0);
    expect(stopped).toEqual(['github', 'stripe']);
  });

  it('evaluates in the background and the timer does not keep the process alive', async () => {
    const clock = manualClock();
    let reads = 0;
    const observability = createObservability({ clock, evaluateEveryMs: 5, deadLetterQueues: { q: () => ++reads } });
    observability.observe(fakeClient('github', clock.now));
    await vi.waitFor(() => expect(reads).toBeGreaterThanOrEqual(2));
    observability.close();
    const after = reads;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(reads).toBe(after);
  });

  it('rejects a client or options it cannot use', () => {
    const observability = createObservability(quiet);
    expect(() => observability.observe({} as never)).toThrow(/expected a connector client/);
    expect(() => createObservability({ deadLetterQueues: { q: 5 as never } })).toThrow(/deadLetterQueues.q must be a function/);
    expect(() => createObservability({ windows: { slotMs: -1 } })).toThrow(TypeError);
    expect(() => createObservability({ evaluateEveryMs: -5 })).toThrow(/evaluateEveryMs/);
  });
});
