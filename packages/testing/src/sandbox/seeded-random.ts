/**
 * A small seeded PRNG (mulberry32). Hand-written because the sandbox only needs reproducible
 * uniform draws in [0, 1): the same seed gives the same faults, so a failing run can be replayed.
 * Exported from `@connectors/testing/sandbox` so a test's or demo's own fault plan draws the same way,
 * on a seed of its own (a separate stream never shifts the sandbox's draws).
 * @throws TypeError when `seed` is not a finite number.
 */
export function seededRandom(seed: number): () => number {
  if (!Number.isFinite(seed)) throw new TypeError(`seed must be a finite number; got ${String(seed)}`);
  let state = Math.floor(seed) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
