import { afterAll, afterEach, beforeAll } from 'vitest';
import { createNockGuard, type NockGuard, type NockGuardOptions } from './nock-guard.ts';

export interface UseNockOptions extends NockGuardOptions {
  /** Also fail a test that left interceptors unused. Default false. */
  failOnPending?: boolean;
}

/**
 * Call once at the top of a test file (or a `describe`). For every test it:
 * - blocks real network access except loopback (local servers such as the sandbox still work);
 * - fails the test, listing method and URL, when a request matched no interceptor (nock 15 would
 *   otherwise answer 501 and the client would report a confusing HTTP error);
 * - removes all interceptors afterwards, so one test's leftovers never answer another's requests.
 *
 * @returns the guard, for tests that want to inspect `unmatched()` themselves.
 */
export function useNock(options: UseNockOptions = {}): { readonly guard: NockGuard } {
  let guard: NockGuard | undefined;
  const handle = {
    get guard(): NockGuard {
      if (!guard) throw new Error('useNock: the guard exists only while tests run (from beforeAll on)');
      return guard;
    },
  };
  beforeAll(() => {
    guard = createNockGuard(options);
  });
  afterEach(() => {
    if (!guard) return;
    try {
      guard.check({ pending: options.failOnPending ?? false });
    } finally {
      guard.reset();
    }
  });
  afterAll(() => {
    guard?.dispose();
    guard = undefined;
  });
  return handle;
}
