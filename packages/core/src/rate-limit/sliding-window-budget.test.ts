import { describe, expect, it } from 'vitest';
import { SlidingWindowBudget } from './sliding-window-budget.ts';
import { ConcurrencyLimit } from './concurrency-limit.ts';

describe('SlidingWindowBudget', () => {
  it('allows `requests` calls, then frees each slot `per` after its response', () => {
    const budget = new SlidingWindowBudget(2, 1000);
    expect(budget.check(0)).toEqual({ ready: true, value: true });
    expect(budget.check(0)).toEqual({ ready: true, value: true });
    // Both in flight: only a response can free room, and no time is known yet.
    expect(budget.check(10)).toEqual({ ready: false });
    budget.complete(300);
    expect(budget.check(400)).toEqual({ ready: false, at: 1300 });
    expect(budget.check(1300)).toEqual({ ready: true, value: true });
  });

  it('keeps the frees in order when responses finish out of order', () => {
    const budget = new SlidingWindowBudget(2, 1000);
    budget.check(0);
    budget.check(0);
    budget.complete(500);
    budget.complete(200);
    expect(budget.check(600)).toEqual({ ready: false, at: 1200 });
  });

  it('frees a cancelled slot at once: the call was never sent', () => {
    const budget = new SlidingWindowBudget(1, 1000);
    budget.check(0);
    budget.cancel();
    expect(budget.check(0)).toEqual({ ready: true, value: true });
  });
});

describe('ConcurrencyLimit', () => {
  it('lets `max` calls in flight', () => {
    const limit = new ConcurrencyLimit(1);
    expect(limit.check()).toEqual({ ready: true, value: true });
    expect(limit.check()).toEqual({ ready: false });
    limit.complete();
    expect(limit.check()).toEqual({ ready: true, value: true });
  });
});
