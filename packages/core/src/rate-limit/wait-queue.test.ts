import { describe, expect, it } from 'vitest';
import type { Clock } from '../internal/clock.ts';
import { createTestClock } from '../internal/test-clock.ts';
import { ConcurrencyLimit } from './concurrency-limit.ts';
import { type GateVerdict, WaitQueue } from './wait-queue.ts';

const tooLong = (at: number) => new Error(`needs until ${at}`);

describe('WaitQueue', () => {
  it('serves callers in arrival order and reports who was held', async () => {
    const clock = createTestClock({ sleep: 'wait' });
    let open = 0;
    const queue = new WaitQueue<number>(clock, { check: (): GateVerdict<number> => (open > 0 ? { ready: true, value: open-- } : { ready: false }) });
    const order: number[] = [];
    const waits: number[] = [];
    const calls = [1, 2, 3].map((id) => queue.acquire(new AbortController().signal, Infinity, tooLong).then((a) => {
      order.push(id);
      waits.push(a.waitedMs);
    }));
    await clock.advance(500);
    open = 3;
    queue.notify();
    await Promise.all(calls);
    expect(order).toEqual([1, 2, 3]);
    expect(waits).toEqual([500, 500, 500]);
  });

  it('drains at once when a synchronous gate has room, so the next caller takes the fast path again', async () => {
    // Awaiting every synchronous verdict let the queue drain one caller per turn: under steady load it
    // never emptied, and every call after one short wait (the header pacer's first probe) kept
    // queueing. The whole queue must be served in the turn after it is told there is room.
    const clock = createTestClock({ sleep: 'wait' });
    let open = false;
    const queue = new WaitQueue<true>(clock, { check: (): GateVerdict<true> => (open ? { ready: true, value: true } : { ready: false }) });
    const waiting = Array.from({ length: 32 }, () => queue.acquire(new AbortController().signal, Infinity, tooLong));
    await clock.advance(0);
    expect(queue.size).toBe(32);
    open = true;
    queue.notify();
    for (let turn = 0; turn < 3; turn++) await Promise.resolve();
    expect(queue.size).toBe(0);
    expect(queue.tryNow()).toEqual({ ready: true, value: true });
    await Promise.all(waiting);
  });

  it('sleeps on one timer until the time the gate names', async () => {
    const clock = createTestClock({ sleep: 'wait' });
    const readyAt = clock.now() + 1000;
    const queue = new WaitQueue<true>(clock, { check: (now) => (now >= readyAt ? { ready: true, value: true } : { ready: false, at: readyAt }) });
    const done: number[] = [];
    for (let i = 0; i < 3; i++) void queue.acquire(new AbortController().signal, Infinity, tooLong).then(() => done.push(clock.now()));
    await clock.advance(0);
    expect(clock.pending).toBe(1);
    await clock.advance(1000);
    expect(done).toEqual([readyAt, readyAt, readyAt]);
  });

  it('fails at once the callers who cannot wait until then, keeps the others', async () => {
    const clock = createTestClock({ sleep: 'wait' });
    const readyAt = clock.now() + 10_000;
    const queue = new WaitQueue<true>(clock, { check: (now) => (now >= readyAt ? { ready: true, value: true } : { ready: false, at: readyAt }) });
    const patient = queue.acquire(new AbortController().signal, Infinity, tooLong);
    const hasty = queue.acquire(new AbortController().signal, clock.now() + 5000, tooLong).catch((e: Error) => e.message);
    await clock.advance(0);
    expect(await hasty).toBe(`needs until ${readyAt}`);
    await clock.advance(10_000);
    await expect(patient).resolves.toMatchObject({ value: true, waitedMs: 10_000 });
  });

  it('makes progress with a clock whose sleep does not move now()', async () => {
    const frozen: Clock = { now: () => 1000, sleep: async () => {} };
    const queue = new WaitQueue<true>(frozen, { check: (now) => (now >= 1500 ? { ready: true, value: true } : { ready: false, at: 1500 }) });
    await expect(queue.acquire(new AbortController().signal, Infinity, tooLong)).resolves.toMatchObject({ value: true });
  });

  it('returns a slot an async gate granted to a caller who left meanwhile', async () => {
    const clock = createTestClock({ sleep: 'wait' });
    const cancelled: number[] = [];
    let release!: () => void;
    const slow = new Promise<void>((resolve) => {
      release = resolve;
    });
    const queue = new WaitQueue<number>(clock, {
      check: async () => {
        await slow;
        return { ready: true, value: 7 };
      },
      cancel: (value) => cancelled.push(value),
    });
    const controller = new AbortController();
    const leaving = queue.acquire(controller.signal, Infinity, tooLong).catch((e: unknown) => e);
    await clock.advance(0);
    controller.abort('gone');
    expect(await leaving).toBe('gone');
    release();
    await clock.advance(0);
    expect(cancelled).toEqual([7]);
  });

  it('tryNow lets a caller through at once only while nobody is queued', async () => {
    const clock = createTestClock({ sleep: 'wait' });
    let open = 1;
    const queue = new WaitQueue<number>(clock, { check: (): GateVerdict<number> => (open > 0 ? { ready: true, value: open-- } : { ready: false }) });
    expect(queue.tryNow()).toEqual({ ready: true, value: 1 });
    expect(queue.tryNow()).toBeUndefined();
    const first = queue.acquire(new AbortController().signal, Infinity, tooLong);
    await clock.advance(0);
    // Room appears, but someone is waiting for it: a newcomer neither takes it nor jumps the queue.
    open = 1;
    expect(queue.tryNow()).toBeUndefined();
    expect(open).toBe(1);
    queue.notify();
    await expect(first).resolves.toMatchObject({ value: 1 });
  });

  it('tryNow refuses a gate that answers asynchronously, and gives back what it granted', async () => {
    const clock = createTestClock({ sleep: 'wait' });
    const cancelled: number[] = [];
    const queue = new WaitQueue<number>(clock, { check: async () => ({ ready: true, value: 3 }), cancel: (value) => cancelled.push(value) });
    expect(() => queue.tryNow()).toThrow(TypeError);
    await clock.advance(0);
    expect(cancelled).toEqual([3]);
  });

  it('gives back a slot a synchronous gate granted to a caller who left in the same turn', async () => {
    const clock = createTestClock({ sleep: 'wait' });
    const limit = new ConcurrencyLimit(1);
    const queue = new WaitQueue(clock, limit);
    const controller = new AbortController();
    const leaving = queue.acquire(controller.signal, Infinity, tooLong).catch((e: unknown) => e);
    controller.abort('gone');
    expect(await leaving).toBe('gone');
    await clock.advance(0);
    // The slot did not leak: the only one there is, is free again.
    expect(queue.tryNow()).toEqual({ ready: true, value: true });
  });
});
