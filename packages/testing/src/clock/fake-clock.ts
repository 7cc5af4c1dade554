import type { Clock } from '@connectors/core';

/** A `Clock` for tests: virtual time that moves only when code sleeps or the test advances it. */
export interface FakeClock extends Clock {
  /** Every delay passed to `sleep`, in call order (milliseconds). */
  readonly sleeps: readonly number[];
  /** Sum of all requested sleeps. */
  readonly sleptMs: number;
  /** Moves virtual time forward without a sleep (e.g. to let a token expire). */
  advance(ms: number): void;
  /** Sets virtual time to an absolute epoch-millisecond value. */
  set(epochMs: number): void;
  /** Forgets recorded sleeps; time stays where it is. */
  resetSleeps(): void;
}

export interface FakeClockOptions {
  /** Starting time, epoch milliseconds or a Date. Default 2026-01-01T00:00:00Z, so fixtures with dates stay stable. */
  start?: number | Date;
}

/** Default start: a fixed instant, so tests that print dates are reproducible. */
export const FAKE_CLOCK_START = Date.parse('2026-01-01T00:00:00Z');

/**
 * Creates a fake clock. `sleep(ms)` resolves on the next microtask while advancing virtual time by
 * `ms` and recording the delay, so retry tests never wait and can assert the exact delays asked for
 * (e.g. that a `Retry-After: 2` was honoured as a 2000 ms wait).
 *
 * @example
 * const clock = createFakeClock();
 * const http = createHttpClient({ connector: 'x', baseUrl, clock, random: () => 0 });
 * await http.request({ path: '/things' });
 * expect(clock.sleeps).toEqual([2000]);
 */
export function createFakeClock(options: FakeClockOptions = {}): FakeClock {
  const start = options.start instanceof Date ? options.start.getTime() : (options.start ?? FAKE_CLOCK_START);
  if (!Number.isFinite(start)) throw new TypeError(`createFakeClock: start must be a finite epoch-ms number or a valid Date; got ${String(options.start)}`);
  let now = start;
  const sleeps: number[] = [];
  const checkMs = (ms: number, what: string) => {
    if (!Number.isFinite(ms) || ms < 0) throw new TypeError(`FakeClock.${what}: ms must be a finite number >= 0; got ${String(ms)}`);
  };
  return {
    get sleeps() {
      return sleeps;
    },
    get sleptMs() {
      return sleeps.reduce((sum, ms) => sum + ms, 0);
    },
    now: () => now,
    advance(ms) {
      checkMs(ms, 'advance');
      now += ms;
    },
    set(epochMs) {
      if (!Number.isFinite(epochMs)) throw new TypeError(`FakeClock.set: expected epoch milliseconds; got ${String(epochMs)}`);
      now = epochMs;
    },
    resetSleeps() {
      sleeps.length = 0;
    },
    async sleep(ms, signal) {
      // Same contract as the system clock: an aborted signal rejects with its reason.
      if (signal?.aborted) throw signal.reason;
      checkMs(ms, 'sleep');
      sleeps.push(ms);
      now += ms;
    },
  };
}
