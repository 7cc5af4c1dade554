import { describe, expect, it } from 'vitest';
import { createFakeClock, FAKE_CLOCK_START } from './fake-clock.ts';

describe('createFakeClock', () => {
  it('sleeps instantly while advancing virtual time and recording each delay', async () => {
    const clock = createFakeClock();
    expect(clock.now()).toBe(FAKE_CLOCK_START);
    const before = performance.now();
    await clock.sleep(2000);
    await clock.sleep(500);
    expect(performance.now() - before).toBeLessThan(1_000);
    expect(clock.sleeps).toEqual([2000, 500]);
    expect(clock.sleptMs).toBe(2500);
    expect(clock.now()).toBe(FAKE_CLOCK_START + 2500);
  });

  it('advances, sets and forgets sleeps on demand', () => {
    const clock = createFakeClock({ start: new Date('2030-05-01T00:00:00Z') });
    clock.advance(1000);
    expect(new Date(clock.now()).toISOString()).toBe('2030-05-01T00:00:01.000Z');
    clock.set(0);
    expect(clock.now()).toBe(0);
    clock.resetSleeps();
    expect(clock.sleeps).toEqual([]);
  });

  it('rejects with the abort reason like the system clock', async () => {
    const clock = createFakeClock();
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(clock.sleep(10, controller.signal)).rejects.toThrow('stop');
    expect(clock.sleeps).toEqual([]);
  });

  it('refuses nonsense durations', async () => {
    const clock = createFakeClock();
    await expect(clock.sleep(-1)).rejects.toThrow(TypeError);
    expect(() => clock.advance(Number.NaN)).toThrow(/finite number/);
    expect(() => createFakeClock({ start: new Date('nope') })).toThrow(TypeError);
  });
});
