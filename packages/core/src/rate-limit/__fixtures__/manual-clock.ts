import type { Clock } from '../../internal/clock.ts';

/**
 * A clock that moves only when the test says so: `sleep` resolves when `advance` passes its time,
 * so a test can look at what is still waiting (unlike a clock whose sleeps return at once).
 */
export interface ManualClock extends Clock {
  advance(ms: number): Promise<void>;
  /** Sleeps not yet due. */
  readonly pending: number;
}

export function createManualClock(start = Date.parse('2026-01-01T00:00:00Z')): ManualClock {
  let now = start;
  let timers: Array<{ at: number; resolve: () => void }> = [];
  const flush = async () => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };
  return {
    now: () => now,
    get pending() {
      return timers.length;
    },
    sleep(ms, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const timer = { at: now + Math.max(0, ms), resolve };
        timers.push(timer);
        signal?.addEventListener('abort', () => {
          timers = timers.filter((t) => t !== timer);
          reject(signal.reason);
        }, { once: true });
      });
    },
    async advance(ms) {
      const end = now + ms;
      await flush();
      for (;;) {
        const due = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        now = Math.max(now, due.at);
        timers = timers.filter((t) => t !== due);
        due.resolve();
        await flush();
      }
      now = end;
      await flush();
    },
  };
}
