import type { Alert } from '../alerts/alert-rules.ts';
import type { WindowStats } from '../windows/rolling-window.ts';
import type { ConnectorState } from './connector-state.ts';

export type HealthStatus = 'ok' | 'degraded' | 'down';

export type HealthReasonCode =
  | 'auth-failing'
  | 'circuit-open'
  | 'circuit-half-open'
  | 'shared-budget-unavailable'
  | 'no-recent-success'
  | 'error-rate'
  | 'latency'
  | 'credential-expiring'
  | 'dead-letter-queue'
  | 'probe-failed'
  | 'provider-incident';

/** Why a connector or the app is not `ok`. */
export interface HealthReason {
  code: HealthReasonCode;
  severity: Exclude<HealthStatus, 'ok'>;
  /** A sentence for people, free of secrets. */
  message: string;
  connector?: string;
  operation?: string;
  queue?: string;
}

export interface ConnectorHealth {
  connector: string;
  status: HealthStatus;
  reasons: HealthReason[];
  /** ISO 8601; absent until a call succeeded. */
  lastSuccessAt: string | undefined;
  lastFailureAt: string | undefined;
  /** The rolling window's statistics; absent when windows are off or nothing was called yet. */
  window: WindowStats | undefined;
}

export interface AppHealth {
  /** The worst status of any connector or app-level reason. */
  status: HealthStatus;
  /** ISO 8601. */
  checkedAt: string;
  /** Every reason, connectors' included, worst first. */
  reasons: HealthReason[];
  connectors: Record<string, ConnectorHealth>;
  /** The last depth read from each dead-letter queue probe. */
  deadLetterQueues: Record<string, number>;
}

export interface HealthOptions {
  /**
   * With at least this many failed calls in the window and not one success, a connector is `down`
   * (`no-recent-success`), whatever the alert rules say. Default 5.
   */
  noSuccessAfterFailures?: number;
}

const RANK: Record<HealthStatus, number> = { ok: 0, degraded: 1, down: 2 };

/** The worse of statuses. */
export function worstStatus(reasons: readonly { severity: HealthStatus }[]): HealthStatus {
  let worst: HealthStatus = 'ok';
  for (const reason of reasons) if (RANK[reason.severity] > RANK[worst]) worst = reason.severity;
  return worst;
}

export function sortReasons(reasons: HealthReason[]): HealthReason[] {
  return reasons.sort((a, b) => RANK[b.severity] - RANK[a.severity]);
}

const iso = (time: number | undefined) => (time === undefined ? undefined : new Date(time).toISOString());

/**
 * One connector's health: what the events say directly (credentials rejected, circuits, every call
 * failing) plus the alert rules firing for it.
 */
export function connectorHealth(
  connector: string,
  state: ConnectorState,
  window: WindowStats | undefined,
  alerts: readonly Alert[],
  options: HealthOptions,
): ConnectorHealth {
  const reasons: HealthReason[] = [];
  if (state.lastAuthFailureAt !== undefined && (state.lastSuccessAt === undefined || state.lastAuthFailureAt > state.lastSuccessAt)) {
    reasons.push({
      code: 'auth-failing',
      severity: 'down',
      connector,
      message: `${connector}: the provider rejected the credentials at ${iso(state.lastAuthFailureAt)}${state.lastSuccessAt === undefined ? '' : `, after the last success at ${iso(state.lastSuccessAt)}`}; check or rotate them`,
    });
  }
  for (const [host, circuit] of state.circuits) {
    reasons.push(
      circuit.state === 'open'
        ? { code: 'circuit-open', severity: 'down', connector, message: `${connector}: circuit open for ${host} since ${iso(circuit.since)}; calls fail fast` }
        : { code: 'circuit-half-open', severity: 'degraded', connector, message: `${connector}: circuit half-open for ${host}; probing whether it recovered` },
    );
  }
  for (const [budget, outage] of state.sharedBudgets) {
    reasons.push({
      code: 'shared-budget-unavailable',
      severity: 'degraded',
      connector,
      message: `${connector}: the shared rate-limit budget ${budget} has not answered since ${iso(outage.since)}${outage.reason ? ` (${outage.reason})` : ''}; each process paces itself alone, so together they may exceed the provider's limit`,
    });
  }
  const provider = state.provider;
  // An unreachable status page says nothing about the provider: it never degrades health.
  if (provider?.reachable && (provider.indicator !== 'none' || provider.incidents.length > 0)) {
    const what = provider.incidents.length > 0 ? provider.incidents.map((i) => `${i.name} (${i.status})`).join('; ') : provider.description;
    reasons.push({
      code: 'provider-incident',
      severity: 'degraded',
      connector,
      message: `${connector}: provider reports an incident: ${what}${provider.components.length > 0 ? `; affected: ${provider.components.map((c) => `${c.name} ${c.status.replaceAll('_', ' ')}`).join(', ')}` : ''} (${provider.page})`,
    });
  }
  const minFailures = options.noSuccessAfterFailures ?? 5;
  if (window && window.failedCalls >= minFailures && window.failedCalls === window.calls) {
    reasons.push({
      code: 'no-recent-success',
      severity: 'down',
      connector,
      message: `${connector}: all ${window.calls} calls failed over the last ${Math.round(window.windowMs / 1000)} s; last success ${iso(state.lastSuccessAt) ?? 'never'}`,
    });
  }
  for (const alert of alerts) {
    // Circuits and shared budgets are reported from their exact state above; those alerts only notify.
    if (alert.connector !== connector || alert.kind === 'circuit-open' || alert.kind === 'shared-budget-unavailable') continue;
    const code: HealthReasonCode = alert.kind;
    reasons.push({ code, severity: alert.severity, connector, ...(alert.operation !== undefined ? { operation: alert.operation } : {}), message: alert.message });
  }
  sortReasons(reasons);
  return {
    connector,
    status: worstStatus(reasons),
    reasons,
    lastSuccessAt: iso(state.lastSuccessAt),
    lastFailureAt: iso(state.lastFailureAt),
    window,
  };
}
