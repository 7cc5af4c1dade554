import { describe, expect, it } from 'vitest';
import { attempt, fakeClient, giveUp } from '../__fixtures__/fake-client.ts';
import { manualClock } from '../__fixtures__/manual-clock.ts';
import { CallWindows, MAX_OPERATIONS, OTHER_OPERATIONS } from './call-windows.ts';

describe('CallWindows', () => {
  it('keeps one window per connector and one per operation', () => {
    const clock = manualClock();
    const windows = new CallWindows({ windowMs: 60_000, slotMs: 10_000 }, clock.now);
    const client = fakeClient('github', clock.now);
    client.subscribe(windows.record);

    client.emit(attempt('success', 120, { operation: 'issues.list' }));
    client.emit(attempt('retry', 900, { operation: 'issues.create', callId: 'c1' }));
    client.emit(attempt('failed', 1100, { operation: 'issues.create', callId: 'c1', attempt: 2 }));
    client.emit(giveUp('issues.create'));

    expect(windows.stats('github')).toMatchObject({ attempts: 3, failedAttempts: 2, calls: 2, failedCalls: 1, errorRate: 0.5 });
    expect(windows.stats('github', 'issues.list')).toMatchObject({ attempts: 1, calls: 1, failedCalls: 0 });
    expect(windows.stats('github', 'issues.create')).toMatchObject({ attempts: 2, calls: 1, failedCalls: 1, errorRate: 1 });
    expect(windows.operations('github').sort()).toEqual(['issues.create', 'issues.list']);
    expect(windows.connectors()).toEqual(['github']);
    expect(windows.stats('stripe')).toBeUndefined();
  });

  it('counts an attempt as throttled after a rate-limited event or on 429', () => {
    const clock = manualClock();
    const windows = new CallWindows({}, clock.now);
    const client = fakeClient('github', clock.now);
    client.subscribe(windows.record);
    client.emit({ type: 'rate-limited', operation: 'issues.list', callId: 'c9', status: 403 });
    client.emit(attempt('retry', 50, { status: 403, callId: 'c9' }));
    client.emit(attempt('retry', 50, { status: 429, callId: 'c10' }));
    client.emit(attempt('retry', 50, { status: 503, callId: 'c11' }));
    expect(windows.stats('github')?.throttled).toBe(2);
  });

  it('strips query strings from operation names and pools past the cap', () => {
    const clock = manualClock();
    const windows = new CallWindows({}, clock.now);
    const client = fakeClient('x', clock.now);
    client.subscribe(windows.record);
    client.emit(attempt('success', 5, { operation: 'GET /items?api_key=abcdef123456' }));
    expect(windows.operations('x')).toEqual(['GET /items']);
    for (let i = 0; i < MAX_OPERATIONS + 5; i++) client.emit(attempt('success', 5, { operation: `op-${i}` }));
    expect(windows.operations('x')).toHaveLength(MAX_OPERATIONS + 1);
    expect(windows.stats('x', OTHER_OPERATIONS)?.attempts).toBe(6);
  });

  it('ends the window at the injected clock', () => {
    const clock = manualClock();
    const windows = new CallWindows({ windowMs: 60_000, slotMs: 10_000 }, clock.now);
    const client = fakeClient('github', clock.now);
    client.subscribe(windows.record);
    client.emit(giveUp());
    expect(windows.stats('github')?.failedCalls).toBe(1);
    clock.advance(70_000);
    expect(windows.stats('github')?.failedCalls).toBe(0);
  });
});
