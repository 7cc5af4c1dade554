import { inspect } from 'node:util';
import { createTestClock, type TestClock } from '../../internal/test-clock.ts';
import type { ConnectorEvent } from '../../http/events.ts';

/** A clock the test moves by hand; sleeps return at once (the client's backoff must not slow tests). */
export function manualClock(start = Date.UTC(2026, 0, 15, 12)): TestClock {
  return createTestClock({ start, sleep: 'instant' });
}

/** Collects events (and anything else) so a test can assert no secret appears in any of it. */
export function collector() {
  const events: ConnectorEvent[] = [];
  const errors: unknown[] = [];
  return {
    events,
    errors,
    onEvent: (event: ConnectorEvent) => void events.push(event),
    of<T extends ConnectorEvent['type']>(type: T) {
      return events.filter((e): e is Extract<ConnectorEvent, { type: T }> => e.type === type);
    },
    /** Runs a promise expected to reject, keeps the error, and returns it. */
    async failure(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
      try {
        await promise;
      } catch (error) {
        errors.push(error);
        return error as Error & Record<string, unknown>;
      }
      throw new Error('expected the call to fail, and it succeeded');
    },
    /** Everything collected, as text: events as JSON, errors as JSON, message, String() and util.inspect (cause chain included). */
    dump(): string {
      const parts = events.map((e) => JSON.stringify(e));
      for (const error of errors) {
        parts.push(JSON.stringify(error), String(error), inspect(error, { depth: 6 }));
        if (error instanceof Error) parts.push(error.message, error.stack ?? '');
      }
      return parts.join('\n');
    },
  };
}

/** Returns the secrets (of 4+ characters) that occur in the text; an empty list means no leak. */
export function leakedSecrets(text: string, secrets: Iterable<string | undefined>): string[] {
  return [...secrets].filter((s): s is string => typeof s === 'string' && s.length >= 4 && text.includes(s));
}
