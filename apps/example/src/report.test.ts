import { describe, expect, it } from 'vitest';
import { compareRows, formatChecks, Tally } from './report.ts';

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
