import type { ConnectorEvent } from '@connectors/core';
import { safeOperation } from '../internal/safe-route.ts';
import { RollingWindow, type WindowOptions, type WindowStats } from './rolling-window.ts';

interface ConnectorWindows {
  all: RollingWindow;
  operations: Map<string, RollingWindow>;
}

/**
 * Rolling error-rate and latency windows per connector and per operation, fed by client events
 * (`record` is an event listener). Attempts come from `response` events; finished calls from a
 * successful `response` or a `give-up`.
 */
export class CallWindows {
  readonly #options: WindowOptions;
  readonly #now: () => number;
  readonly #connectors = new Map<string, ConnectorWindows>();
  #rateLimitedCall: string | undefined;

  /** @param now the clock that ends the window when stats are read (events carry their own time). */
  constructor(options: WindowOptions = {}, now: () => number = Date.now) {
    this.#options = options;
    this.#now = now;
    // Validate the options now rather than at the first event.
    void new RollingWindow(options);
  }

  /** An event listener: pass it to `client.subscribe`. */
  readonly record = (event: ConnectorEvent): void => {
    if (event.type === 'response') {
      const throttled = event.status === 429 || (event.callId !== undefined && event.callId === this.#rateLimitedCall);
      this.#rateLimitedCall = undefined;
      const failed = event.outcome !== 'success';
      const { all, operation } = this.#windows(event.connector, event.operation);
      all.recordAttempt(event.time, event.durationMs, failed, throttled);
      operation.recordAttempt(event.time, event.durationMs, failed, throttled);
      if (!failed) {
        all.recordCall(event.time, false);
        operation.recordCall(event.time, false);
      }
    } else if (event.type === 'give-up') {
      const { all, operation } = this.#windows(event.connector, event.operation);
      all.recordCall(event.time, true);
      operation.recordCall(event.time, true);
    } else if (event.type === 'rate-limited') {
      this.#rateLimitedCall = event.callId;
    }
  };

  /** Statistics for a connector (all operations), or one of its operations; undefined when never seen. */
  stats(connector: string, operation?: string): WindowStats | undefined {
    const windows = this.#connectors.get(connector);
    if (!windows) return undefined;
    const window = operation === undefined ? windows.all : windows.operations.get(safeOperation(operation));
    return window?.stats(this.#now());
  }

  /** Connectors seen so far. */
  connectors(): string[] {
    return [...this.#connectors.keys()];
  }

  /** Operations of a connector seen so far. */
  operations(connector: string): string[] {
    return [...(this.#connectors.get(connector)?.operations.keys() ?? [])];
  }

  #windows(connector: string, operationName: string): { all: RollingWindow; operation: RollingWindow } {
    let windows = this.#connectors.get(connector);
    if (!windows) {
      windows = { all: new RollingWindow(this.#options), operations: new Map() };
      this.#connectors.set(connector, windows);
    }
    let operation = windows.operations.get(operationName);
    if (!operation) {
      // Keyed by the raw name on the hot path; cleaned once here for what is reported.
      const clean = safeOperation(operationName);
      operation = windows.operations.get(clean) ?? new RollingWindow(this.#options);
      windows.operations.set(operationName, operation);
      if (clean !== operationName) windows.operations.set(clean, operation);
    }
    return { all: windows.all, operation };
  }
}
