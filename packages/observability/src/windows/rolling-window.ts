import { bucketOf, HISTOGRAM_BUCKETS, percentilesOf } from './log-linear-histogram.ts';

export interface WindowOptions {
  /** How far back the statistics look. Default 5 minutes. */
  windowMs?: number;
  /** Slot width: the window moves forward one slot at a time. Default 10 s. */
  slotMs?: number;
}

/** Error rate and latency of the recent past, for one connector or one operation. */
export interface WindowStats {
  /** The span covered: `windowMs` (the current slot may be partly elapsed). */
  windowMs: number;
  /** Attempts made (one call may make several). */
  attempts: number;
  /** Attempts that did not succeed (retried, throttled or failed). */
  failedAttempts: number;
  /** Attempts the provider rate-limited. */
  throttled: number;
  /** Calls that finished: succeeded, or failed for good. */
  calls: number;
  failedCalls: number;
  /** `failedCalls / calls`, 0 when there were no calls. What users feel. */
  errorRate: number;
  /** `failedAttempts / attempts`, 0 when none. What the provider is doing, retries included. */
  attemptErrorRate: number;
  /** Attempt latency percentiles in ms, within the histogram's bucket error; undefined with no attempts. */
  p50Ms: number | undefined;
  p95Ms: number | undefined;
  p99Ms: number | undefined;
}

/** One slot of a window: what happened between `time` and `time + slotMs`. */
export interface WindowPoint {
  /** Start of the slot, epoch ms. */
  time: number;
  attempts: number;
  failedAttempts: number;
  throttled: number;
  calls: number;
  failedCalls: number;
  errorRate: number;
  p50Ms: number | undefined;
  p95Ms: number | undefined;
  p99Ms: number | undefined;
}

const ATTEMPTS = 0;
const FAILED_ATTEMPTS = 1;
const THROTTLED = 2;
const CALLS = 3;
const FAILED_CALLS = 4;
const FIELDS = 5;
const QUANTILES = [0.5, 0.95, 0.99];

export const DEFAULT_WINDOW_MS = 5 * 60_000;
export const DEFAULT_SLOT_MS = 10_000;

/**
 * A ring of time slots, each with counters and a log-linear latency histogram, in three typed
 * arrays allocated once: memory is fixed (about 21 KB with the defaults) whatever the traffic, and
 * recording is a few array writes. Old slots are reset lazily when time reaches them again.
 */
export class RollingWindow {
  readonly windowMs: number;
  readonly slotMs: number;
  readonly #slots: number;
  readonly #epochs: Float64Array;
  readonly #counters: Uint32Array;
  readonly #latency: Uint32Array;

  constructor(options: WindowOptions = {}) {
    const windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    const slotMs = options.slotMs ?? DEFAULT_SLOT_MS;
    if (!(slotMs > 0) || !Number.isFinite(slotMs)) throw new TypeError(`windows.slotMs must be a positive number of milliseconds; got ${String(slotMs)}`);
    if (!(windowMs >= slotMs) || !Number.isFinite(windowMs)) {
      throw new TypeError(`windows.windowMs must be at least windows.slotMs (${slotMs} ms); got ${String(windowMs)}`);
    }
    const slots = Math.ceil(windowMs / slotMs);
    if (slots > 1000) throw new TypeError(`windows: ${slots} slots of ${slotMs} ms is too many (max 1000); use a wider slotMs`);
    this.windowMs = slots * slotMs;
    this.slotMs = slotMs;
    this.#slots = slots;
    this.#epochs = new Float64Array(slots).fill(-1);
    this.#counters = new Uint32Array(slots * FIELDS);
    this.#latency = new Uint32Array(slots * HISTOGRAM_BUCKETS);
  }

  /** Records one attempt. */
  recordAttempt(time: number, durationMs: number, failed: boolean, throttled: boolean): void {
    const slot = this.#slotAt(time);
    if (slot < 0) return;
    const base = slot * FIELDS;
    this.#counters[base + ATTEMPTS]!++;
    if (failed) this.#counters[base + FAILED_ATTEMPTS]!++;
    if (throttled) this.#counters[base + THROTTLED]!++;
    this.#latency[slot * HISTOGRAM_BUCKETS + bucketOf(durationMs)]!++;
  }

  /** Records one finished call. */
  recordCall(time: number, failed: boolean): void {
    const slot = this.#slotAt(time);
    if (slot < 0) return;
    this.#counters[slot * FIELDS + CALLS]!++;
    if (failed) this.#counters[slot * FIELDS + FAILED_CALLS]!++;
  }

  /** Statistics of the window ending at `now`. */
  stats(now: number): WindowStats {
    const current = Math.floor(now / this.slotMs);
    const live = new Array<boolean>(this.#slots);
    const sums = [0, 0, 0, 0, 0];
    for (let slot = 0; slot < this.#slots; slot++) {
      const epoch = this.#epochs[slot]!;
      live[slot] = epoch > current - this.#slots && epoch <= current;
      if (!live[slot]) continue;
      for (let field = 0; field < FIELDS; field++) sums[field]! += this.#counters[slot * FIELDS + field]!;
    }
    const [attempts = 0, failedAttempts = 0, throttled = 0, calls = 0, failedCalls = 0] = sums;
    const [p50, p95, p99] = percentilesOf(this.#latency, live, attempts, QUANTILES);
    return {
      windowMs: this.windowMs,
      attempts,
      failedAttempts,
      throttled,
      calls,
      failedCalls,
      errorRate: calls === 0 ? 0 : failedCalls / calls,
      attemptErrorRate: attempts === 0 ? 0 : failedAttempts / attempts,
      p50Ms: attempts === 0 ? undefined : p50,
      p95Ms: attempts === 0 ? undefined : p95,
      p99Ms: attempts === 0 ? undefined : p99,
    };
  }

  /**
   * The window slot by slot, oldest first: one point per slot (`slotMs` wide) ending with the slot
   * that holds `now`, for time-series charts. Empty slots are points with zero calls.
   */
  series(now: number): WindowPoint[] {
    const current = Math.floor(now / this.slotMs);
    const points: WindowPoint[] = [];
    const live = new Array<boolean>(this.#slots).fill(false);
    for (let epoch = current - this.#slots + 1; epoch <= current; epoch++) {
      const slot = ((epoch % this.#slots) + this.#slots) % this.#slots;
      const held = this.#epochs[slot] === epoch;
      const at = (field: number) => (held ? this.#counters[slot * FIELDS + field]! : 0);
      const attempts = at(ATTEMPTS);
      let p50: number | undefined;
      let p95: number | undefined;
      let p99: number | undefined;
      if (held && attempts > 0) {
        live[slot] = true;
        [p50, p95, p99] = percentilesOf(this.#latency, live, attempts, QUANTILES);
        live[slot] = false;
      }
      const calls = at(CALLS);
      points.push({
        time: epoch * this.slotMs,
        attempts,
        failedAttempts: at(FAILED_ATTEMPTS),
        throttled: at(THROTTLED),
        calls,
        failedCalls: at(FAILED_CALLS),
        errorRate: calls === 0 ? 0 : at(FAILED_CALLS) / calls,
        p50Ms: p50,
        p95Ms: p95,
        p99Ms: p99,
      });
    }
    return points;
  }

  /** The ring index for a time, resetting a slot that still holds an older period; -1 when too old. */
  #slotAt(time: number): number {
    const epoch = Math.floor(time / this.slotMs);
    const slot = epoch % this.#slots;
    const held = this.#epochs[slot]!;
    if (held === epoch) return slot;
    if (held > epoch) return -1;
    this.#epochs[slot] = epoch;
    this.#counters.fill(0, slot * FIELDS, (slot + 1) * FIELDS);
    this.#latency.fill(0, slot * HISTOGRAM_BUCKETS, (slot + 1) * HISTOGRAM_BUCKETS);
    return slot;
  }
}
