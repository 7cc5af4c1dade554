import type { Clock } from '../internal/clock.ts';

/** A gate's answer for the call at the head of its queue. */
export type GateVerdict<T> =
  | { ready: true; value: T }
  /** `at`: when a new look could succeed (epoch ms); absent: only a finishing call can free room (`notify`). */
  | { ready: false; at?: number };

export interface Gate<T> {
  /** Decides for the head of the queue; when ready, the slot is taken (the caller owns `value`). */
  check(now: number): GateVerdict<T> | Promise<GateVerdict<T>>;
  /** Gives back a slot that an async `check` granted to a caller that left meanwhile. */
  cancel?(value: T): void;
}

export interface Admission<T> {
  value: T;
  /** How long the caller was held in this queue; 0 when the gate let it through at first look. */
  waitedMs: number;
}

interface Waiter<T> {
  enqueuedAt: number;
  /** Set once the gate said "not yet" while this caller was queued: only then did it really wait. */
  held: boolean;
  /** The latest send time this caller accepts; a later `at` fails it at once instead of sleeping. */
  limitAt: number;
  tooLong: (at: number) => Error;
  signal: AbortSignal;
  onAbort: () => void;
  resolve(admission: Admission<T>): void;
  reject(error: unknown): void;
}

/**
 * A first-come-first-served queue in front of a gate (a budget, a semaphore, the header pacer). One
 * pump serves the head and sleeps on a single timer, instead of every waiter polling on its own:
 * 500 queued calls cost one timer, and order is kept.
 * Hand-written because the libraries for this (Bottleneck, p-queue, p-limit) cannot take an
 * injectable clock, an answer that changes with each response, or a per-caller deadline.
 */
export class WaitQueue<T> {
  readonly #clock: Clock;
  readonly #gate: Gate<T>;
  readonly #queue: Waiter<T>[] = [];
  #pumping = false;
  #again = false;
  #timer: AbortController | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  /** The latest timer target reached: a clock whose `sleep` does not move `now()` still makes progress. */
  #floor = Number.NEGATIVE_INFINITY;

  constructor(clock: Clock, gate: Gate<T>) {
    this.#clock = clock;
    this.#gate = gate;
  }

  get size(): number {
    return this.#queue.length;
  }

  now(): number {
    return Math.max(this.#clock.now(), this.#floor);
  }

  /**
   * The fast path for a gate whose `check` is synchronous: with nobody queued, asks the gate once and
   * returns its verdict when it lets the caller through (the slot is then taken). Undefined means
   * "wait your turn with `acquire`". It allocates no promise, listener or waiter, which is most of
   * the cost of a call that does not have to wait.
   * @throws TypeError when the gate answers with a promise: such a gate can only be used with `acquire`.
   */
  tryNow(): { ready: true; value: T } | undefined {
    if (this.#queue.length) return undefined;
    const verdict = this.#gate.check(this.now());
    if (verdict instanceof Promise) {
      // The slot such a check may have granted cannot be held here; give it back once known.
      void verdict.then((late) => late.ready && this.#gate.cancel?.(late.value), () => undefined);
      throw new TypeError('WaitQueue.tryNow needs a gate whose check is synchronous; use acquire()');
    }
    return verdict.ready ? verdict : undefined;
  }

  /**
   * Waits for the gate. Rejects with `tooLong(at)` as soon as the gate names a time after `limitAt`,
   * and with the signal's reason on abort.
   */
  acquire(signal: AbortSignal, limitAt: number, tooLong: (at: number) => Error): Promise<Admission<T>> {
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<Admission<T>>((resolve, reject) => {
      const waiter: Waiter<T> = {
        enqueuedAt: this.now(),
        held: false,
        limitAt,
        tooLong,
        signal,
        onAbort: () => {
          const index = this.#queue.indexOf(waiter);
          if (index < 0) return;
          this.#queue.splice(index, 1);
          if (!this.#queue.length) this.#cancelTimer();
          reject(signal.reason);
          if (index === 0) this.notify();
        },
        resolve,
        reject,
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.#queue.push(waiter);
      if (this.#queue.length === 1) void this.#pump();
    });
  }

  /** Something changed (a call finished, a response arrived): look at the head again. */
  notify(): void {
    if (this.#queue.length) void this.#pump();
  }

  async #pump(): Promise<void> {
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = true;
    try {
      // Serve from the next microtask, never inside acquire(): callers of the same turn all queue first
      // (in order), and one that leaves in the turn it arrived is never handed a slot.
      await undefined;
      do {
        this.#again = false;
        await this.#serve();
      } while (this.#again);
    } finally {
      this.#pumping = false;
    }
  }

  async #serve(): Promise<void> {
    while (this.#queue.length) {
      const head = this.#queue[0]!;
      const now = this.now();
      let verdict: GateVerdict<T>;
      try {
        // A synchronous gate is not awaited: the whole queue drains in this turn when the gate has
        // room, so callers arriving meanwhile find it empty and take tryNow's fast path again. Awaiting
        // every verdict kept the queue from ever emptying under steady load, and every call after a
        // single wait (the header pacer's first probe) paid for a promise, a waiter and an abort listener.
        const answer = this.#gate.check(now);
        verdict = answer instanceof Promise ? await answer : answer;
      } catch (error) {
        if (this.#remove(head)) head.reject(error);
        continue;
      }
      if (verdict.ready) {
        if (!this.#remove(head)) {
          this.#gate.cancel?.(verdict.value);
          continue;
        }
        head.resolve({ value: verdict.value, waitedMs: head.held ? Math.max(0, this.now() - head.enqueuedAt) : 0 });
        continue;
      }
      for (const waiter of this.#queue) waiter.held = true;
      if (verdict.at === undefined) return;
      const at = Math.max(verdict.at, now + 1);
      // Everyone queued needs at least `at`; those who cannot wait that long fail now, not later.
      for (const waiter of [...this.#queue]) {
        if (waiter.limitAt < at && this.#remove(waiter)) waiter.reject(waiter.tooLong(at));
      }
      if (this.#queue.length) this.#schedule(at, now);
      return;
    }
  }

  #remove(waiter: Waiter<T>): boolean {
    const index = this.#queue.indexOf(waiter);
    if (index < 0) return false;
    this.#queue.splice(index, 1);
    waiter.signal.removeEventListener('abort', waiter.onAbort);
    if (!this.#queue.length) this.#cancelTimer();
    return true;
  }

  #cancelTimer(): void {
    this.#timer?.abort();
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }

  #schedule(at: number, now: number): void {
    if (this.#timer && this.#timerAt <= at) return;
    this.#timer?.abort();
    const timer = new AbortController();
    this.#timer = timer;
    this.#timerAt = at;
    this.#clock.sleep(at - now, timer.signal).then(
      () => {
        if (this.#timer !== timer) return;
        this.#timer = undefined;
        this.#timerAt = Number.POSITIVE_INFINITY;
        this.#floor = Math.max(this.#floor, at);
        this.notify();
      },
      () => {
        // Replaced by an earlier timer.
      },
    );
  }
}
