export { openTelemetryTracing, INSTRUMENTATION_SCOPE, type OpenTelemetryTracingOptions } from './opentelemetry/open-telemetry-tracing.ts';
export { openTelemetryMetrics, HTTP_DURATION_BUCKETS, type OpenTelemetryMetricsOptions } from './opentelemetry/open-telemetry-metrics.ts';
