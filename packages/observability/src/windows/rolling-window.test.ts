import { describe, expect, it } from 'vitest';
import { HISTOGRAM_RELATIVE_ERROR } from './log-linear-histogram.ts';
import { RollingWindow } from './rolling-window.ts';

const T0 = Date.parse('2026-03-02T09:00:00Z');

describe('RollingWindow', () => {
  it('computes error rates over the window and forgets what slid out of it', () => {
    const window = new RollingWindow({ windowMs: 60_000, slotMs: 10_000 });
    // Minute one: 10 calls, 4 failed.
    for (let i = 0; i < 10; i++) {
      window.recordAttempt(T0 + i * 1000, 100, i < 4, false);
      window.recordCall(T0 + i * 1000, i < 4);
    }
    expect(window.stats(T0 + 30_000)).toMatchObject({ calls: 10, failedCalls: 4, errorRate: 0.4, attempts: 10, failedAttempts: 4 });

    // 40 s later: 10 more calls, all fine. The first ten are still within 60 s.
    for (let i = 0; i < 10; i++) {
      window.recordAttempt(T0 + 40_000 + i * 1000, 100, false, false);
      window.recordCall(T0 + 40_000 + i * 1000, false);
    }
    expect(window.stats(T0 + 55_000).errorRate).toBeCloseTo(4 / 20);

    // At T0 + 60 s the slot holding the failures [T0, T0 + 10 s) has left the window.
    expect(window.stats(T0 + 60_000)).toMatchObject({ calls: 10, failedCalls: 0, errorRate: 0 });
    // Long after, nothing is left.
    expect(window.stats(T0 + 10 * 60_000)).toMatchObject({ calls: 0, attempts: 0, errorRate: 0, p95Ms: undefined });
  });

  it('gives the window slot by slot, oldest first, for charts: counts and percentiles of each slot alone', () => {
    const window = new RollingWindow({ windowMs: 40_000, slotMs: 10_000 });
    window.recordAttempt(T0 + 1000, 20, false, false);
    window.recordCall(T0 + 1000, false);
    for (let i = 0; i < 4; i++) {
      window.recordAttempt(T0 + 20_000 + i, 400, i === 0, i === 0);
      window.recordCall(T0 + 20_000 + i, i === 0);
    }
    const series = window.series(T0 + 25_000);
    expect(series.map((p) => p.time)).toEqual([T0 - 10_000, T0, T0 + 10_000, T0 + 20_000]);
    expect(series.map((p) => [p.calls, p.failedCalls, p.attempts, p.throttled])).toEqual([
      [0, 0, 0, 0],
      [1, 0, 1, 0],
      [0, 0, 0, 0],
      [4, 1, 4, 1],
    ]);
    expect(series[0]!.p50Ms).toBeUndefined();
    expect(series[1]!.p99Ms).toBeCloseTo(20, -1);
    expect(Math.abs(series[3]!.p50Ms! - 400) / 400).toBeLessThanOrEqual(HISTOGRAM_RELATIVE_ERROR);
    expect(series[3]!.errorRate).toBe(0.25);
    // The sum of the slots is the window.
    const stats = window.stats(T0 + 25_000);
    expect(series.reduce((n, p) => n + p.calls, 0)).toBe(stats.calls);
    // Slots that slid out read as empty, not as old data.
    expect(window.series(T0 + 45_000).map((p) => p.calls)).toEqual([0, 4, 0, 0]);
  });

  it('reuses ring slots without mixing periods', () => {
    const window = new RollingWindow({ windowMs: 30_000, slotMs: 10_000 });
    window.recordCall(T0, true);
    // Same ring position, three slots later: the old count must be reset, not added to.
    window.recordCall(T0 + 30_000, false);
    expect(window.stats(T0 + 30_000)).toMatchObject({ calls: 1, failedCalls: 0 });
  });

  it('ignores events older than the window', () => {
    const window = new RollingWindow({ windowMs: 30_000, slotMs: 10_000 });
    window.recordCall(T0 + 30_000, false);
    window.recordCall(T0, true);
    expect(window.stats(T0 + 30_000)).toMatchObject({ calls: 1, failedCalls: 0 });
  });

  it('gives latency percentiles within the histogram bucket error', () => {
    const window = new RollingWindow({ windowMs: 300_000, slotMs: 10_000 });
    const samples: number[] = [];
    // 1000 attempts spread over 5 minutes: 1..1000 ms.
    for (let i = 1; i <= 1000; i++) {
      samples.push(i);
      window.recordAttempt(T0 + i * 290, i, false, false);
    }
    const stats = window.stats(T0 + 290_000);
    for (const [value, exact] of [
      [stats.p50Ms, 500],
      [stats.p95Ms, 950],
      [stats.p99Ms, 990],
    ] as const) {
      expect(value).toBeDefined();
      expect(Math.abs(value! - exact) / exact).toBeLessThanOrEqual(HISTOGRAM_RELATIVE_ERROR);
    }
  });

  it('counts throttled attempts', () => {
    const window = new RollingWindow();
    window.recordAttempt(T0, 5, true, true);
    window.recordAttempt(T0, 5, false, false);
    expect(window.stats(T0)).toMatchObject({ attempts: 2, throttled: 1, failedAttempts: 1, attemptErrorRate: 0.5 });
  });

  it('rejects options that cannot make a window', () => {
    expect(() => new RollingWindow({ slotMs: 0 })).toThrow(/slotMs must be a positive number/);
    expect(() => new RollingWindow({ windowMs: 5_000, slotMs: 10_000 })).toThrow(/windowMs must be at least/);
    expect(() => new RollingWindow({ windowMs: 3_600_000, slotMs: 1 })).toThrow(/too many/);
  });
});
