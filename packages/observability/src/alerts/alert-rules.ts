/** How bad a firing rule makes the health of what it watches. */
export type Severity = 'degraded' | 'down';

/** Timing and naming shared by every rule. */
export interface RuleBase {
  /** Unique among the rules; appears in alerts. Default: the rule's `kind`. */
  name?: string;
  /** Health status while the alert fires. Default `degraded` (`down` for `circuit-open`). */
  severity?: Severity;
  /** The condition must hold this long before the alert fires. Default 0. */
  forMs?: number;
  /**
   * The recovery condition must hold this long before the alert resolves. Default 60 s: together
   * with the lower recovery threshold, this keeps a value hovering at the threshold from flapping.
   */
  recoverForMs?: number;
}

/** Fires when the share of failed calls in the rolling window exceeds `above`. */
export interface ErrorRateRule extends RuleBase {
  kind: 'error-rate';
  /** A fraction: 0.05 is 5 %. */
  above: number;
  /** Resolves only once the rate is below this. Default `above * 0.8`. */
  recoverBelow?: number;
  /** Fewer finished calls in the window than this never fire (one failure of two is not a signal). Default 20. */
  minCalls?: number;
  /** Watch each connector as a whole, or each operation. Default `connector`. */
  by?: 'connector' | 'operation';
}

/** Fires when a latency percentile of attempts in the rolling window exceeds `aboveMs`. */
export interface LatencyRule extends RuleBase {
  kind: 'latency';
  /** Default 95. */
  percentile?: 50 | 95 | 99;
  aboveMs: number;
  /** Default `aboveMs * 0.8`. */
  recoverBelowMs?: number;
  /** Fewer attempts in the window than this never fire. Default 20. */
  minCalls?: number;
  by?: 'connector' | 'operation';
}

/** Fires while any circuit of a connector is open. */
export interface CircuitOpenRule extends RuleBase {
  kind: 'circuit-open';
}

/**
 * Fires while a shared (cross-process) rate-limit budget of a connector does not answer (the
 * client's `shared-budget` events): every instance then paces itself alone.
 */
export interface SharedBudgetRule extends RuleBase {
  kind: 'shared-budget-unavailable';
}

/** Fires while a connector's credential is reported expiring (the client's `credential-expiring` events). */
export interface CredentialExpiringRule extends RuleBase {
  kind: 'credential-expiring';
}

/** Fires when a dead-letter queue (read by a probe in `deadLetterQueues`) holds more than `above` items. */
export interface DeadLetterQueueRule extends RuleBase {
  kind: 'dead-letter-queue';
  /** The probe's name in `deadLetterQueues`. Default: every probed queue. */
  queue?: string;
  above: number;
  /** Resolves once the depth is at or below this. Default `above * 0.8`, rounded down (0 for `above: 0`). */
  recoverAt?: number;
}

export type AlertRule = ErrorRateRule | LatencyRule | CircuitOpenRule | SharedBudgetRule | CredentialExpiringRule | DeadLetterQueueRule;

/**
 * The rules used when none are given: they also drive `health()`. Error rate and latency only
 * degrade health; a provider's bad minutes should not take your instances out of the load
 * balancer. An open circuit is `down`.
 */
export const DEFAULT_ALERT_RULES: readonly AlertRule[] = [
  { kind: 'error-rate', above: 0.1, minCalls: 20 },
  { kind: 'latency', percentile: 95, aboveMs: 5000, minCalls: 20 },
  { kind: 'circuit-open', severity: 'down' },
  { kind: 'shared-budget-unavailable' },
  { kind: 'credential-expiring' },
];

/** Fired once when a rule trips and once when it recovers. */
export interface Alert {
  /** The rule's name. */
  rule: string;
  kind: AlertRule['kind'];
  state: 'firing' | 'resolved';
  severity: Severity;
  /** Absent for a dead-letter queue alert. */
  connector?: string;
  /** Present when the rule watches operations (`by: 'operation'`). */
  operation?: string;
  queue?: string;
  /** The measured value: a rate (0-1), ms, open circuits, unanswering shared budgets, days left or queue depth. */
  value: number;
  /** The threshold the value crossed: the trip threshold when firing, the recovery one when resolved. */
  threshold: number;
  /** A sentence for people, free of secrets. */
  message: string;
  /** When the condition (firing) or the recovery (resolved) started, ms since the epoch. */
  since: number;
  /** When the alert was raised, ms since the epoch. */
  time: number;
}

const KINDS = new Set<AlertRule['kind']>(['error-rate', 'latency', 'circuit-open', 'shared-budget-unavailable', 'credential-expiring', 'dead-letter-queue']);

/** Checks rules up front so a typo fails at startup, not silently at the first incident. */
export function validateRules(rules: readonly AlertRule[]): void {
  const names = new Set<string>();
  for (const rule of rules) {
    const name = rule.name ?? rule.kind;
    const fail = (what: string) => new TypeError(`alert rule "${name}": ${what}`);
    if (!KINDS.has(rule.kind)) throw fail(`unknown kind ${JSON.stringify(rule.kind)}; use one of ${[...KINDS].join(', ')}`);
    if (names.has(name)) throw fail('two rules have this name; give each rule of the same kind a distinct `name`');
    names.add(name);
    for (const key of ['forMs', 'recoverForMs'] as const) {
      const value = rule[key];
      if (value !== undefined && !(value >= 0)) throw fail(`${key} must be a number of milliseconds >= 0; got ${String(value)}`);
    }
    if (rule.kind === 'error-rate') {
      if (!(rule.above >= 0 && rule.above < 1)) throw fail(`above is a fraction in [0, 1) (0.05 means 5 %); got ${String(rule.above)}`);
      if (rule.recoverBelow !== undefined && !(rule.recoverBelow <= rule.above)) throw fail('recoverBelow must not be above `above`');
    }
    if (rule.kind === 'latency') {
      if (!(rule.aboveMs > 0)) throw fail(`aboveMs must be a positive number of milliseconds; got ${String(rule.aboveMs)}`);
      if (rule.percentile !== undefined && ![50, 95, 99].includes(rule.percentile)) throw fail('percentile must be 50, 95 or 99');
      if (rule.recoverBelowMs !== undefined && !(rule.recoverBelowMs <= rule.aboveMs)) throw fail('recoverBelowMs must not be above aboveMs');
    }
    if (rule.kind === 'dead-letter-queue') {
      if (!(rule.above >= 0)) throw fail(`above must be a number >= 0; got ${String(rule.above)}`);
      if (rule.recoverAt !== undefined && !(rule.recoverAt >= 0 && rule.recoverAt <= rule.above)) throw fail('recoverAt must be between 0 and `above`');
    }
  }
}
