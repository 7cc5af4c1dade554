import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClock } from '../internal/test-clock.ts';
import { createCostPacer } from './cost-pacer.ts';
import type { CostAdmission, CostPacer, CostState, CostTicket } from './graphql-types.ts';
import { redisCostPacer } from './redis-cost-pacer.ts';

/** Points per second so slow that the few real milliseconds a Redis test takes refill nothing that matters. */
const SLOW = 1;
const leaky = (available: number, maximum = 1000, restoreRate = SLOW): CostState => ({ kind: 'leaky-bucket', maximum, available, restoreRate });

interface Harness {
  pacer: CostPacer;
  /** Lets time pass (the test clock, or real time for Redis). */
  pass(ms: number): Promise<void>;
  /** Real time drifts a little in Redis; the in-process pacer is exact. */
  tolerance: number;
}

function ticketOf(admission: CostAdmission): CostTicket {
  if (!admission.ticket) throw new Error(`expected a ticket, got a wait of ${admission.waitMs} ms`);
  return admission.ticket;
}

/** The rules of cost-pacer.ts, which both pacers follow. */
function costPacerContract(make: () => Harness) {
  const near = (actual: number, expected: number, tolerance: number) => {
    expect(actual).toBeGreaterThanOrEqual(expected - tolerance);
    expect(actual).toBeLessThanOrEqual(expected);
  };

  it('lets calls through at once until the first report, then while the bucket affords them; a caller told to wait spends nothing', async () => {
    const { pacer, tolerance } = make();
    const probe = ticketOf(await pacer.reserve('shop', 50)); // nothing known yet
    await pacer.observe(probe, leaky(150));
    ticketOf(await pacer.reserve('shop', 100));
    const wait = await pacer.reserve('shop', 100); // 50 left: 50 more points at 1 per second
    near(wait.waitMs!, 50_000, tolerance);
    near((await pacer.reserve('shop', 100)).waitMs!, 50_000, tolerance); // the first ask took nothing
    ticketOf(await pacer.reserve('shop', 50));
    ticketOf(await pacer.reserve('other-shop', 1000)); // another bucket, not measured yet
  });

  it('a report older than the one the estimate rests on can only lower it (last-report-wins handed out points twice)', async () => {
    const { pacer, tolerance } = make();
    await pacer.observe(ticketOf(await pacer.reserve('shop', 50)), leaky(200));
    const a = ticketOf(await pacer.reserve('shop', 50));
    const b = ticketOf(await pacer.reserve('shop', 50));
    expect(b.seq).toBeGreaterThan(a.seq);
    // The provider ran A (150 left) then B (100 left); B's answer comes first, A's late.
    await pacer.observe(b, leaky(100));
    await pacer.observe(a, leaky(150));
    // B's report, less A (let through before B ended nothing, so B's report may not have counted it): 50.
    ticketOf(await pacer.reserve('shop', 50));
    near((await pacer.reserve('shop', 50)).waitMs!, 50_000, tolerance);
  });

  it('a newer report takes off the calls answered while it was on its way (the provider may have run them after it)', async () => {
    const { pacer, tolerance } = make();
    await pacer.observe(ticketOf(await pacer.reserve('shop', 50)), leaky(200));
    const a = ticketOf(await pacer.reserve('shop', 50));
    const b = ticketOf(await pacer.reserve('shop', 50));
    // The provider ran B (150 left) then A (100 left), and answered A first.
    await pacer.observe(a, leaky(100));
    await pacer.observe(b, leaky(150));
    // B is the newest report, but it cannot have counted A: 150 - 50 = 100, not 150.
    ticketOf(await pacer.reserve('shop', 100));
    near((await pacer.reserve('shop', 50)).waitMs!, 50_000, tolerance);
  });

  it('a newer report may raise the estimate (a refund, the refill), less the calls still in flight', async () => {
    const { pacer, tolerance } = make();
    await pacer.observe(ticketOf(await pacer.reserve('shop', 100)), leaky(200));
    const a = ticketOf(await pacer.reserve('shop', 100));
    ticketOf(await pacer.reserve('shop', 50)); // 50 left by the estimate
    // A ran and cost 10 in the end (Shopify refunds requested over actual): 190 left, which the call still in flight (50) is not in.
    await pacer.observe(a, leaky(190));
    ticketOf(await pacer.reserve('shop', 140));
    near((await pacer.reserve('shop', 1)).waitMs!, 1000, tolerance);
  });

  it('takes calls in flight off after the cap: a full bucket does not refill points that calls on their way will take', async () => {
    const { pacer, pass } = make();
    await pacer.observe(ticketOf(await pacer.reserve('shop', 50)), leaky(150, 200, 1000));
    for (let i = 0; i < 3; i++) ticketOf(await pacer.reserve('shop', 50)); // 150 in flight, not run yet
    await pass(300); // the provider's bucket is at its 200 cap by now
    ticketOf(await pacer.reserve('shop', 50)); // 200 - 150 in flight = 50
    // Only the cap stands in the way: ask again after one call's worth of refill (or the next report).
    const wait = (await pacer.reserve('shop', 50)).waitMs!;
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(50);
  });

  it('a call released without a report stops counting against later reports; a throttled one stays in flight', async () => {
    const { pacer, tolerance } = make();
    await pacer.observe(ticketOf(await pacer.reserve('shop', 50)), leaky(200));
    const lost = ticketOf(await pacer.reserve('shop', 50));
    await pacer.release(lost); // a network error: ended, whatever happened to it
    const throttled = ticketOf(await pacer.reserve('shop', 50));
    // Refused without running (100 left as the provider says), to be sent again: its own 50 stay out.
    await pacer.observe(throttled, leaky(100), { retrying: true });
    ticketOf(await pacer.reserve('shop', 50));
    near((await pacer.reserve('shop', 50)).waitMs!, 50_000, tolerance);
    // Its retry ran: 50 left, and its points are in the report now.
    await pacer.observe(throttled, leaky(0));
    near((await pacer.reserve('shop', 50)).waitMs!, 100_000, tolerance);
  });

  it('a window: spends remaining until resetAt, then lets calls through for the new window; answers from a window that is over are ignored', async () => {
    const { pacer } = make();
    const soon = new Date(Date.now() + 3_600_000);
    await pacer.observe(ticketOf(await pacer.reserve('gh', 1)), { kind: 'window', limit: 5000, remaining: 2, resetAt: soon });
    const a = ticketOf(await pacer.reserve('gh', 1));
    ticketOf(await pacer.reserve('gh', 1));
    const wait = (await pacer.reserve('gh', 1)).waitMs!;
    expect(wait).toBeGreaterThan(3_500_000);
    // A report from an earlier window says nothing about this one.
    await pacer.observe(a, { kind: 'window', limit: 5000, remaining: 4000, resetAt: new Date(Date.now() - 1000) });
    expect((await pacer.reserve('gh', 1)).waitMs).toBeGreaterThan(3_500_000);
  });
}

describe('createCostPacer (in process)', () => {
  costPacerContract(() => {
    const clock = createTestClock({ start: Date.now() });
    return { pacer: createCostPacer(clock), pass: (ms) => clock.advance(ms), tolerance: 0 };
  });

  it('counts a report read later than it was sent from when it was read, not from when the provider wrote it', async () => {
    const clock = createTestClock();
    const pacer = createCostPacer(clock);
    const probe = ticketOf(pacer.reserve('shop', 50) as CostAdmission);
    clock.advance(10_000); // the answer took 10 s to be read; the provider refilled meanwhile, but how much is unknown
    pacer.observe(probe, leaky(0, 1000, 50));
    expect((pacer.reserve('shop', 50) as CostAdmission).waitMs).toBe(1000);
  });
});

describe('redisCostPacer (shared by every process)', () => {
  const prefix = `connectors-test:graphql-cost:${randomUUID()}`;
  let redis: Redis;
  let n = 0;
  beforeAll(() => {
    redis = new Redis({ host: '127.0.0.1', port: 6379 });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  costPacerContract(() => ({ pacer: redisCostPacer({ redis, keyPrefix: `${prefix}:${++n}` }), pass: (ms) => sleep(ms), tolerance: 1000 }));

  it('two pacers on one key spend from one bucket, and order their reports by the tickets Redis gave out', async () => {
    const keyPrefix = `${prefix}:shared`;
    const a = redisCostPacer({ redis, keyPrefix });
    const b = redisCostPacer({ redis, keyPrefix });
    await a.observe(ticketOf(await a.reserve('shop-1', 50)), leaky(200));
    const fromA = ticketOf(await a.reserve('shop-1', 50));
    const fromB = ticketOf(await b.reserve('shop-1', 50));
    expect(fromB.seq).toBe(fromA.seq + 1);
    // B's call is still in flight when A's report comes: it counts against it, whichever process sent it.
    await a.observe(fromA, leaky(150));
    ticketOf(await b.reserve('shop-1', 50));
    expect((await a.reserve('shop-1', 100)).waitMs).toBeGreaterThan(49_000);
    expect(await redis.pttl(`${keyPrefix}:shop-1`)).toBeGreaterThan(0);
  });

  it('counts the calls of a process that died as ended after inFlightTtlMs', async () => {
    const pacer = redisCostPacer({ redis, keyPrefix: `${prefix}:dead`, inFlightTtlMs: 50 });
    await pacer.observe(ticketOf(await pacer.reserve('shop', 50)), leaky(200, 1000, 1000));
    ticketOf(await pacer.reserve('shop', 150)); // its process died: never reported on, never released
    await sleep(80);
    const fresh = ticketOf(await pacer.reserve('shop', 50));
    // The provider says 0 left after both; the dead call is no longer counted as in flight on top (-150).
    await pacer.observe(fresh, leaky(0, 1000, 1000));
    expect((await pacer.reserve('shop', 50)).waitMs).toBeLessThanOrEqual(50);
  });
});
