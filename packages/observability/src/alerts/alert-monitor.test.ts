import { describe, expect, it } from 'vitest';
import { attempt, fakeClient, giveUp } from '../__fixtures__/fake-client.ts';
import { manualClock } from '../__fixtures__/manual-clock.ts';
import { ConnectorStates } from '../health/connector-state.ts';
import { CallWindows } from '../windows/call-windows.ts';
import { AlertMonitor } from './alert-monitor.ts';
import type { Alert, AlertRule } from './alert-rules.ts';

function setup(rules: AlertRule[], depths = new Map<string, number>()) {
  const clock = manualClock();
  const windows = new CallWindows({ windowMs: 60_000, slotMs: 10_000 }, clock.now);
  const states = new ConnectorStates();
  const client = fakeClient('github', clock.now);
  client.subscribe(windows.record);
  client.subscribe(states.record);
  const alerts: Alert[] = [];
  const monitor = new AlertMonitor(rules, { windows, states, connectors: () => ['github'], queueDepths: () => depths, now: clock.now }, (a) => alerts.push(a));
  /** `failed` of `total` calls, spread over the next second. */
  const calls = (total: number, failed: number, durationMs = 100) => {
    for (let i = 0; i < total; i++) {
      if (i < failed) {
        client.emit(attempt('failed', durationMs));
        client.emit(giveUp());
      } else client.emit(attempt('success', durationMs));
    }
  };
  return { clock, client, monitor, alerts, calls, depths };
}

describe('AlertMonitor', () => {
  it('fires once when the error rate trips and once when it recovers, not on every evaluation', () => {
    const { clock, monitor, alerts, calls } = setup([{ kind: 'error-rate', above: 0.2, minCalls: 10, recoverForMs: 20_000 }]);
    calls(20, 10); // 50 %
    for (let i = 0; i < 5; i++) {
      monitor.evaluate();
      clock.advance(5_000);
      calls(2, 1); // still 50 %
    }
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ rule: 'error-rate', state: 'firing', severity: 'degraded', connector: 'github', value: 0.5, threshold: 0.2 });
    expect(alerts[0]!.message).toMatch(/github: 50\.0 % of calls failed over the last 1 min \(10 of 20\), above 20\.0 %/);
    expect(monitor.firing()).toHaveLength(1);

    // The failures slide out of the 60 s window; only successes remain.
    clock.advance(60_000);
    calls(30, 0);
    monitor.evaluate(); // recovery starts
    expect(alerts).toHaveLength(1);
    clock.advance(10_000);
    monitor.evaluate(); // still within recoverForMs
    expect(alerts).toHaveLength(1);
    clock.advance(10_000);
    monitor.evaluate();
    expect(alerts).toHaveLength(2);
    expect(alerts[1]).toMatchObject({ state: 'resolved', value: 0, connector: 'github' });
    monitor.evaluate();
    expect(alerts).toHaveLength(2);
    expect(monitor.firing()).toEqual([]);
  });

  it('does not resolve while the rate sits between the recovery and the trip thresholds (hysteresis)', () => {
    const { clock, monitor, alerts, calls } = setup([{ kind: 'error-rate', above: 0.2, recoverBelow: 0.1, minCalls: 10, recoverForMs: 0 }]);
    calls(20, 6); // 30 %: fires
    monitor.evaluate();
    clock.advance(61_000);
    calls(20, 3); // 15 %: below the trip threshold, above the recovery one
    monitor.evaluate();
    expect(alerts.map((a) => a.state)).toEqual(['firing']);
    clock.advance(61_000);
    calls(20, 1); // 5 %
    monitor.evaluate();
    expect(alerts.map((a) => a.state)).toEqual(['firing', 'resolved']);
  });

  it('needs minCalls before judging an error rate', () => {
    const { monitor, alerts, calls } = setup([{ kind: 'error-rate', above: 0.1, minCalls: 20 }]);
    calls(5, 5);
    monitor.evaluate();
    expect(alerts).toEqual([]);
  });

  it('waits forMs before firing, and forgets a blip shorter than that', () => {
    const { clock, monitor, alerts, calls } = setup([{ kind: 'error-rate', above: 0.2, minCalls: 5, forMs: 30_000 }]);
    calls(10, 5);
    monitor.evaluate();
    clock.advance(61_000);
    calls(10, 0);
    monitor.evaluate(); // the blip is over before forMs
    calls(10, 9);
    monitor.evaluate();
    clock.advance(20_000);
    monitor.evaluate();
    expect(alerts).toEqual([]);
    clock.advance(10_000);
    monitor.evaluate();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.since).toBeLessThan(alerts[0]!.time);
  });

  it('fires on p95 latency', () => {
    const { monitor, alerts, calls } = setup([{ kind: 'latency', aboveMs: 1000, minCalls: 10 }]);
    calls(50, 0, 80);
    calls(10, 0, 3000); // 1 in 6 slow: p95 is slow
    monitor.evaluate();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'latency', threshold: 1000 });
    expect(alerts[0]!.value).toBeGreaterThan(2800);
    expect(alerts[0]!.message).toMatch(/p95 latency \d+ ms over the last 1 min \(60 attempts\), above 1000 ms/);
  });

  it('watches operations separately when asked', () => {
    const { client, monitor, alerts } = setup([{ kind: 'error-rate', above: 0.5, minCalls: 2, by: 'operation' }]);
    for (let i = 0; i < 4; i++) {
      client.emit(attempt('failed', 10, { operation: 'issues.create' }));
      client.emit(giveUp('issues.create'));
      client.emit(attempt('success', 10, { operation: 'issues.list' }));
      client.emit(attempt('success', 10, { operation: 'issues.list' }));
    }
    monitor.evaluate();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ connector: 'github', operation: 'issues.create', value: 1 });
  });

  it('fires while a circuit is open, as down', () => {
    const { client, monitor, alerts } = setup([{ kind: 'circuit-open', recoverForMs: 0 }]);
    client.emit({ type: 'circuit', operation: 'issues.list', state: 'open', host: 'api.github.com', failures: 5 });
    monitor.evaluate();
    monitor.evaluate();
    client.emit({ type: 'circuit', operation: 'issues.list', state: 'half-open', host: 'api.github.com' });
    monitor.evaluate();
    client.emit({ type: 'circuit', operation: 'issues.list', state: 'closed', host: 'api.github.com' });
    monitor.evaluate();
    expect(alerts.map((a) => [a.state, a.severity])).toEqual([
      ['firing', 'down'],
      ['resolved', 'down'],
    ]);
    expect(alerts[0]!.message).toContain('circuit open for api.github.com');
  });

  it('fires on an expiring credential, without repeating it', () => {
    const { clock, client, monitor, alerts } = setup([{ kind: 'credential-expiring' }]);
    const expiresAt = new Date(clock.now() + 5 * 86_400_000).toISOString();
    client.emit({ type: 'credential-expiring', operation: 'issues.list', expiresAt, daysLeft: 5, credential: 'GITHUB_TOKEN' });
    monitor.evaluate();
    client.emit({ type: 'credential-expiring', operation: 'issues.list', expiresAt, daysLeft: 5, credential: 'GITHUB_TOKEN' });
    monitor.evaluate();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'credential-expiring', value: 5 });
    expect(alerts[0]!.message).toContain('"GITHUB_TOKEN" expires');
  });

  it('fires when a dead-letter queue grows past its threshold and resolves when drained', () => {
    const { monitor, alerts, depths } = setup([{ kind: 'dead-letter-queue', above: 10, recoverForMs: 0 }]);
    depths.set('webhooks', 3);
    monitor.evaluate();
    depths.set('webhooks', 25);
    monitor.evaluate();
    depths.set('webhooks', 9); // above recoverAt (8)
    monitor.evaluate();
    depths.set('webhooks', 0);
    monitor.evaluate();
    expect(alerts.map((a) => [a.state, a.queue, a.value])).toEqual([
      ['firing', 'webhooks', 25],
      ['resolved', 'webhooks', 0],
    ]);
    expect(alerts[0]!.connector).toBeUndefined();
  });

  it('keeps going when the alert sink throws', () => {
    const clock = manualClock();
    const states = new ConnectorStates();
    const monitor = new AlertMonitor([{ kind: 'dead-letter-queue', above: 0 }], { windows: undefined, states, connectors: () => [], queueDepths: () => new Map([['q', 1]]), now: clock.now }, () => {
      throw new Error('pager down');
    });
    expect(() => monitor.evaluate()).not.toThrow();
    expect(monitor.firing()).toHaveLength(1);
  });

  it('rejects rules that cannot work, saying which and why', () => {
    const make = (rules: AlertRule[]) => () => setup(rules);
    expect(make([{ kind: 'error-rate', above: 5 }])).toThrow(/alert rule "error-rate": above is a fraction in \[0, 1\)/);
    expect(make([{ kind: 'latency', aboveMs: -1 }])).toThrow(/aboveMs must be a positive/);
    expect(make([{ kind: 'circuit-open' }, { kind: 'circuit-open' }])).toThrow(/distinct `name`/);
    expect(make([{ kind: 'nope' } as unknown as AlertRule])).toThrow(/unknown kind "nope"/);
    expect(make([{ kind: 'dead-letter-queue', above: 5, recoverAt: 9 }])).toThrow(/recoverAt must be between 0 and `above`/);
  });
});
