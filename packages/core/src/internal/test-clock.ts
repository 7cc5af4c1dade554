import type { Clock } from './clock.ts';

/** Test-only clock: `sleep` resolves at once and moves virtual time forward, recording each wait. */
export function createTestClock(start = Date.parse('2026-01-01T00:00:00Z')): Clock & { sleeps: number[]; advance(ms: number): void } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      now += ms;
    },
  };
}
