export { prometheusExporter, DEFAULT_LATENCY_BUCKETS, type PrometheusExporter, type PrometheusExporterOptions } from './prometheus/prometheus-exporter.ts';
