import { describe, expect, it } from 'vitest';
import { compareRows, type DemoReport, formatChecks, summaryLines, Tally, webhookCounts, webhookSummary } from './report.ts';

describe('compareRows', () => {
  const expected = new Map([
    ['a', { id: 'a', email: 'a@example.com' }],
    ['b', { id: 'b', email: 'b@example.com' }],
  ]);

  it('passes only on the same rows with the same values', () => {
    expect(compareRows('customers', expected, [{ id: 'a', email: 'a@example.com' }, { id: 'b', email: 'b@example.com' }], (r) => r.id).ok).toBe(true);
  });

  it('names a changed column, a missing row and an extra row', () => {
    const check = compareRows('customers', expected, [{ id: 'a', email: 'A@example.com' }, { id: 'c', email: null as unknown as string }], (r) => r.id);
    expect(check.ok).toBe(false);
    expect(check.label).toBe('customers: 3 differences');
    expect(check.detail).toBe('a.email: expected "a@example.com", got "A@example.com"; unexpected row c; missing row b');
  });
});

describe('formatChecks', () => {
  it('marks each check and ends with the verdict', () => {
    expect(formatChecks([{ ok: true, label: 'one' }, { ok: false, label: 'two', detail: 'why' }])).toEqual(['  ✓ one', '  ✗ two\n      why', '', '1 of 2 checks FAILED.']);
  });
});

describe('Tally', () => {
  it('counts calls, retries, 429s, refreshes and aborts from events', () => {
    const tally = new Tally();
    const base = { connector: 'github', operation: 'issues.list', time: 0, callId: 'c1' };
    tally.onEvent({ ...base, type: 'request', method: 'GET', route: '/x', attempt: 1 });
    tally.onEvent({ ...base, type: 'rate-limited', status: 429, retryAfterMs: 1000 });
    tally.onEvent({ ...base, type: 'retry', attempt: 1, delayMs: 1000, reason: 'rate limited', delaySource: 'server', status: 429 });
    tally.onEvent({ ...base, type: 'request', method: 'GET', route: '/x', attempt: 2 });
    tally.onEvent({ ...base, type: 'response', method: 'GET', route: '/x', attempt: 2, status: 401, durationMs: 1, outcome: 'retry' });
    tally.onEvent({ ...base, type: 'token-refreshed', reason: 'unauthorized', rotated: true });
    tally.onEvent({ ...base, type: 'give-up', attempts: 3, error: 'AbortError', reason: 'the caller aborted the call', retryable: false });
    expect(tally.counts).toMatchObject({
      calls: { github: 1 }, attempts: { github: 1 }, rateLimited: 1, retries: 1, retriesAfter429: 1, serverDelayMs: 1000,
      retriedAfter401: 1, refreshes: { unauthorized: 1 }, rotations: 1, aborted: 1, failures: {},
    });
  });
});

describe('Tally by webhook source and by connector, and the summary built from it', () => {
  // One inbox serves GitHub, Stripe and Slack: a line about the GitHub/Stripe burst must not count Slack's deliveries.
  function run(): Tally {
    const tally = new Tally();
    const t = { time: 0 };
    const stored = (source: string, key: string) => tally.onInboxEvent({ ...t, type: 'stored', source, key, eventType: undefined, secretIndex: 0 });
    stored('github', 'github:1');
    stored('github', 'github:2');
    stored('stripe', 'stripe:1');
    stored('slack', 'slack:1');
    stored('slack', 'slack:2');
    tally.onInboxEvent({ ...t, type: 'duplicate', source: 'github', key: 'github:1' });
    tally.onInboxEvent({ ...t, type: 'duplicate', source: 'slack', key: 'slack:1' });
    tally.onInboxEvent({ ...t, type: 'rejected', source: 'stripe', status: 401, reason: 'signature-mismatch' });
    tally.onInboxEvent({ ...t, type: 'rejected', source: 'slack', status: 401, reason: 'signature-mismatch' });
    tally.onInboxEvent({ ...t, type: 'handshake', source: 'slack' });
    const processed = (source: string, key: string) => tally.onWorkerEvent({ ...t, type: 'processed', source, key, eventType: undefined, attempt: 1, durationMs: 1 });
    processed('github', 'github:1');
    processed('stripe', 'stripe:1');
    processed('slack', 'slack:1');
    processed('slack', 'slack:2');
    tally.onWorkerEvent({ ...t, type: 'dead-lettered', source: 'github', key: 'github:2', eventType: undefined, attempts: 1, error: 'bad', reason: 'non-retryable' });
    // Calls: a GitHub 401 answered by a refresh, a Slack token_expired (a refresh, no 401), a Stripe 429.
    const event = (connector: string) => ({ connector, operation: 'op', time: 0 });
    tally.onEvent({ ...event('github'), type: 'request', method: 'GET', route: '/x', attempt: 1 });
    tally.onEvent({ ...event('github'), type: 'token-refreshed', reason: 'missing', rotated: true });
    tally.onEvent({ ...event('github'), type: 'response', method: 'GET', route: '/x', attempt: 1, status: 401, durationMs: 1, outcome: 'retry' });
    tally.onEvent({ ...event('github'), type: 'token-refreshed', reason: 'unauthorized', rotated: true });
    tally.onEvent({ ...event('slack'), type: 'request', method: 'POST', route: '/x', attempt: 1 });
    tally.onEvent({ ...event('slack'), type: 'token-refreshed', reason: 'missing', rotated: true });
    tally.onEvent({ ...event('slack'), type: 'token-refreshed', reason: 'unauthorized', rotated: true });
    tally.onEvent({ ...event('slack'), type: 'token-refreshed', reason: 'unauthorized', rotated: false, shared: true });
    tally.onEvent({ ...event('stripe'), type: 'request', method: 'GET', route: '/x', attempt: 1 });
    tally.onEvent({ ...event('stripe'), type: 'rate-limited', status: 429, retryAfterMs: 1000 });
    tally.onEvent({ ...event('stripe'), type: 'retry', attempt: 1, delayMs: 1000, reason: 'rate limited', delaySource: 'server', status: 429 });
    return tally;
  }

  it('counts each webhook source apart; the totals are their sums', () => {
    const c = run().counts;
    expect(c.inbox).toEqual({ stored: 5, duplicate: 2, rejected: 2, storeFailed: 0 });
    expect(webhookCounts(c, ['github', 'stripe'])).toEqual({
      inbox: { stored: 3, duplicate: 1, rejected: 1, storeFailed: 0 },
      worker: { processed: 2, retried: 0, deadLettered: 1, duplicate: 0, deadLetteredKeys: ['github:2'] },
    });
    expect(webhookCounts(c, ['slack']).inbox).toEqual({ stored: 2, duplicate: 1, rejected: 1, storeFailed: 0 });
    expect(webhookCounts(c, ['github', 'stripe', 'slack']).inbox).toEqual(c.inbox);
    expect(webhookCounts(c, ['github', 'stripe', 'slack']).worker).toEqual({ ...c.worker, deadLetteredKeys: c.deadLetteredKeys });
  });

  it("prints each webhook source's numbers on its own line, and retries and refreshes by connector", () => {
    const c = run().counts;
    const report = {
      counts: c,
      webhooks: { sources: ['github', 'stripe'], ...webhookSummary(c, ['github', 'stripe'], { events: 4, deliveries: 6 }) },
      slack: { ...webhookSummary(c, ['slack'], { events: 3, deliveries: 4 }), posted: 1, postFailures: 0, tokenExpired: 1, refreshes: 2, tierLimited: {} },
      resume: { interruptedAfterPage: undefined, resumedAtPage: undefined, listing: undefined },
      elapsedMs: 0,
    } as unknown as DemoReport;
    const lines = Object.fromEntries(summaryLines(report).map((line) => [line.slice(0, 18).trim(), line.slice(18)]));
    expect(lines['webhooks']).toBe('4 events in 6 deliveries to /webhooks/github and /webhooks/stripe: 3 accepted (2 applied, 1 dead-lettered), 1 duplicate dropped, 1 rejected (bad signature)');
    expect(lines['slack']).toBe('1 message posted; 3 events in 4 deliveries to /webhooks/slack: 2 accepted (2 applied, 0 dead-lettered), 1 duplicate dropped, 1 rejected (bad signature); 1 token expired mid-run and rotated, 0 tier limits met');
    expect(lines['retries']).toBe('2 (1 after a 429, 0 after a 503, 1 after a 401 with a fresh token): github 1, stripe 1');
    expect(lines['token refreshes']).toBe('4 (the refresh token rotated 4 times): github 1 for the first token, 1 after the server refused the access token mid-run; slack 1 for the first token, 1 after the server refused the access token mid-run');
    expect(lines['API calls']).toBe('3 calls (github 1, slack 1, stripe 1), 1 HTTP attempt');
  });
});
