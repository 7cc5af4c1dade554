import type { Clock } from '@connectors/core';

/** A clock that only moves when told; `sleep` returns at once and moves time forward. */
export function manualClock(start = Date.parse('2026-03-02T09:00:00Z')): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      now += ms;
    },
  };
}
