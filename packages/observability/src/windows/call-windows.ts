import type { ConnectorEvent } from '@connectors/core';
import { safeOperation } from '../internal/safe-route.ts';
import { RollingWindow, type WindowOptions, type WindowPoint, type WindowStats } from './rolling-window.ts';

/** Distinct operations tracked per connector before new ones are pooled. */
export const MAX_OPERATIONS = 500;
/** The operation name that pools operations past `MAX_OPERATIONS`. */
export const OTHER_OPERATIONS = '(other)';

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
      const windows = this.#connector(event.connector);
      const operation = this.#operation(windows, event.operation);
      windows.all.recordAttempt(event.time, event.durationMs, failed, throttled);
      operation.recordAttempt(event.time, event.durationMs, failed, throttled);
      if (!failed) {
        windows.all.recordCall(event.time, false);
        operation.recordCall(event.time, false);
      }
    } else if (event.type === 'give-up') {
      const windows = this.#connector(event.connector);
      windows.all.recordCall(event.time, true);
      this.#operation(windows, event.operation).recordCall(event.time, true);
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

  /** The window of a connector (or one of its operations) slot by slot, oldest first; undefined when never seen. */
  series(connector: string, operation?: string): WindowPoint[] | undefined {
    const windows = this.#connectors.get(connector);
    if (!windows) return undefined;
    const window = operation === undefined ? windows.all : windows.operations.get(safeOperation(operation));
    return window?.series(this.#now());
  }

  /** Connectors seen so far. */
  connectors(): string[] {
    return [...this.#connectors.keys()];
  }

  /** Operations of a connector seen so far. */
  operations(connector: string): string[] {
    return [...(this.#connectors.get(connector)?.operations.keys() ?? [])];
  }

  #connector(connector: string): ConnectorWindows {
    let windows = this.#connectors.get(connector);
    if (!windows) {
      windows = { all: new RollingWindow(this.#options), operations: new Map() };
      this.#connectors.set(connector, windows);
    }
    return windows;
  }

  #operation(windows: ConnectorWindows, name: string): RollingWindow {
    const key = safeOperation(name);
    let operation = windows.operations.get(key);
    if (!operation) {
      // Operation names come from code, but a default name built from a filled path (IDs in it) would
      // grow without bound; past the cap, new names share one window.
      const capped = windows.operations.size >= MAX_OPERATIONS ? OTHER_OPERATIONS : key;
      operation = windows.operations.get(capped) ?? new RollingWindow(this.#options);
      windows.operations.set(capped, operation);
    }
    return operation;
  }
}
