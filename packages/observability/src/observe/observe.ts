import { createObservability, type Observability, type ObservabilityOptions } from './create-observability.ts';
import type { ObservableClient } from './instrumentation.ts';

/** Stops observing; also carries the registry made for the client, for `health()` and `stats()`. */
export interface Detach {
  (): void;
  readonly observability: Observability;
}

/**
 * Switches on everything for one client in one call: call log, rolling windows and alert rules,
 * metrics and tracing. For several clients, use one `createObservability()` and `observe()` each.
 *
 * @example
 * const stop = observe(client, {
 *   logger: pino(),
 *   metrics: prometheusExporter({ registry }),
 *   tracing: openTelemetryTracing(),
 * });
 * stop.observability.health();
 * stop(); // detach
 */
export function observe(client: ObservableClient, options: ObservabilityOptions = {}): Detach {
  const observability = createObservability(options);
  observability.observe(client);
  return Object.assign(() => observability.close(), { observability });
}
