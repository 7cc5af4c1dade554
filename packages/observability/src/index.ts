export { observe, type Detach } from './observe/observe.ts';
export {
  createObservability,
  type AlertOptions,
  type DeadLetterProbe,
  type Observability,
  type ObservabilityOptions,
  type ObservabilitySnapshot,
  type ConnectorSnapshot,
} from './observe/create-observability.ts';
export type { ProviderStatus } from './health/connector-state.ts';
export type { WindowPoint } from './windows/rolling-window.ts';
export {
  createProviderStatusWatcher,
  parseStatuspageSummary,
  type ProviderStatusWatcher,
  type ProviderStatusWatcherOptions,
} from './provider-status/provider-status-watcher.ts';
export type { Instrumentation, Logger, LogMethod, ObservableClient } from './observe/instrumentation.ts';
export { createCallLog, CALL_MESSAGE, NOTABLE_EVENTS, type CallLogOptions, type CallOutcome, type CallRecord } from './log/call-log.ts';
export { scrubSecrets } from './log/scrub-secrets.ts';
export { CallWindows, MAX_OPERATIONS, OTHER_OPERATIONS } from './windows/call-windows.ts';
export { RollingWindow, DEFAULT_WINDOW_MS, DEFAULT_SLOT_MS, type WindowOptions, type WindowStats } from './windows/rolling-window.ts';
export { LogLinearHistogram, HISTOGRAM_RELATIVE_ERROR, HISTOGRAM_ABSOLUTE_ERROR_MS } from './windows/log-linear-histogram.ts';
export {
  DEFAULT_ALERT_RULES,
  type Alert,
  type AlertRule,
  type CircuitOpenRule,
  type CredentialExpiringRule,
  type DeadLetterQueueRule,
  type ErrorRateRule,
  type LatencyRule,
  type RuleBase,
  type Severity,
} from './alerts/alert-rules.ts';
export type { AppHealth, ConnectorHealth, HealthOptions, HealthReason, HealthReasonCode, HealthStatus } from './health/health-report.ts';
export { createHealthHandler, createNodeHealthHandler, type HealthHandlerOptions, type HealthSource } from './health/health-handler.ts';
