import type { ConnectorEvent, EventListener } from '@connectors/core';
import type { SandboxStats } from '@connectors/testing/sandbox';
import type { WebhookInboxEvent, WebhookWorkerEvent } from '@connectors/webhooks';

/** Everything the report counts, from the connectors' typed events and the inbox's and worker's events. */
export interface Counts {
  /** Calls made (first attempts), by connector. */
  calls: Record<string, number>;
  /** HTTP attempts that got an answer or failed, by connector. */
  attempts: Record<string, number>;
  retries: number;
  retriesAfter429: number;
  retriesAfter5xx: number;
  /** Milliseconds slept before retries the server timed (Retry-After). */
  serverDelayMs: number;
  /** 429s received (`rate-limited` events). */
  rateLimited: number;
  /** Calls that waited for rate-limit budget before being sent. */
  throttled: number;
  throttledMs: number;
  /** Token refreshes by reason (`missing`: the first token, `unauthorized`: after a 401, `expiring`: before expiry). */
  refreshes: Record<string, number>;
  /** Refreshes that rotated the refresh token (the new one was stored before use). */
  rotations: number;
  /** 401s answered by refreshing the token and retrying once. */
  retriedAfter401: number;
  /** Calls that failed for good, by status (`none`: no response), aborts excluded. */
  failures: Record<string, number>;
  aborted: number;
  /** Retries (after a 429, a 5xx or a 401), by connector: they add up to `retries + retriedAfter401`. */
  retriesBy: Record<string, number>;
  /** Token refreshes by connector, then by reason: they add up to `refreshes`. */
  refreshesBy: Record<string, Record<string, number>>;
  /** All webhook sources together (the app's inbox serves GitHub, Stripe and Slack). */
  inbox: InboxCounts;
  worker: WorkerCounts;
  deadLetteredKeys: string[];
  /** The same, per webhook source (`github`, `stripe`, `slack`): what a line about some sources must count. */
  inboxBySource: Record<string, InboxCounts>;
  workerBySource: Record<string, WorkerCounts & { deadLetteredKeys: string[] }>;
}

export interface InboxCounts {
  stored: number;
  duplicate: number;
  rejected: number;
  storeFailed: number;
}

export interface WorkerCounts {
  processed: number;
  retried: number;
  deadLettered: number;
  duplicate: number;
}

const emptyInbox = (): InboxCounts => ({ stored: 0, duplicate: 0, rejected: 0, storeFailed: 0 });
const emptyWorker = (): WorkerCounts => ({ processed: 0, retried: 0, deadLettered: 0, duplicate: 0 });

function emptyCounts(): Counts {
  return {
    calls: {}, attempts: {}, retries: 0, retriesAfter429: 0, retriesAfter5xx: 0, serverDelayMs: 0, rateLimited: 0, throttled: 0, throttledMs: 0,
    refreshes: {}, rotations: 0, retriedAfter401: 0, failures: {}, aborted: 0,
    retriesBy: {}, refreshesBy: {},
    inbox: emptyInbox(),
    worker: emptyWorker(),
    deadLetteredKeys: [],
    inboxBySource: {},
    workerBySource: {},
  };
}

/** The inbox's and the worker's counts for these webhook sources only, added up. */
export function webhookCounts(c: Counts, sources: readonly string[]): { inbox: InboxCounts; worker: WorkerCounts & { deadLetteredKeys: string[] } } {
  const inbox = emptyInbox();
  const worker = { ...emptyWorker(), deadLetteredKeys: [] as string[] };
  for (const source of sources) {
    const i = c.inboxBySource[source];
    const w = c.workerBySource[source];
    if (i) for (const key of Object.keys(inbox) as (keyof InboxCounts)[]) inbox[key] += i[key];
    if (w) {
      for (const key of Object.keys(emptyWorker()) as (keyof WorkerCounts)[]) worker[key] += w[key];
      worker.deadLetteredKeys.push(...w.deadLetteredKeys);
    }
  }
  return { inbox, worker };
}

const bump = (record: Record<string, number>, key: string, by = 1) => {
  record[key] = (record[key] ?? 0) + by;
};

export const sum = (record: Record<string, number>): number => Object.values(record).reduce((a, b) => a + b, 0);

/**
 * Counts what happened, only from events: nothing is inferred from timings or guessed from the
 * sandbox's side. `mark()`/`since()` give what happened between two progress lines.
 */
export class Tally {
  readonly counts: Counts = emptyCounts();

  readonly onEvent: EventListener = (event: ConnectorEvent) => {
    const c = this.counts;
    switch (event.type) {
      case 'request':
        if (event.attempt === 1) bump(c.calls, event.connector);
        break;
      case 'response':
        bump(c.attempts, event.connector);
        if (event.status === 401 && event.outcome === 'retry') {
          c.retriedAfter401++;
          bump(c.retriesBy, event.connector);
        }
        break;
      case 'retry':
        c.retries++;
        bump(c.retriesBy, event.connector);
        if (event.status === 429) c.retriesAfter429++;
        else if (event.status !== undefined && event.status >= 500) c.retriesAfter5xx++;
        if (event.delaySource === 'server') c.serverDelayMs += event.delayMs;
        break;
      case 'rate-limited':
        c.rateLimited++;
        break;
      case 'throttled':
        c.throttled++;
        c.throttledMs += event.waitMs;
        break;
      case 'token-refreshed':
        if (!event.shared) {
          bump(c.refreshes, event.reason);
          bump((c.refreshesBy[event.connector] ??= {}), event.reason);
        }
        if (event.rotated) c.rotations++;
        break;
      case 'give-up':
        // core's AbortedError (named AbortError before #14), or the platform's AbortError.
        if (event.error === 'AbortedError' || event.error === 'AbortError') c.aborted++;
        else bump(c.failures, event.status === undefined ? 'none' : String(event.status));
        break;
      default:
        break;
    }
  };

  readonly onInboxEvent = (event: WebhookInboxEvent): void => {
    if (event.type === 'handshake') return;
    const field = event.type === 'store-failed' ? 'storeFailed' : event.type;
    this.counts.inbox[field]++;
    (this.counts.inboxBySource[event.source] ??= emptyInbox())[field]++;
  };

  readonly onWorkerEvent = (event: WebhookWorkerEvent): void => {
    if (event.type !== 'processed' && event.type !== 'retried' && event.type !== 'duplicate' && event.type !== 'dead-lettered') return;
    const field = event.type === 'dead-lettered' ? 'deadLettered' : event.type;
    const bySource = (this.counts.workerBySource[event.source] ??= { ...emptyWorker(), deadLetteredKeys: [] });
    this.counts.worker[field]++;
    bySource[field]++;
    if (event.type === 'dead-lettered') {
      this.counts.deadLetteredKeys.push(event.key);
      bySource.deadLetteredKeys.push(event.key);
    }
  };

  mark(): Counts {
    return structuredClone(this.counts);
  }

  /** A short note of what the calls went through since `mark`, e.g. `1 × 429 waited out, 2 × 503 retried`. */
  notesSince(mark: Counts): string {
    const c = this.counts;
    const notes: string[] = [];
    const d429 = c.retriesAfter429 - mark.retriesAfter429;
    const d5xx = c.retriesAfter5xx - mark.retriesAfter5xx;
    const d401 = c.retriedAfter401 - mark.retriedAfter401;
    const dThrottled = c.throttled - mark.throttled;
    if (d429) notes.push(`${d429} × 429, waited ${seconds(c.serverDelayMs - mark.serverDelayMs)} as told`);
    if (d5xx) notes.push(`${d5xx} × 503 retried`);
    if (d401) notes.push(`token revoked → refreshed, retried`);
    if (dThrottled) notes.push(`${dThrottled} paced (${seconds(c.throttledMs - mark.throttledMs)})`);
    return notes.join('; ');
  }
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** One line of the report's verdict. */
export interface Check {
  ok: boolean;
  label: string;
  /** Why it failed, when it did. */
  detail?: string;
}

/** Compares rows by key, every column; says what differs first. */
export function compareRows<K, R extends object>(label: string, expected: ReadonlyMap<K, R>, actual: readonly R[], keyOf: (row: R) => K): Check {
  const problems: string[] = [];
  const seen = new Set<K>();
  for (const row of actual) {
    const key = keyOf(row);
    seen.add(key);
    const want = expected.get(key);
    if (!want) {
      problems.push(`unexpected row ${String(key)}`);
      continue;
    }
    for (const [column, value] of Object.entries(want)) {
      const got = (row as Record<string, unknown>)[column];
      if (got !== value) problems.push(`${String(key)}.${column}: expected ${JSON.stringify(value)}, got ${JSON.stringify(got)}`);
    }
  }
  for (const key of expected.keys()) if (!seen.has(key)) problems.push(`missing row ${String(key)}`);
  return problems.length === 0
    ? { ok: true, label: `${label}: ${actual.length} rows, each equal to the sandbox's, none missing, none extra` }
    : { ok: false, label: `${label}: ${problems.length} difference${problems.length > 1 ? 's' : ''}`, detail: problems.slice(0, 5).join('; ') };
}

export function formatChecks(checks: readonly Check[]): string[] {
  const lines = checks.map((check) => `  ${check.ok ? '✓' : '✗'} ${check.label}${check.ok || !check.detail ? '' : `\n      ${check.detail}`}`);
  const failed = checks.filter((check) => !check.ok).length;
  lines.push('', failed === 0 ? `All ${checks.length} checks passed.` : `${failed} of ${checks.length} checks FAILED.`);
  return lines;
}

/** One webhook source's (or several sources') deliveries, and what the inbox and worker did with them. */
export interface WebhookSummary {
  events: number;
  deliveries: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  deadLettered: number;
  applied: number;
}

/** A summary of the webhook traffic of `sources`, from the same per-source counters the checks read. */
export function webhookSummary(c: Counts, sources: readonly string[], sent: { events: number; deliveries: number }): WebhookSummary {
  const { inbox, worker } = webhookCounts(c, sources);
  return { ...sent, accepted: inbox.stored, duplicates: inbox.duplicate, rejected: inbox.rejected, deadLettered: worker.deadLettered, applied: worker.processed };
}

/** What the demo found; `ok` is true when every check passed. Written as JSON with `--report`. */
export interface DemoReport {
  ok: boolean;
  checks: Check[];
  counts: Counts;
  sandbox: SandboxStats;
  resume: { interruptedAfterPage: number | undefined; resumedAtPage: number | undefined; listing: string | undefined };
  /**
   * The GitHub/Stripe webhook burst (`sources`), counted from the inbox's and worker's events of those
   * sources only: `accepted` stored by the inbox, `applied` + `deadLettered` by the worker,
   * `duplicates` acknowledged and dropped, `rejected` refused (bad signature).
   */
  webhooks: WebhookSummary & { sources: string[] };
  health: { status: number; body: unknown };
  /**
   * The Slack part, when Slack is configured: its own webhook counts (source `slack`), the messages
   * posted and the posts that failed ambiguously (the app looked for its message before posting
   * again), and the Slack sandbox's counters.
   */
  slack?: WebhookSummary & { posted: number; postFailures: number; tokenExpired: number; refreshes: number; tierLimited: Record<string, number> };
  /**
   * SQLite mode (the default): the app's database file; the webhook inboxes and token stores are
   * files beside it. Absent with `--postgres`, where no SQLite file is created.
   */
  databasePath?: string;
  /** PostgreSQL mode (`--postgres`): the throwaway database the demo ran on (dropped at the end) and its schemas. */
  postgres?: { database: string; appSchema: string; connectorsSchema: string };
  logPath: string;
  elapsedMs: number;
}

/** In this order in the report. `unauthorized`: a 401 (GitHub) or `token_expired` (Slack) answered by refreshing. */
const REFRESH_REASONS: Record<string, string> = {
  missing: 'for the first token',
  expiring: 'before expiry',
  unauthorized: 'after the server refused the access token mid-run',
  forced: 'on request',
};

const byName = (record: Record<string, number>): string =>
  Object.keys(record).sort().map((name) => `${name} ${record[name]}`).join(', ');

function refreshReasons(reasons: Record<string, number>): string {
  const order = Object.keys(REFRESH_REASONS);
  return Object.entries(reasons)
    .sort(([a], [b]) => (order.indexOf(a) + 1 || order.length + 1) - (order.indexOf(b) + 1 || order.length + 1))
    .map(([reason, n]) => `${n} ${REFRESH_REASONS[reason] ?? reason}`)
    .join(', ');
}

function webhookLine(w: WebhookSummary, to: string): string {
  return `${w.events} events in ${w.deliveries} deliveries to ${to}: ${w.accepted} accepted (${w.applied} applied, ${w.deadLettered} dead-lettered), ${plural(w.duplicates, 'duplicate')} dropped, ${w.rejected} rejected (bad signature)`;
}

/**
 * The numbers a person reads first. Each is what its label says: the counts are the app's own clients'
 * (by connector where a line names connectors), and each webhook line counts its own sources only.
 * `summary-agreement.ts` holds them against the checks.
 */
export function summaryLines(report: DemoReport): string[] {
  const c = report.counts;
  const connectors = Object.keys(c.calls).sort();
  const refreshes = sum(c.refreshes);
  const refreshesBy = Object.keys(c.refreshesBy).sort().map((name) => `${name} ${refreshReasons(c.refreshesBy[name]!)}`).join('; ');
  const failed = sum(c.failures);
  const resolved = report.slack?.postFailures ?? 0;
  const w = report.webhooks;
  const r = report.resume;
  const s = report.slack;
  return [
    `counted           the app's own clients (${connectors.join(', ')}) and its webhook inbox; the Shopify and HubSpot parts count theirs above`,
    `API calls         ${plural(sum(c.calls), 'call')} (${byName(c.calls)}), ${plural(sum(c.attempts), 'HTTP attempt')}`,
    `retries           ${c.retries + c.retriedAfter401} (${c.retriesAfter429} after a 429, ${c.retriesAfter5xx} after a 503, ${c.retriedAfter401} after a 401 with a fresh token)${Object.keys(c.retriesBy).length ? `: ${byName(c.retriesBy)}` : ''}`,
    `429s absorbed     ${c.rateLimited - (c.failures['429'] ?? 0)} of ${c.rateLimited} (waited ${seconds(c.serverDelayMs)} in total, as Retry-After asked)`,
    `throttled waits   ${c.throttled}${c.throttled ? ` (${seconds(c.throttledMs)} waiting for rate-limit budget before sending)` : ' (one call at a time stayed within every limit; the pacer never had to hold one back)'}`,
    `token refreshes   ${refreshes} (the refresh token rotated ${plural(c.rotations, 'time')})${refreshesBy ? `: ${refreshesBy}` : ''}`,
    `failed calls      ${failed}${resolved ? ` (${resolved} of them chat.postMessage, which may have posted: the app looked for its message in the channel before posting again)` : ''}${c.aborted ? ` (plus ${c.aborted} cut short by the simulated crash)` : ''}`,
    `webhooks          ${webhookLine(w, w.sources.map((source) => `/webhooks/${source}`).join(' and '))}`,
    `resume            ${r.listing ? `stopped after page ${r.interruptedAfterPage} of ${r.listing}; the restart resumed at page ${r.resumedAtPage ?? '?'}` : 'the sync was not interrupted'}`,
    ...(s
      ? [`slack             ${plural(s.posted, 'message')} posted; ${webhookLine(s, '/webhooks/slack')}; ${plural(s.tokenExpired, 'token')} expired mid-run and rotated, ${plural(sum(s.tierLimited), 'tier limit')} met`]
      : []),
    `elapsed           ${seconds(report.elapsedMs)}`,
  ];
}
