import type { InboxStore } from '@connectors/webhooks';
import type { SandboxStats, WebhookDeliveryResult } from '@connectors/testing/sandbox';
import type { AppStore } from '../store/app-store.ts';
import { type Check, compareRows, type Counts, plural, sum, webhookCounts } from '../report.ts';
import type { PageProgress } from '../sync/run-listing.ts';
import { type ExpectedRows, rowsAfterWebhooks } from './expected-state.ts';
import type { BurstEvent } from './webhook-burst.ts';

/** A page the demo saw committed, and in which run (1: before the interruption, 2: after the restart). */
export type PageRecord = PageProgress & { run: number };

/** Every table equal to what the sandbox serves: nothing missing, nothing extra, every column the same. */
export async function rowChecks(store: AppStore, expected: ExpectedRows, prefix = ''): Promise<Check[]> {
  return [
    compareRows(`${prefix}github issues`, expected.issues, await store.issues(), (row) => row.id),
    compareRows(`${prefix}stripe customers`, expected.customers, await store.customers(), (row) => row.id),
    compareRows(`${prefix}stripe payment intents`, expected.paymentIntents, await store.paymentIntents(), (row) => row.id),
  ];
}

/** The restart read on from the page after the last saved one, and no page was read twice or skipped. */
export function resumeCheck(pages: readonly PageRecord[], listing: string | undefined, stoppedAt: number | undefined, resumedAt: number | undefined): Check {
  if (!listing || stoppedAt === undefined) return { ok: false, label: 'resume: the first sync was never interrupted, so resuming was not shown' };
  const urls = pages.map((page) => `${page.listing} ${page.url} ${page.from}`);
  const repeated = urls.filter((url, i) => urls.indexOf(url) !== i);
  const listingPages = pages.filter((page) => page.listing === listing);
  const numbers = listingPages.map((page) => page.page);
  const contiguous = numbers.every((n, i) => n === i + 1);
  const ok = resumedAt === stoppedAt + 1 && repeated.length === 0 && contiguous && listingPages.at(-1)?.last === true;
  return {
    ok,
    label: `resume: the restart resumed ${listing} at page ${resumedAt ?? '?'} after the saved page ${stoppedAt}; all ${pages.length} pages read once each, none twice, none skipped`,
    ...(ok ? {} : { detail: `resumed at ${String(resumedAt)}, pages ${numbers.join(',')}, repeated: ${repeated.join(' | ') || 'none'}` }),
  };
}

/**
 * What the sandbox says it injected matches what the client's events saw, and no call failed. Run it
 * after the last call the app's clients make (the Slack part's included), so that it covers the same
 * calls as the report. `resolvedByApp`: calls that failed ambiguously and that the app itself resolved
 * (chat.postMessage failed in a way that may have posted: the app looked for its message before posting again).
 */
export function faultsCheck(c: Counts, stats: SandboxStats, resolvedByApp = 0): Check {
  const injected429 = stats.faults.rateLimit + stats.rateLimited;
  const injected5xx = stats.faults.serverError;
  const injected401 = stats.faults.tokenExpiry;
  const failed5xx = Object.entries(c.failures).filter(([status]) => status.startsWith('5')).reduce((a, [, n]) => a + n, 0);
  const seen5xx = c.retriesAfter5xx + failed5xx;
  // A request cut off by the simulated crash may have been answered with a fault the client never read.
  const within = (seen: number, injected: number) => seen <= injected && injected - seen <= c.aborted;
  const failed = sum(c.failures);
  const ok = failed === resolvedByApp && within(c.rateLimited, injected429) && within(seen5xx, injected5xx) && within(c.retriedAfter401, injected401);
  const unread = [[injected429 - c.rateLimited, '429'], [injected5xx - seen5xx, '503'], [injected401 - c.retriedAfter401, '401']].filter(([n]) => (n as number) > 0).map(([n, status]) => `${n} × ${status}`);
  return {
    ok,
    // The sandbox's tokenExpiry fault applies to its OAuth providers: in the demo, GitHub only (Slack's token_expired is the Slack provider's own).
    label: `faults absorbed: the sandbox sent ${injected429} × 429, ${injected5xx} × 503 and revoked ${plural(injected401, 'GitHub access token')} (401)${unread.length ? ` (not read: ${unread.join(', ')} answered to a call cut short by the simulated crash)` : ''}; the client retried every one${resolvedByApp ? ` but ${plural(resolvedByApp, 'ambiguous chat.postMessage failure')}, which the app resolved by looking for its message before posting again` : ''}, and no call failed for good`,
    ...(ok ? {} : { detail: `client saw ${c.rateLimited} × 429, ${seen5xx} × 5xx, ${c.retriedAfter401} × 401; failed calls ${JSON.stringify(c.failures)}, resolved by the app ${resolvedByApp}` }),
  };
}

/** Every refresh rotated the refresh token, and the sandbox never saw a spent one again (which would revoke them all). */
export function refreshCheck(c: Counts, stats: SandboxStats, other: { refreshes: number; reused: number } = { refreshes: 0, reused: 0 }): Check {
  const refreshes = sum(c.refreshes);
  // `other`: token endpoints outside the sandbox's OAuth server (Slack's oauth.v2.access is the Slack provider's own route).
  const ok = refreshes > 0 && stats.oauth.refreshes + other.refreshes === refreshes && stats.oauth.invalidGrants + other.reused === 0 && c.rotations === refreshes;
  return {
    ok,
    label: `token refresh: ${plural(refreshes, 'refresh', 'refreshes')}, each rotated the refresh token and stored it first; the sandbox saw no spent token reused (${stats.oauth.invalidGrants} invalid_grant)`,
    ...(ok ? {} : { detail: `sandbox refreshes ${stats.oauth.refreshes} + ${other.refreshes}, client ${refreshes}, rotations ${c.rotations}, invalid_grant ${stats.oauth.invalidGrants} + ${other.reused}` }),
  };
}

/** An event counts as accepted when at least one of its deliveries was correctly signed and answered 200. */
export function acceptedEvents(events: readonly BurstEvent[], deliveries: readonly WebhookDeliveryResult[]): BurstEvent[] {
  const ok = new Set(deliveries.filter((d) => !d.badSignature && d.status === 200).map((d) => d.id));
  return events.filter((event) => ok.has(String(event.event.id)));
}

/**
 * The webhook burst left exactly the effects of the accepted events, each applied once; badly signed
 * deliveries left no trace at all; the dead-letter queue holds the malformed payload and nothing else.
 */
export async function webhookChecks(
  appStore: AppStore,
  inboxStore: InboxStore,
  events: readonly BurstEvent[],
  deliveries: readonly WebhookDeliveryResult[],
  counts: Counts,
): Promise<Check[]> {
  // Only the burst's sources: the same inbox also serves Slack, whose deliveries are checked on their own.
  const c = webhookCounts(counts, [...new Set(events.map((e) => e.source))]);
  const accepted = acceptedEvents(events, deliveries);
  const effects = await appStore.webhookEffects();
  const applied = accepted.filter((e) => e.effect.kind !== 'dead-letter');
  const poison = accepted.filter((e) => e.effect.kind === 'dead-letter').map((e) => e.key);
  const effectKeys = effects.map((e) => e.key).sort();
  const appliedKeys = applied.map((e) => e.key).sort();
  const goodDuplicates = deliveries.filter((d) => d.duplicate && !d.badSignature).length;
  const bad = deliveries.filter((d) => d.badSignature);
  const traces: string[] = [];
  for (const event of events.filter((e) => !accepted.includes(e))) {
    if (effects.some((e) => e.key === event.key)) traces.push(`${event.key} applied`);
    if (await inboxStore.get(event.key)) traces.push(`${event.key} stored`);
  }
  const onceOk =
    JSON.stringify(effectKeys) === JSON.stringify(appliedKeys) && c.inbox.stored === accepted.length && c.worker.processed === applied.length && c.worker.deadLettered === poison.length && c.inbox.duplicate === goodDuplicates;
  const rejectedOk = c.inbox.rejected === bad.length && bad.every((d) => d.status === 401) && traces.length === 0;
  const deadOk = JSON.stringify([...c.worker.deadLetteredKeys].sort()) === JSON.stringify([...poison].sort());
  const rows = (await rowChecks(appStore, rowsAfterWebhooks(accepted), 'after the webhooks, ')).map((check) =>
    check.ok ? { ...check, label: check.label.replace("each equal to the sandbox's", "each equal to the sandbox's data plus the effect of every accepted event") } : check,
  );
  return [
    ...rows,
    {
      ok: onceOk,
      label: `idempotent: ${accepted.length} accepted events, ${applied.length} applied exactly once each and ${poison.length} dead-lettered; ${plural(goodDuplicates, 'duplicate delivery', 'duplicate deliveries')} acknowledged and dropped`,
      ...(onceOk ? {} : { detail: `effects ${effectKeys.length}, expected ${appliedKeys.length}, stored ${c.inbox.stored} of ${accepted.length}, processed ${c.worker.processed}, dead-lettered ${c.worker.deadLettered} of ${poison.length}, duplicates ${c.inbox.duplicate} of ${goodDuplicates}` }),
    },
    {
      ok: rejectedOk,
      label: `signatures: ${plural(bad.length, 'badly signed delivery', 'badly signed deliveries')} refused with 401; none was stored or applied`,
      ...(rejectedOk ? {} : { detail: `rejected ${c.inbox.rejected} of ${bad.length}; ${traces.join(', ') || `statuses ${bad.map((d) => d.status).join(',')}`}` }),
    },
    {
      ok: deadOk,
      label: `dead letters: exactly the ${plural(poison.length, 'malformed payload')} sent, nothing else`,
      ...(deadOk ? {} : { detail: `dead-lettered ${c.worker.deadLetteredKeys.join(', ') || 'none'}; expected ${poison.join(', ') || 'none'}` }),
    },
  ];
}

/** A dead letter needs a person: /health says degraded (still 200), not down. */
export function healthCheck(status: number, healthStatus: string, deadLetters: number): Check {
  const want = deadLetters > 0 ? 'degraded' : 'ok';
  const ok = status === 200 && healthStatus === want;
  return {
    ok,
    label: `/health answers 200 "${want}"${deadLetters > 0 ? ' (the dead letter needs a person: degraded, not down)' : ''}`,
    ...(ok ? {} : { detail: `got ${status} "${healthStatus}"` }),
  };
}

export function metricsCheck(status: number, text: string): Check {
  const ok = status === 200 && /connector_requests_total\{[^}]*connector="github"/.test(text) && /connector_requests_total\{[^}]*connector="stripe"/.test(text);
  return { ok, label: '/metrics exposes connector_requests_total for github and stripe', ...(ok ? {} : { detail: `status ${status}` }) };
}
