// The Grafana dashboard and Prometheus rules shipped in monitoring/ are checked against what the
// exporter really emits, and the rules by promtool itself (Debian's `prometheus` package; .ci/run
// installs it when missing).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createHttpClient } from '@connectors/core';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createObservability } from '../observe/create-observability.ts';
import { prometheusExporter } from './prometheus-exporter.ts';

const dir = fileURLToPath(new URL('../../monitoring/', import.meta.url));
const rulesFile = `${dir}prometheus-rules.yml`;
const rules = parse(readFileSync(rulesFile, 'utf8')) as { groups: { name: string; rules: { alert?: string; record?: string; expr: string; labels?: Record<string, string> }[] }[] };
const grafana = JSON.parse(readFileSync(`${dir}grafana-dashboard.json`, 'utf8')) as {
  __inputs: { name: string; type: string; pluginId: string }[];
  uid: string;
  schemaVersion: number;
  templating: { list: { name: string; query: { query: string } | string }[] };
  panels: { id: number; type: string; title: string; gridPos: { h: number; w: number; x: number; y: number }; datasource?: { uid: string }; targets?: { refId: string; expr: string; datasource: { uid: string } }[] }[];
};

const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'inf', 'nan']);

/** The metric names a PromQL expression reads: identifiers that are not functions, keywords, labels or strings. */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // label values
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\[[^\]]*\]/g, '') // ranges
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // grouping labels
    .replace(/\$\w+/g, ' '); // Grafana variables
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const after = stripped.slice(match.index + match[0].length).trimStart();
    if (after.startsWith('(') || KEYWORDS.has(match[0].toLowerCase())) continue;
    names.add(match[0]);
  }
  return [...names];
}

/** Every series name the exporter emits (histograms as their _bucket, _sum and _count series), after a real call. */
async function emittedNames(): Promise<Set<string>> {
  const registry = new Registry();
  const observability = createObservability({ metrics: prometheusExporter({ registry }), evaluateEveryMs: 0, deadLetterQueues: { webhooks: () => 0 } });
  const client = createHttpClient({ connector: 'github', baseUrl: 'http://127.0.0.1:9', fetch: async () => new Response('{}', { headers: { 'content-type': 'application/json' } }) });
  observability.observe(client);
  await client.request({ path: '/ok', operation: 'issues.list' });
  await observability.evaluate();
  observability.close();
  const names = new Set<string>();
  for (const metric of await registry.getMetricsAsJSON()) {
    if (String(metric.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
    else names.add(metric.name);
  }
  const text = await registry.metrics();
  expect(text).toContain('connector_requests_total{');
  expect(text).toContain('connector_request_duration_seconds_bucket{');
  return names;
}

describe('monitoring/prometheus-rules.yml', () => {
  it('passes promtool check rules and its unit tests (promtool test rules)', () => {
    let promtool: string;
    try {
      promtool = execFileSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).trim();
    } catch {
      throw new Error("promtool is not installed: install Debian's `prometheus` package (apt-get install prometheus); .ci/run does it when missing");
    }
    expect(execFileSync(promtool, ['check', 'rules', rulesFile], { encoding: 'utf8' })).toContain('SUCCESS: 7 rules found');
    expect(execFileSync(promtool, ['test', 'rules', `${dir}prometheus-rules.test.yml`], { encoding: 'utf8', cwd: dir })).toContain('SUCCESS');
  });

  it('covers error rate, p95 latency, circuits, shared budgets, credentials and dead letters, using only metrics the exporter emits', async () => {
    const emitted = await emittedNames();
    const all = rules.groups.flatMap((g) => g.rules);
    expect(all.map((r) => r.alert)).toEqual([
      'ConnectorErrorRateHigh',
      'ConnectorLatencyP95High',
      'ConnectorCircuitOpen',
      'ConnectorSharedBudgetUnavailable',
      'ConnectorCredentialExpiring',
      'ConnectorCredentialExpiringSoon',
      'ConnectorDeadLetters',
    ]);
    for (const rule of all) {
      const names = metricNames(rule.expr);
      expect(names.length, `${rule.alert} reads no metric`).toBeGreaterThan(0);
      for (const name of names) expect(emitted, `${rule.alert}: ${name} is not emitted by prometheusExporter`).toContain(name);
      expect(['warning', 'critical']).toContain(rule.labels?.['severity']);
    }
  });

  it('reads metric names the way PromQL does', () => {
    expect(metricNames('sum by (connector, le) (rate(connector_request_duration_seconds_bucket{connector=~"$connector"}[5m])) > 5')).toEqual(['connector_request_duration_seconds_bucket']);
    expect(metricNames('min by (c) (connector_credential_expiry_timestamp_seconds) - time() < 14 * 86400 and on(c) up')).toEqual(['connector_credential_expiry_timestamp_seconds', 'up']);
  });
});

describe('monitoring/grafana-dashboard.json', () => {
  it('is an importable dashboard: a Prometheus data source input, unique panel ids, a grid position and queries for every panel', () => {
    expect(grafana.__inputs).toEqual([expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' })]);
    expect(grafana.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(grafana.schemaVersion).toBeGreaterThanOrEqual(36);
    const ids = grafana.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of grafana.panels) {
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
      if (panel.type === 'row') continue;
      expect(panel.datasource?.uid, panel.title).toBe('${DS_PROMETHEUS}');
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      const refIds = panel.targets!.map((t) => t.refId);
      expect(new Set(refIds).size, panel.title).toBe(refIds.length);
    }
  });

  it('queries only metrics the exporter emits, and shows calls, error rate, percentiles, rate limits, circuits, credentials and dead letters', async () => {
    const emitted = await emittedNames();
    const exprs = [
      ...grafana.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ title: p.title, expr: t.expr }))),
      ...grafana.templating.list.map((v) => ({ title: `variable ${v.name}`, expr: (typeof v.query === 'string' ? v.query : v.query.query).replace(/^label_values\((.*),\s*\w+\)$/, '$1') })),
    ];
    const used = new Set<string>();
    for (const { title, expr } of exprs) {
      const names = metricNames(expr);
      expect(names.length, `${title} reads no metric`).toBeGreaterThan(0);
      for (const name of names) {
        expect(emitted, `${title}: ${name} is not emitted by prometheusExporter`).toContain(name);
        used.add(name);
      }
    }
    // Every metric the exporter emits is on the dashboard somewhere.
    const unused = [...emitted].filter((name) => !used.has(name) && !/_(sum|count)$/.test(name));
    expect(unused).toEqual([]);
  });
});
