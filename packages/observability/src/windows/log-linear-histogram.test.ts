import { describe, expect, it } from 'vitest';
import {
  bucketOf,
  bucketValue,
  HISTOGRAM_ABSOLUTE_ERROR_MS,
  HISTOGRAM_BUCKETS,
  HISTOGRAM_RELATIVE_ERROR,
  LogLinearHistogram,
} from './log-linear-histogram.ts';

/** Nearest-rank percentile of the raw samples: what the histogram approximates. */
function exactPercentile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

function withinBucketError(estimate: number, exact: number): boolean {
  return Math.abs(estimate - exact) <= Math.max(exact * HISTOGRAM_RELATIVE_ERROR, HISTOGRAM_ABSOLUTE_ERROR_MS) + 1e-9;
}

/** Deterministic pseudo-random numbers (mulberry32) so the test is reproducible. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('log-linear buckets', () => {
  it('are monotone and every bucket midpoint maps back to its bucket', () => {
    for (let b = 0; b < HISTOGRAM_BUCKETS; b++) {
      expect(bucketOf(bucketValue(b))).toBe(b);
      if (b > 0) expect(bucketValue(b)).toBeGreaterThan(bucketValue(b - 1));
    }
  });

  it('report any value within the documented error', () => {
    for (let ms = 0.001; ms < 1_000_000; ms *= 1.013) {
      expect(withinBucketError(bucketValue(bucketOf(ms)), ms), `value ${ms}`).toBe(true);
    }
  });

  it('put zero, negative and NaN in the first bucket and huge values in the last', () => {
    expect([0, -5, Number.NaN].map(bucketOf)).toEqual([0, 0, 0]);
    expect(bucketOf(1e12)).toBe(HISTOGRAM_BUCKETS - 1);
  });
});

describe('LogLinearHistogram', () => {
  it('answers p50, p95 and p99 of a skewed distribution within the bucket error', () => {
    const next = random(7);
    const samples: number[] = [];
    const histogram = new LogLinearHistogram();
    for (let i = 0; i < 20_000; i++) {
      // Log-normal-ish latencies: mostly 50-200 ms with a long tail to seconds.
      const ms = Math.exp(4.5 + next() * 1.2 + (next() < 0.05 ? next() * 3 : 0));
      samples.push(ms);
      histogram.record(ms);
    }
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = exactPercentile(samples, q);
      const estimate = histogram.percentile(q);
      expect(withinBucketError(estimate, exact), `q=${q}: ${estimate} vs ${exact}`).toBe(true);
    }
    expect(histogram.total).toBe(20_000);
  });

  it('is empty after reset', () => {
    const histogram = new LogLinearHistogram();
    histogram.record(12);
    histogram.reset();
    expect(histogram.total).toBe(0);
    expect(histogram.percentile(0.5)).toBeNaN();
  });
});
