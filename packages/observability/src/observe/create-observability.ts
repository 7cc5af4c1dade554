import type { ConnectorEvent, EventListener } from '@connectors/core';
import { AlertMonitor } from '../alerts/alert-monitor.ts';
import { type Alert, type AlertRule, DEFAULT_ALERT_RULES } from '../alerts/alert-rules.ts';
import { ConnectorStates, type ProviderStatus } from '../health/connector-state.ts';
import {
  type AppHealth,
  type ConnectorHealth,
  connectorHealth,
  type HealthOptions,
  type HealthReason,
  sortReasons,
  worstStatus,
} from '../health/health-report.ts';
import { type CallLogOptions, createCallLog } from '../log/call-log.ts';
import { scrubSecrets } from '../log/scrub-secrets.ts';
import { CallWindows } from '../windows/call-windows.ts';
import type { WindowOptions, WindowPoint, WindowStats } from '../windows/rolling-window.ts';
import type { Instrumentation, Logger, ObservableClient } from './instrumentation.ts';

/** Reads how many items a dead-letter queue holds, e.g. `async () => (await worker.stats()).deadLettered`. */
export type DeadLetterProbe = () => number | Promise<number>;

export interface AlertOptions {
  /** Default `DEFAULT_ALERT_RULES`. The rules also decide `health()`. */
  rules?: readonly AlertRule[];
  /** Where alerts go: a pager, Slack, an incident tool. Called once per trip and once per recovery. */
  onAlert?: (alert: Alert) => void | Promise<void>;
}

export interface ObservabilityOptions {
  /** Writes the call log (pino, console...). Omit for no log. */
  logger?: Logger;
  /** What the call log includes. */
  log?: CallLogOptions;
  /** Metrics exporters, e.g. `prometheusExporter({ registry })`, `openTelemetryMetrics()`. */
  metrics?: Instrumentation | readonly Instrumentation[];
  /** A tracer, e.g. `openTelemetryTracing()`. */
  tracing?: Instrumentation;
  /** Rolling error-rate and latency windows; `false` turns them off (and with them the window-based rules). */
  windows?: WindowOptions | false;
  /** Alert rules and where alerts go; `false` turns alerting off (health then only reports direct signals). */
  alerts?: AlertOptions | false;
  /** Dead-letter queues to watch, by name; their depth feeds health, the `dead-letter-queue` rule and metrics. */
  deadLetterQueues?: Record<string, DeadLetterProbe>;
  health?: HealthOptions;
  /**
   * How often rules are evaluated and queues probed in the background, in ms. Default 10 000;
   * 0 for never (call `evaluate()` yourself). The timer is `unref`'d: it never keeps a process alive.
   */
  evaluateEveryMs?: number;
  /** A probe slower than this counts as failed. Default 5000 ms. */
  probeTimeoutMs?: number;
  /** Injectable time source for windows' ends, alerts and health. */
  clock?: { now(): number };
  /**
   * Providers' status pages, e.g. `createProviderStatusWatcher(...)`: an incident makes the
   * connector `degraded` (`provider-incident`); an unreachable status page changes nothing.
   */
  providerStatus?: { subscribe(listener: EventListener): () => void };
}

/** What one connector looks like right now: what a dashboard shows. */
export interface ConnectorSnapshot {
  connector: string;
  health: ConnectorHealth;
  /** The rolling window slot by slot, oldest first (empty when windows are off). */
  series: WindowPoint[];
  /** Each operation's window. */
  operations: { operation: string; window: WindowStats }[];
  /** Open and half-open circuits. */
  circuits: { host: string; state: 'open' | 'half-open'; since: string }[];
  /** Shared rate-limit budgets that do not answer. */
  sharedBudgets: { budget: string; since: string; reason: string | undefined }[];
  /** Waits the pacer imposed before sending, by reason, since the connector was first observed. */
  pacing: { reason: string; waits: number; waitMs: number }[];
  /** Responses the provider rate-limited, since first observed. */
  rateLimited: number;
  /** Credentials reported as expiring. */
  expiringCredentials: { credential: string; expiresAt: string }[];
  provider: ProviderStatus | undefined;
}

/** Everything `createObservability` knows now, for dashboards. */
export interface ObservabilitySnapshot {
  health: AppHealth;
  connectors: ConnectorSnapshot[];
  alerts: {
    firing: Alert[];
    /** The last alerts raised or resolved, newest first (at most 50). */
    recent: Alert[];
  };
}

/**
 * Observability for every client of an app: one call log, one set of windows, alert rules and a
 * health report across connectors. Create one per app, `observe()` each client.
 */
export interface Observability {
  /** Starts observing a client; returns a function that stops. */
  observe(client: ObservableClient): () => void;
  /** Health from what is known now (last queue depths read); runs the rules first. */
  health(): AppHealth;
  /** One connector's health, or undefined when it is not observed. */
  connectorHealth(connector: string): ConnectorHealth | undefined;
  /** Reads the dead-letter queues, evaluates the rules, then reports health. What `/health` handlers call. */
  checkHealth(): Promise<AppHealth>;
  /** Rolling statistics of a connector, or of one of its operations. */
  stats(connector: string, operation?: string): WindowStats | undefined;
  /** Alerts currently firing. */
  alerts(): Alert[];
  /** Health, windows slot by slot, circuits, budgets, pacing, provider status and recent alerts of every observed connector. */
  snapshot(): ObservabilitySnapshot;
  /** Reads the dead-letter queues and evaluates the rules now. */
  evaluate(): Promise<void>;
  /** Detaches every client and stops the background timer. */
  close(): void;
}

const RECENT_ALERTS = 50;

interface ProbeResult {
  depth?: number;
  error?: string;
}

/**
 * Creates the app's observability registry.
 *
 * @example
 * const observability = createObservability({ logger: pino(), metrics: prometheusExporter({ registry }) });
 * observability.observe(github.client);
 */
export function createObservability(options: ObservabilityOptions = {}): Observability {
  const now = options.clock ? () => options.clock!.now() : Date.now;
  const windows = options.windows === false ? undefined : new CallWindows(options.windows ?? {}, now);
  const states = new ConnectorStates();
  const callLog = options.logger ? createCallLog(options.logger, options.log) : undefined;
  const instrumentations: Instrumentation[] = [
    ...(options.metrics === undefined ? [] : Array.isArray(options.metrics) ? options.metrics : [options.metrics as Instrumentation]),
    ...(options.tracing ? [options.tracing] : []),
  ];
  const probes = Object.entries(options.deadLetterQueues ?? {});
  for (const [name, probe] of probes) {
    if (typeof probe !== 'function') throw new TypeError(`deadLetterQueues.${name} must be a function returning the queue depth; got ${typeof probe}`);
  }
  const probeResults = new Map<string, ProbeResult>();
  const evaluateEveryMs = options.evaluateEveryMs ?? 10_000;
  const probeTimeoutMs = options.probeTimeoutMs ?? 5000;
  if (!(evaluateEveryMs >= 0)) throw new TypeError(`evaluateEveryMs must be a number of milliseconds >= 0; got ${String(evaluateEveryMs)}`);
  const observed = new Map<string, number>();
  const detachers = new Set<() => void>();

  const recentAlerts: Alert[] = [];
  const alertOptions = options.alerts === false ? undefined : (options.alerts ?? {});
  const logger = options.logger;
  const monitor = alertOptions
    ? new AlertMonitor(
        alertOptions.rules ?? DEFAULT_ALERT_RULES,
        {
          windows,
          states,
          connectors: () => observed.keys(),
          queueDepths: () => {
            const depths = new Map<string, number>();
            for (const [queue, result] of probeResults) if (result.depth !== undefined) depths.set(queue, result.depth);
            return depths;
          },
          now,
        },
        (alert) => {
          recentAlerts.unshift(alert);
          if (recentAlerts.length > RECENT_ALERTS) recentAlerts.length = RECENT_ALERTS;
          if (logger) {
            logger[alert.state === 'resolved' ? 'info' : alert.severity === 'down' ? 'error' : 'warn']({ event: 'alert', ...alert }, `alert ${alert.state}`);
          }
          const delivered = alertOptions.onAlert?.(alert);
          if (delivered && typeof delivered.catch === 'function') delivered.catch(() => {});
        },
      )
    : undefined;

  let timer: ReturnType<typeof setInterval> | undefined;
  let probing: Promise<void> | undefined;

  const probeQueues = (): Promise<void> => {
    if (probes.length === 0) return Promise.resolve();
    probing ??= Promise.all(
      probes.map(async ([queue, probe]) => {
        let timeout: ReturnType<typeof setTimeout> | undefined;
        try {
          const depth = await Promise.race([
            Promise.resolve().then(probe),
            new Promise<never>((_, reject) => {
              timeout = setTimeout(() => reject(new Error(`no answer within ${probeTimeoutMs} ms`)), probeTimeoutMs);
            }),
          ]);
          if (typeof depth !== 'number' || !(depth >= 0)) throw new Error(`the probe returned ${String(depth)}, not a depth >= 0`);
          probeResults.set(queue, { depth });
          for (const instrumentation of instrumentations) instrumentation.recordDeadLetterDepth?.(queue, depth);
        } catch (error) {
          const previous = probeResults.get(queue);
          probeResults.set(queue, { ...(previous?.depth !== undefined ? { depth: previous.depth } : {}), error: scrubSecrets(error instanceof Error ? error.message : String(error)) });
        } finally {
          clearTimeout(timeout);
        }
      }),
    ).then(() => {
      probing = undefined;
    });
    return probing;
  };

  const evaluate = async (): Promise<void> => {
    await probeQueues();
    monitor?.evaluate();
  };

  const startTimer = () => {
    if (timer || evaluateEveryMs === 0 || (!monitor && probes.length === 0)) return;
    timer = setInterval(() => void evaluate(), evaluateEveryMs);
    timer.unref?.();
  };

  const healthOf = (connector: string, firing: readonly Alert[]): ConnectorHealth =>
    connectorHealth(connector, states.get(connector), windows?.stats(connector), firing, options.health ?? {});

  const health = (): AppHealth => {
    monitor?.evaluate();
    const firing = monitor?.firing() ?? [];
    const connectors: Record<string, ConnectorHealth> = {};
    const reasons: HealthReason[] = [];
    for (const connector of observed.keys()) {
      const report = healthOf(connector, firing);
      connectors[connector] = report;
      reasons.push(...report.reasons);
    }
    const deadLetterQueues: Record<string, number> = {};
    for (const [queue, result] of probeResults) {
      if (result.depth !== undefined) deadLetterQueues[queue] = result.depth;
      if (result.error !== undefined) {
        reasons.push({ code: 'probe-failed', severity: 'degraded', queue, message: `dead-letter queue "${queue}": could not read its depth (${result.error})` });
      }
    }
    for (const alert of firing) {
      if (alert.connector === undefined) {
        reasons.push({ code: alert.kind, severity: alert.severity, ...(alert.queue !== undefined ? { queue: alert.queue } : {}), message: alert.message });
      }
    }
    sortReasons(reasons);
    return { status: worstStatus(reasons), checkedAt: new Date(now()).toISOString(), reasons, connectors, deadLetterQueues };
  };

  const stopProviderStatus = options.providerStatus?.subscribe((event) => {
    if (event.type !== 'provider-status') return;
    states.record(event);
    callLog?.(event);
  });

  const iso = (time: number) => new Date(time).toISOString();
  const snapshot = (): ObservabilitySnapshot => {
    const report = health();
    const connectors: ConnectorSnapshot[] = [];
    for (const connector of observed.keys()) {
      const state = states.get(connector);
      connectors.push({
        connector,
        health: report.connectors[connector]!,
        series: windows?.series(connector) ?? [],
        operations: (windows?.operations(connector) ?? []).map((operation) => ({ operation, window: windows!.stats(connector, operation)! })),
        circuits: [...state.circuits].map(([host, c]) => ({ host, state: c.state, since: iso(c.since) })),
        sharedBudgets: [...state.sharedBudgets].map(([budget, b]) => ({ budget, since: iso(b.since), reason: b.reason })),
        pacing: [...state.pacing].map(([reason, p]) => ({ reason, waits: p.waits, waitMs: p.waitMs })),
        rateLimited: state.rateLimited,
        expiringCredentials: states.expiringCredentials(connector, now()).map((c) => ({ credential: c.credential, expiresAt: iso(c.expiresAt) })),
        provider: state.provider,
      });
    }
    return { health: report, connectors, alerts: { firing: monitor?.firing() ?? [], recent: [...recentAlerts] } };
  };

  return {
    observe(client) {
      if (!client || typeof client.subscribe !== 'function' || typeof client.connector !== 'string') {
        throw new TypeError('observe(client): expected a connector client with `connector` and `subscribe(listener)` (an HttpClient from @connectors/core)');
      }
      const record = (event: ConnectorEvent) => {
        callLog?.(event);
        windows?.record(event);
        states.record(event);
        // Circuit, credential and shared-budget changes are rare and urgent: judge them now, not at the next tick.
        if (monitor && (event.type === 'circuit' || event.type === 'credential-expiring' || event.type === 'shared-budget')) monitor.evaluate();
      };
      const stops = [client.subscribe(record), ...instrumentations.map((i) => i.instrument(client))];
      observed.set(client.connector, (observed.get(client.connector) ?? 0) + 1);
      startTimer();
      let detached = false;
      const detach = () => {
        if (detached) return;
        detached = true;
        detachers.delete(detach);
        for (const stop of stops) stop();
        const count = (observed.get(client.connector) ?? 1) - 1;
        if (count > 0) observed.set(client.connector, count);
        else observed.delete(client.connector);
      };
      detachers.add(detach);
      return detach;
    },
    health,
    connectorHealth(connector) {
      if (!observed.has(connector)) return undefined;
      monitor?.evaluate();
      return healthOf(connector, monitor?.firing() ?? []);
    },
    async checkHealth() {
      await probeQueues();
      return health();
    },
    stats: (connector, operation) => windows?.stats(connector, operation),
    alerts: () => monitor?.firing() ?? [],
    snapshot,
    evaluate,
    close() {
      stopProviderStatus?.();
      for (const detach of [...detachers]) detach();
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
