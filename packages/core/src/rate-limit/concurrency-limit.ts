import type { Gate, GateVerdict } from './wait-queue.ts';

/** At most `max` calls in flight. */
export class ConcurrencyLimit implements Gate<true> {
  readonly max: number;
  #inFlight = 0;

  constructor(max: number) {
    this.max = max;
  }

  check(): GateVerdict<true> {
    if (this.#inFlight >= this.max) return { ready: false };
    this.#inFlight++;
    return { ready: true, value: true };
  }

  complete(): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
  }

  /** A slot granted to a caller that left before hearing so. */
  cancel(): void {
    this.complete();
  }
}
