import { describe, expect, it } from 'vitest';
import { RateLimitError } from '../errors/index.ts';
import { createTestClock, type TestClock } from '../internal/test-clock.ts';
import { HeaderPacer, type PacerTicket } from './header-pacer.ts';
import { readPause, standardRateLimit } from './standard-rate-limit.ts';
import type { RateLimitParser } from './rate-limit-parser.ts';

// Provider dialects live in their connectors; these two stand-ins exercise the same pacer paths.

/** A leaky bucket sent as `used/size` that drains size/20 per second (the shape of Shopify's REST call limit). */
const leakyBucketParser: RateLimitParser = {
  name: 'leaky-bucket',
  read(response, now) {
    const pause = readPause(response, now);
    const match = /^(\d+)\/(\d+)$/.exec(response.headers.get('x-call-limit') ?? '');
    if (!match) return pause.retryAfterMs !== undefined ? pause : undefined;
    const limit = Number(match[2]);
    return { ...pause, limit, remaining: limit - Number(match[1]), refillPerSecond: limit / 20 };
  },
};

/** Budgets per named resource, and a pause across all of them on a 403 with Retry-After (the shape of GitHub's limits). */
const resourceParser: RateLimitParser = {
  name: 'resources',
  read({ headers, status }, now) {
    const observation = {
      bucket: headers.get('x-ratelimit-resource') ?? 'core',
      limit: Number(headers.get('x-ratelimit-limit')),
      remaining: Number(headers.get('x-ratelimit-remaining')),
      resetAt: Number(headers.get('x-ratelimit-reset')) * 1000,
    };
    const pause = status === 403 ? readPause({ status: 429, headers }, now) : {};
    return { ...observation, ...(pause.retryAfterMs !== undefined ? { retryAfterMs: pause.retryAfterMs, global: true } : {}) };
  },
  bucketFor: ({ url }) => (url.pathname.startsWith('/search/') ? 'search' : 'core'),
};

const request = (path = '/x') => ({ method: 'GET', route: path, url: new URL(path, 'https://api.acme.test') });
const never = new AbortController().signal;
const tooLong = (at: number) => new RateLimitError(`wait until ${at}`, { connector: 'acme', operation: 'op', retryable: true, retryAt: new Date(at) });

/** Starts `count` acquisitions and records which have been let through. */
function pending(pacer: HeaderPacer, count: number, path = '/x', limitAt = Number.POSITIVE_INFINITY) {
  const admitted: PacerTicket[] = [];
  const errors: unknown[] = [];
  const all = Array.from({ length: count }, () =>
    pacer.acquire(request(path), never, limitAt, tooLong).then((a) => admitted.push(a.value), (e: unknown) => errors.push(e)),
  );
  return { admitted, errors, all };
}

const xrl = (remaining: number, resetInS: number, limit = 100) => ({
  status: 200, headers: new Headers({ 'x-ratelimit-limit': String(limit), 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': String(resetInS) }),
});

function setup(parser: RateLimitParser = standardRateLimit, spreadBelow?: number): { pacer: HeaderPacer; clock: TestClock } {
  const clock = createTestClock({ sleep: 'wait' });
  return { clock, pacer: new HeaderPacer({ parser, clock, ...(spreadBelow !== undefined ? { spreadBelow } : {}) }) };
}

describe('HeaderPacer', () => {
  it('sends one probe first; the rest wait for its headers', async () => {
    const { pacer, clock } = setup();
    const calls = pending(pacer, 5);
    await clock.advance(0);
    expect(calls.admitted).toHaveLength(1);
    pacer.complete(calls.admitted[0]!, xrl(99, 60));
    await clock.advance(0);
    expect(calls.admitted).toHaveLength(5);
  });

  it('stops gating when the provider sends no limits', async () => {
    const { pacer, clock } = setup();
    const calls = pending(pacer, 3);
    await clock.advance(0);
    pacer.complete(calls.admitted[0]!, { status: 200, headers: new Headers() });
    await clock.advance(0);
    expect(calls.admitted).toHaveLength(3);
    expect(pacer.snapshot()).toMatchObject({ default: { mode: 'none' } });
  });

  it('counts calls in flight against the budget: a burst of 50 on 10 remaining sends 10', async () => {
    const { pacer, clock } = setup(standardRateLimit, 0);
    const probe = pending(pacer, 1);
    await clock.advance(0);
    pacer.complete(probe.admitted[0]!, xrl(10, 60));
    const burst = pending(pacer, 50);
    await clock.advance(0);
    expect(burst.admitted).toHaveLength(10);
    // Out-of-order answers (9 left, then 10 left) do not give budget back.
    pacer.complete(burst.admitted[1]!, xrl(8, 60));
    pacer.complete(burst.admitted[0]!, xrl(9, 60));
    await clock.advance(0);
    expect(burst.admitted).toHaveLength(10);
    expect(pacer.snapshot().default).toMatchObject({ remaining: 0, inFlight: 8 });
    // The window resets: one probe reads the new window, then the rest go.
    await clock.advance(60_000);
    expect(burst.admitted).toHaveLength(11);
    pacer.complete(burst.admitted[10]!, xrl(99, 60));
    await clock.advance(0);
    expect(burst.admitted).toHaveLength(50);
  });

  it('spreads the last of the budget over the time to reset instead of bursting', async () => {
    const { pacer, clock } = setup(standardRateLimit, 1);
    const probe = pending(pacer, 1);
    await clock.advance(0);
    pacer.complete(probe.admitted[0]!, xrl(4, 10, 5));
    const calls = pending(pacer, 4);
    const times: number[] = [];
    const start = clock.now();
    for (let i = 0; i < 10; i++) {
      await clock.advance(1000);
      while (times.length < calls.admitted.length) times.push(clock.now() - start);
    }
    // 4 calls over the 10 s to reset: one every 2 s (10 s / 5 gaps), not all at once.
    expect(times).toEqual([2000, 4000, 6000, 8000]);
  });

  it('paces a leaky bucket at its drain rate once it is nearly full', async () => {
    const { pacer, clock } = setup(leakyBucketParser, 0);
    const call = { status: 200, headers: new Headers({ 'x-call-limit': '38/40' }) };
    const probe = pending(pacer, 1);
    await clock.advance(0);
    pacer.complete(probe.admitted[0]!, call);
    const calls = pending(pacer, 6);
    await clock.advance(0);
    expect(calls.admitted).toHaveLength(2);
    await clock.advance(1000); // 2 per second drain back
    expect(calls.admitted).toHaveLength(4);
    await clock.advance(1000);
    expect(calls.admitted).toHaveLength(6);
  });

  it('holds every call after a 429 with Retry-After, and fails fast past the caller\'s limit', async () => {
    const { pacer, clock } = setup();
    const probe = pending(pacer, 1);
    await clock.advance(0);
    pacer.complete(probe.admitted[0]!, { status: 429, headers: new Headers({ 'retry-after': '5' }) });
    const patient = pending(pacer, 1);
    const hasty = pending(pacer, 1, '/x', clock.now() + 1000);
    await clock.advance(0);
    expect(hasty.errors).toEqual([expect.any(RateLimitError)]);
    expect((hasty.errors[0] as RateLimitError).retryAt.getTime()).toBe(clock.now() + 5000);
    expect(patient.admitted).toHaveLength(0);
    await clock.advance(5000);
    expect(patient.admitted).toHaveLength(1);
  });

  it('keeps named buckets apart and pauses them all on a global pause', async () => {
    const { pacer, clock } = setup(resourceParser);
    const gh = (resource: string, remaining: number, status = 200, extra: Record<string, string> = {}) => ({
      status,
      headers: new Headers({ 'x-ratelimit-limit': '30', 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': String(clock.now() / 1000 + 60), 'x-ratelimit-resource': resource, ...extra }),
    });
    const search = pending(pacer, 1, '/search/issues');
    const core = pending(pacer, 1, '/repos/o/r');
    await clock.advance(0);
    pacer.complete(search.admitted[0]!, gh('search', 0));
    pacer.complete(core.admitted[0]!, gh('core', 4000));
    expect(pacer.snapshot()).toMatchObject({ search: { remaining: 0 }, core: { remaining: 4000 } });
    // Search is spent; core is not held back by it.
    const moreSearch = pending(pacer, 1, '/search/issues');
    const moreCore = pending(pacer, 1, '/repos/o/r');
    await clock.advance(0);
    expect(moreSearch.admitted).toHaveLength(0);
    expect(moreCore.admitted).toHaveLength(1);
    pacer.complete(moreCore.admitted[0]!, gh('core', 3999, 403, { 'retry-after': '30' }));
    const held = pending(pacer, 1, '/repos/o/r');
    await clock.advance(29_000);
    expect(held.admitted).toHaveLength(0);
    await clock.advance(1000);
    expect(held.admitted).toHaveLength(1);
  });

  it('gives the slot back when the caller aborts while queued', async () => {
    const { pacer, clock } = setup();
    const controller = new AbortController();
    const probe = pending(pacer, 1);
    const aborted = pacer.acquire(request(), controller.signal, Number.POSITIVE_INFINITY, tooLong).catch((e: unknown) => e);
    const after = pending(pacer, 1);
    await clock.advance(0);
    controller.abort(new Error('stop'));
    expect(await aborted).toEqual(new Error('stop'));
    pacer.complete(probe.admitted[0]!, xrl(50, 60));
    await clock.advance(0);
    expect(after.admitted).toHaveLength(1);
  });

  it('lets calls through at once, without a promise, only while nothing holds the bucket', async () => {
    const { pacer, clock } = setup();
    const probe = pacer.tryAcquire(request());
    expect(probe).toMatchObject({ probe: true });
    // The probe is out: the next call has to wait for its headers.
    expect(pacer.tryAcquire(request())).toBeUndefined();
    pacer.complete(probe!, { status: 200, headers: new Headers() });
    // The provider sends no limits: every call goes at once, however many are in flight.
    const free = [pacer.tryAcquire(request()), pacer.tryAcquire(request()), pacer.tryAcquire(request())];
    expect(free.every((t) => t !== undefined && !t.probe)).toBe(true);
    expect(pacer.snapshot().default).toMatchObject({ mode: 'none', inFlight: 3 });
    // Then headers appear, and the budget they report is spent: calls wait for the reset again.
    pacer.complete(free[0]!, xrl(0, 60));
    expect(pacer.snapshot().default).toMatchObject({ mode: 'known', remaining: 0, inFlight: 2 });
    expect(pacer.tryAcquire(request())).toBeUndefined();
    const waiting = pending(pacer, 1);
    await clock.advance(59_000);
    expect(waiting.admitted).toHaveLength(0);
    await clock.advance(1000);
    expect(waiting.admitted).toHaveLength(1);
  });

  it('does not let a call jump the queue when the bucket frees up while others wait', async () => {
    const { pacer, clock } = setup();
    const probe = pacer.tryAcquire(request())!;
    const queued = pending(pacer, 2);
    await clock.advance(0);
    expect(queued.admitted).toHaveLength(0);
    // The answer shows room; until the queue is served, a newcomer is sent to the back of it.
    pacer.complete(probe, xrl(50, 60));
    const late = pacer.tryAcquire(request());
    await clock.advance(0);
    expect(queued.admitted).toHaveLength(2);
    expect(late).toBeUndefined();
    expect(pacer.snapshot().default).toMatchObject({ inFlight: 2 });
  });

  it('learns the bucket of a route from the answers, when the parser cannot tell it before sending', async () => {
    const parser: RateLimitParser = {
      name: 'by-resource',
      read: ({ headers }) => (headers.has('x-remaining') ? { bucket: headers.get('x-resource')!, remaining: Number(headers.get('x-remaining')), resetAt: Date.parse('2026-01-01T00:01:00Z') } : undefined),
    };
    const { pacer } = setup(parser);
    const first = pacer.tryAcquire(request('/search'))!;
    expect(first.bucket).toBe('default');
    pacer.complete(first, { status: 200, headers: new Headers({ 'x-resource': 'search', 'x-remaining': '5' }) });
    // The same route now draws from the search budget; another route still starts in the default one.
    expect(pacer.tryAcquire(request('/search'))).toMatchObject({ bucket: 'search' });
    expect(pacer.tryAcquire(request('/other'))).toMatchObject({ bucket: 'default' });
    expect(pacer.snapshot()).toMatchObject({ search: { mode: 'known', inFlight: 1 }, default: { mode: 'none', inFlight: 1 } });
  });

  it('does not keep the probe of a caller that left in the same turn as it was let through', async () => {
    const { pacer, clock } = setup();
    const controller = new AbortController();
    const leaving = pacer.acquire(request(), controller.signal, Number.POSITIVE_INFINITY, tooLong).catch((e: unknown) => e);
    controller.abort(new Error('gone'));
    expect(await leaving).toEqual(new Error('gone'));
    await clock.advance(0);
    // Had the ticket stayed out, every later call would wait for an answer that never comes.
    expect(pacer.tryAcquire(request())).toMatchObject({ probe: true });
    expect(pacer.snapshot().default).toMatchObject({ inFlight: 1 });
  });
});
