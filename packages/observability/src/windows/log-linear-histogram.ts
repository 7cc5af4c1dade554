/*
 * Hand-written on purpose: a rolling window needs one small histogram per 10-second slot that can be
 * reset in place and summed across slots. HdrHistogram ports (hdr-histogram-js) do this well but are
 * several kilobytes per instance, not a dependency of this package, and bring a WASM option we do
 * not need; the bucket maths below is twenty lines.
 *
 * Layout: values are counted in units of 1/16 ms. Below 16 units (1 ms) each unit has its own bucket;
 * above, every power of two is split into 8 equal sub-buckets (log-linear, as in HdrHistogram).
 * A bucket is at most 1/8 of its lower bound wide, so reporting its midpoint is within 1/16 (6.25 %)
 * of any value in it. Values from 17.5 minutes up share the last bucket.
 */

const UNITS_PER_MS = 16;
const LINEAR = 16;
const SUB_BITS = 3;
const SUB = 1 << SUB_BITS;
const MIN_EXP = 4; // log2(LINEAR)
const MAX_EXP = 23;
const MAX_UNITS = 2 ** (MAX_EXP + 1) - 1;

/** Buckets per histogram. */
export const HISTOGRAM_BUCKETS = LINEAR + (MAX_EXP - MIN_EXP + 1) * SUB;

/** Worst relative error of a reported value above 1 ms (half a bucket over its lower bound). */
export const HISTOGRAM_RELATIVE_ERROR = 1 / (2 * SUB);

/** Worst absolute error below 1 ms (half a linear bucket), in ms. */
export const HISTOGRAM_ABSOLUTE_ERROR_MS = 0.5 / UNITS_PER_MS;

/** The bucket a duration (ms) falls in. */
export function bucketOf(ms: number): number {
  // `ms > 0` is false for NaN too.
  if (!(ms > 0)) return 0;
  const units = ms * UNITS_PER_MS >= MAX_UNITS ? MAX_UNITS : Math.floor(ms * UNITS_PER_MS);
  if (units < LINEAR) return units;
  const exp = 31 - Math.clz32(units);
  return LINEAR + (exp - MIN_EXP) * SUB + ((units >>> (exp - SUB_BITS)) & (SUB - 1));
}

/** The value a bucket reports: its midpoint, in ms. */
export function bucketValue(bucket: number): number {
  if (bucket < LINEAR) return (bucket + 0.5) / UNITS_PER_MS;
  const exp = MIN_EXP + Math.floor((bucket - LINEAR) / SUB);
  const width = 2 ** (exp - SUB_BITS);
  const lower = (SUB + ((bucket - LINEAR) % SUB)) * width;
  return (lower + width / 2) / UNITS_PER_MS;
}

/**
 * Nearest-rank percentiles from bucket counts laid out as `slots` consecutive histograms in one
 * array; only slots whose flag is set are counted. Walks the buckets once for all percentiles.
 *
 * @param quantiles ascending, each in (0, 1].
 */
export function percentilesOf(counts: Uint32Array, slots: readonly boolean[], total: number, quantiles: readonly number[]): number[] {
  const out = new Array<number>(quantiles.length).fill(Number.NaN);
  if (total === 0) return out;
  const ranks = quantiles.map((q) => Math.max(1, Math.ceil(q * total)));
  let next = 0;
  let seen = 0;
  for (let bucket = 0; bucket < HISTOGRAM_BUCKETS && next < ranks.length; bucket++) {
    for (let slot = 0; slot < slots.length; slot++) {
      if (slots[slot]) seen += counts[slot * HISTOGRAM_BUCKETS + bucket]!;
    }
    while (next < ranks.length && seen >= ranks[next]!) out[next++] = bucketValue(bucket);
  }
  return out;
}

/**
 * A fixed-size latency histogram (176 counters, 704 bytes) answering percentiles within
 * `HISTOGRAM_RELATIVE_ERROR`. The rolling windows keep one per slot.
 */
export class LogLinearHistogram {
  readonly counts = new Uint32Array(HISTOGRAM_BUCKETS);
  #total = 0;

  get total(): number {
    return this.#total;
  }

  record(ms: number): void {
    this.counts[bucketOf(ms)]!++;
    this.#total++;
  }

  /** The q-quantile (0.95 for p95) in ms, or NaN when empty. */
  percentile(q: number): number {
    return percentilesOf(this.counts, [true], this.#total, [q])[0]!;
  }

  reset(): void {
    this.counts.fill(0);
    this.#total = 0;
  }
}
