import type { Clock } from './clock.ts';

/**
 * What a test clock does with a `sleep`:
 * - `advance` (default): returns at once and moves time forward by the wait, recording it in `sleeps`
 *   (retry and backoff tests: no real waiting, every delay visible);
 * - `wait`: waits until `advance()` passes its time, so a test can look at what is still waiting
 *   (rate limiters, queues);
 * - `instant`: returns at once and leaves time alone (credential tests that move time themselves).
 */
export type TestClockSleep = 'advance' | 'wait' | 'instant';

export interface TestClock extends Clock {
  /** The waits `sleep` was asked for, in order. */
  readonly sleeps: number[];
  /** Sleeps not yet due (`wait` mode). */
  readonly pending: number;
  /** Moves time forward; in `wait` mode resolves the sleeps that fall due, in order, and settles their continuations. */
  advance(ms: number): Promise<void>;
  /** Sets the time. */
  set(ms: number): void;
}

/** The one test clock of core's tests (test-only; not exported from the package). */
export function createTestClock(options: { start?: number; sleep?: TestClockSleep } | number = {}): TestClock {
  const { start = Date.parse('2026-01-01T00:00:00Z'), sleep: mode = 'advance' } = typeof options === 'number' ? { start: options } : options;
  let now = start;
  let timers: Array<{ at: number; resolve: () => void }> = [];
  const sleeps: number[] = [];
  // Enough microtask turns for the continuations of a resolved sleep to run before the next one is due.
  const flush = async () => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };
  return {
    sleeps,
    now: () => now,
    get pending() {
      return timers.length;
    },
    set(ms) {
      now = ms;
    },
    sleep(ms, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      sleeps.push(ms);
      if (mode === 'advance') now += ms;
      if (mode !== 'wait') return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
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
      if (mode !== 'wait') {
        now = end;
        return;
      }
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
