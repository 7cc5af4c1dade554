import type { ConnectorStates } from '../health/connector-state.ts';
import type { CallWindows } from '../windows/call-windows.ts';
import type { WindowStats } from '../windows/rolling-window.ts';
import { type Alert, type AlertRule, type Severity, validateRules } from './alert-rules.ts';

/** Where the monitor reads what it judges. */
export interface AlertSources {
  windows: CallWindows | undefined;
  states: ConnectorStates;
  /** The connectors being observed. */
  connectors(): Iterable<string>;
  /** The last depth read for each dead-letter queue. */
  queueDepths(): ReadonlyMap<string, number>;
  now(): number;
}

interface Observation {
  key: string;
  /** Who the alert is about, for messages: `github`, `github issues.list`, `dead-letter queue "x"`. */
  subject: string;
  connector?: string;
  operation?: string;
  queue?: string;
  value: number;
  /** The condition to fire holds. */
  trip: boolean;
  /** The (stricter) condition to resolve holds. */
  recover: boolean;
  threshold: number;
  recoverThreshold: number;
  firingMessage: string;
  resolvedMessage: string;
}

interface RuleState {
  phase: 'pending' | 'firing' | 'recovering';
  since: number;
  subject: string;
  alert: Alert | undefined;
}

const DEFAULT_RECOVER_FOR_MS = 60_000;

/**
 * Evaluates alert rules and raises one `firing` alert when a rule trips and one `resolved` alert
 * when it recovers. Between the two nothing is repeated, however long the condition lasts. Flapping
 * is damped twice: recovery needs a lower threshold than firing (hysteresis) and must hold for
 * `recoverForMs`.
 */
export class AlertMonitor {
  readonly #rules: readonly AlertRule[];
  readonly #sources: AlertSources;
  readonly #onAlert: (alert: Alert) => void;
  readonly #states = new Map<string, RuleState>();

  constructor(rules: readonly AlertRule[], sources: AlertSources, onAlert: (alert: Alert) => void) {
    validateRules(rules);
    this.#rules = rules;
    this.#sources = sources;
    this.#onAlert = onAlert;
  }

  /** Judges every rule against the current data; raises alerts for transitions. */
  evaluate(): void {
    const now = this.#sources.now();
    for (const rule of this.#rules) {
      const name = rule.name ?? rule.kind;
      const seen = new Set<string>();
      for (const observation of this.#observe(rule)) {
        const key = `${name}\u0000${observation.key}`;
        seen.add(key);
        this.#step(rule, name, key, observation, now);
      }
      // A target that is no longer observed (a detached client) resolves.
      for (const [key, state] of this.#states) {
        if (!key.startsWith(`${name}\u0000`) || seen.has(key)) continue;
        if (state.alert) this.#raise({ ...state.alert, state: 'resolved', message: `${state.subject}: no longer observed`, since: now, time: now });
        this.#states.delete(key);
      }
    }
  }

  /** Alerts currently firing (including those waiting out `recoverForMs`). */
  firing(): Alert[] {
    const out: Alert[] = [];
    for (const state of this.#states.values()) if (state.alert) out.push(state.alert);
    return out;
  }

  #step(rule: AlertRule, name: string, key: string, o: Observation, now: number): void {
    const state = this.#states.get(key);
    if (!state) {
      if (!o.trip) return;
      if ((rule.forMs ?? 0) === 0) this.#fire(rule, name, key, o, now, now);
      else this.#states.set(key, { phase: 'pending', since: now, subject: o.subject, alert: undefined });
      return;
    }
    switch (state.phase) {
      case 'pending':
        if (!o.trip) this.#states.delete(key);
        else if (now - state.since >= (rule.forMs ?? 0)) this.#fire(rule, name, key, o, state.since, now);
        return;
      case 'firing':
        if (!o.recover) return;
        if ((rule.recoverForMs ?? DEFAULT_RECOVER_FOR_MS) === 0) this.#resolve(key, state, o, now, now);
        else {
          state.phase = 'recovering';
          state.since = now;
        }
        return;
      case 'recovering':
        if (!o.recover) state.phase = 'firing';
        else if (now - state.since >= (rule.recoverForMs ?? DEFAULT_RECOVER_FOR_MS)) this.#resolve(key, state, o, state.since, now);
        return;
    }
  }

  #fire(rule: AlertRule, name: string, key: string, o: Observation, since: number, now: number): void {
    const severity: Severity = rule.severity ?? (rule.kind === 'circuit-open' ? 'down' : 'degraded');
    const alert: Alert = {
      rule: name,
      kind: rule.kind,
      state: 'firing',
      severity,
      ...(o.connector !== undefined ? { connector: o.connector } : {}),
      ...(o.operation !== undefined ? { operation: o.operation } : {}),
      ...(o.queue !== undefined ? { queue: o.queue } : {}),
      value: o.value,
      threshold: o.threshold,
      message: o.firingMessage,
      since,
      time: now,
    };
    this.#states.set(key, { phase: 'firing', since: now, subject: o.subject, alert });
    this.#raise(alert);
  }

  #resolve(key: string, state: RuleState, o: Observation, since: number, now: number): void {
    this.#states.delete(key);
    if (state.alert) {
      this.#raise({ ...state.alert, state: 'resolved', value: o.value, threshold: o.recoverThreshold, message: o.resolvedMessage, since, time: now });
    }
  }

  #raise(alert: Alert): void {
    try {
      this.#onAlert(alert);
    } catch {
      // The app's alert sink must not break evaluation of the other rules.
    }
  }

  #observe(rule: AlertRule): Observation[] {
    switch (rule.kind) {
      case 'error-rate':
      case 'latency':
        return this.#observeWindows(rule);
      case 'circuit-open':
        return [...this.#sources.connectors()].map((connector) => {
          const circuits = this.#sources.states.get(connector).circuits;
          const open = [...circuits].filter(([, c]) => c.state === 'open').map(([host]) => host);
          return {
            key: connector, subject: connector, connector, value: open.length, trip: open.length > 0, recover: open.length === 0, threshold: 0, recoverThreshold: 0,
            firingMessage: `${connector}: circuit open for ${open.join(', ')}; calls fail fast until it closes`,
            resolvedMessage: `${connector}: circuits closed again`,
          };
        });
      case 'shared-budget-unavailable':
        return [...this.#sources.connectors()].map((connector) => {
          const outages = [...this.#sources.states.get(connector).sharedBudgets];
          const names = outages.map(([budget, outage]) => `${budget}${outage.reason ? ` (${outage.reason})` : ''}`);
          return {
            key: connector, subject: connector, connector, value: outages.length, trip: outages.length > 0, recover: outages.length === 0, threshold: 0, recoverThreshold: 0,
            firingMessage: `${connector}: shared rate-limit budget ${names.join(', ')} does not answer; each instance paces itself alone and together they may exceed the provider's limit`,
            resolvedMessage: `${connector}: shared rate-limit budgets answer again`,
          };
        });
      case 'credential-expiring': {
        const now = this.#sources.now();
        return [...this.#sources.connectors()].map((connector) => {
          const expiring = this.#sources.states.expiringCredentials(connector, now);
          const soonest = expiring.reduce<{ credential: string; expiresAt: number } | undefined>((a, b) => (!a || b.expiresAt < a.expiresAt ? b : a), undefined);
          const daysLeft = soonest ? Math.floor((soonest.expiresAt - now) / 86_400_000) : 0;
          return {
            key: connector, subject: connector, connector, value: daysLeft, trip: soonest !== undefined, recover: soonest === undefined, threshold: 0, recoverThreshold: 0,
            firingMessage: soonest
              ? `${connector}: credential "${soonest.credential}" expires ${new Date(soonest.expiresAt).toISOString()} (${daysLeft < 0 ? 'already expired' : `${daysLeft} days left`}); rotate it`
              : '',
            resolvedMessage: `${connector}: no credential is reported expiring any more`,
          };
        });
      }
      case 'dead-letter-queue': {
        const out: Observation[] = [];
        const recoverAt = rule.recoverAt ?? Math.floor(rule.above * 0.8);
        for (const [queue, depth] of this.#sources.queueDepths()) {
          if (rule.queue !== undefined && rule.queue !== queue) continue;
          out.push({
            key: queue, subject: `dead-letter queue "${queue}"`, queue, value: depth, trip: depth > rule.above, recover: depth <= recoverAt, threshold: rule.above, recoverThreshold: recoverAt,
            firingMessage: `dead-letter queue "${queue}" holds ${depth} item${depth === 1 ? '' : 's'} (alert above ${rule.above}); inspect and replay them`,
            resolvedMessage: `dead-letter queue "${queue}" is down to ${depth} item${depth === 1 ? '' : 's'}`,
          });
        }
        return out;
      }
    }
  }

  #observeWindows(rule: Extract<AlertRule, { kind: 'error-rate' | 'latency' }>): Observation[] {
    const windows = this.#sources.windows;
    if (!windows) return [];
    const out: Observation[] = [];
    for (const connector of this.#sources.connectors()) {
      const targets: (string | undefined)[] = rule.by === 'operation' ? windows.operations(connector) : [undefined];
      for (const operation of targets) {
        const stats = windows.stats(connector, operation);
        if (stats) out.push(judge(rule, connector, operation, stats));
      }
    }
    return out;
  }
}

const percent = (rate: number) => `${(rate * 100).toFixed(1)} %`;
const minutes = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`);

function judge(rule: Extract<AlertRule, { kind: 'error-rate' | 'latency' }>, connector: string, operation: string | undefined, stats: WindowStats): Observation {
  const subject = operation === undefined ? connector : `${connector} ${operation}`;
  const target = { key: operation === undefined ? connector : `${connector}\u0000${operation}`, subject, connector, ...(operation !== undefined ? { operation } : {}) };
  const minCalls = rule.minCalls ?? 20;
  if (rule.kind === 'error-rate') {
    const enough = stats.calls >= minCalls;
    const recoverBelow = rule.recoverBelow ?? rule.above * 0.8;
    const value = stats.errorRate;
    return {
      ...target, value, trip: enough && value > rule.above, recover: !enough || value < recoverBelow, threshold: rule.above, recoverThreshold: recoverBelow,
      firingMessage: `${subject}: ${percent(value)} of calls failed over the last ${minutes(stats.windowMs)} (${stats.failedCalls} of ${stats.calls}), above ${percent(rule.above)}`,
      resolvedMessage: `${subject}: error rate back to ${percent(value)} over the last ${minutes(stats.windowMs)} (${stats.failedCalls} of ${stats.calls})`,
    };
  }
  const percentile = rule.percentile ?? 95;
  const value = (percentile === 50 ? stats.p50Ms : percentile === 99 ? stats.p99Ms : stats.p95Ms) ?? 0;
  const enough = stats.attempts >= minCalls;
  const recoverBelow = rule.recoverBelowMs ?? rule.aboveMs * 0.8;
  return {
    ...target, value, trip: enough && value > rule.aboveMs, recover: !enough || value < recoverBelow, threshold: rule.aboveMs, recoverThreshold: recoverBelow,
    firingMessage: `${subject}: p${percentile} latency ${Math.round(value)} ms over the last ${minutes(stats.windowMs)} (${stats.attempts} attempts), above ${rule.aboveMs} ms`,
    resolvedMessage: `${subject}: p${percentile} latency back to ${Math.round(value)} ms over the last ${minutes(stats.windowMs)}`,
  };
}
