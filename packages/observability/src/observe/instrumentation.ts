import type { AttemptMiddleware, EventListener } from '@connectors/core';

/**
 * What observability needs from a client: its name, its events and (for tracing) a way to wrap
 * each attempt. `HttpClient` from `@connectors/core` has all of it, and so does any connector that
 * exposes its client's `subscribe` and `use`.
 */
export interface ObservableClient {
  readonly connector: string;
  /** Used for `server.address` / `server.port` when events do not carry the host. */
  readonly baseUrl?: string;
  subscribe(listener: EventListener): () => void;
  use?(middleware: AttemptMiddleware): void;
}

/**
 * Something that attaches to clients: a metrics exporter or a tracer. Made by
 * `prometheusExporter()` (`@connectors/observability/prometheus`) or `openTelemetryTracing()` /
 * `openTelemetryMetrics()` (`@connectors/observability/opentelemetry`), or by you.
 */
export interface Instrumentation {
  /** Starts observing one client; returns a function that stops. */
  instrument(client: ObservableClient): () => void;
  /** Receives each dead-letter queue depth read by `createObservability`'s probes. */
  recordDeadLetterDepth?(queue: string, depth: number): void;
}

/** One log method with the pino / console shape: a structured object, then a message. */
export type LogMethod = (record: object, message: string) => void;

/**
 * Any logger with pino's (and console's) shape: `pino()`, `console`, a pino child, or an adapter.
 * Methods are called on the logger (`logger.info(...)`), so pino's `this` stays bound.
 */
export interface Logger {
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
}
