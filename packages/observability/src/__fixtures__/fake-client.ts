import type { AttemptMiddleware, ConnectorEvent, EventInput, EventListener } from '@connectors/core';
import type { ObservableClient } from '../observe/instrumentation.ts';

/** A client that emits whatever events a test scripts, stamped with the given clock's time. */
export function fakeClient(connector: string, now: () => number): ObservableClient & { emit(event: EventInput): void; readonly listeners: number; middleware: AttemptMiddleware[] } {
  const listeners = new Set<EventListener>();
  const middleware: AttemptMiddleware[] = [];
  return {
    connector,
    baseUrl: `https://${connector}.example.test/`,
    middleware,
    get listeners() {
      return listeners.size;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    use(mw) {
      middleware.push(mw);
    },
    emit(event) {
      const full = { ...event, connector: event.connector ?? connector, time: now() } as ConnectorEvent;
      for (const listener of listeners) listener(full);
    },
  };
}

/** A successful or failed attempt, as core reports it. */
export function attempt(
  outcome: 'success' | 'retry' | 'failed',
  durationMs: number,
  extra: { operation?: string; route?: string; status?: number; callId?: string; attempt?: number; error?: string } = {},
): EventInput {
  return {
    type: 'response',
    operation: extra.operation ?? 'issues.list',
    method: 'GET',
    route: extra.route ?? '/repos/{owner}/{repo}/issues',
    attempt: extra.attempt ?? 1,
    durationMs,
    outcome,
    ...(extra.callId !== undefined ? { callId: extra.callId } : {}),
    ...(extra.error !== undefined ? { error: extra.error } : {}),
    status: extra.status ?? (outcome === 'success' ? 200 : 503),
  };
}

/** A call that failed for good. */
export function giveUp(operation = 'issues.list', error = 'HttpError'): EventInput {
  return { type: 'give-up', operation, attempts: 1, error, reason: 'status 503 is not retried here', retryable: true, status: 503 };
}
