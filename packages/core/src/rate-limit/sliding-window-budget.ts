import type { Gate, GateVerdict } from './wait-queue.ts';

/**
 * A declared budget: at most `requests` calls in any `perMs` span. A slot is held from the send
 * until `perMs` after the response arrives, not after the send: the provider counted the call at
 * some moment in between, so this stays under a fixed or a sliding window on the provider's side
 * whatever the network delay, at the cost of one round trip per window.
 */
export class SlidingWindowBudget implements Gate<true> {
  readonly requests: number;
  readonly perMs: number;
  #inFlight = 0;
  /** When finished calls free their slot, ascending. */
  #frees: number[] = [];

  constructor(requests: number, perMs: number) {
    this.requests = requests;
    this.perMs = perMs;
  }

  check(now: number): GateVerdict<true> {
    let expired = 0;
    while (expired < this.#frees.length && this.#frees[expired]! <= now) expired++;
    if (expired) this.#frees.splice(0, expired);
    if (this.#inFlight + this.#frees.length < this.requests) {
      this.#inFlight++;
      return { ready: true, value: true };
    }
    // All slots in flight: only a response frees one, and `complete` says so.
    return this.#frees.length ? { ready: false, at: this.#frees[0]! } : { ready: false };
  }

  /** A slot granted to a caller that left before sending: nothing was sent, so it frees at once. */
  cancel(): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
  }

  /** The call's response arrived (or it failed): its slot frees `perMs` from now. */
  complete(now: number): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    const at = now + this.perMs;
    const last = this.#frees[this.#frees.length - 1];
    this.#frees.push(at);
    if (last !== undefined && last > at) this.#frees.sort((a, b) => a - b);
  }
}
