import { describe, expect, it } from 'vitest';
import { demoPlanFor } from './demo-plan.ts';
import { DEMO_SEED } from './demo-sandbox.ts';
import { WEBHOOK_SOURCES } from './fault-plan.ts';
import { githubBurst, stripeBurst } from './webhook-burst.ts';

const bursts = { github: githubBurst(), stripe: stripeBurst() };
const seeds = Array.from({ length: 50 }, (_, i) => i + 1);

describe("the demo's fault plan", () => {
  it.each(seeds)('seed %i has every fault the demo announces and checks', (seed) => {
    const plan = demoPlanFor(seed, bursts);
    const planned = plan.faults.planned ?? [];
    const count = (fault: string, providers: readonly string[]) => planned.filter((p) => p.fault === fault && providers.includes(p.provider)).length;
    // "OAuth access tokens revoked mid-run": GitHub is the sandbox's OAuth provider in the demo.
    expect(count('tokenExpiry', ['github'])).toBeGreaterThanOrEqual(1);
    // "429s with Retry-After" and "503 bursts", during the sync.
    expect(count('rateLimit', ['github', 'stripe'])).toBeGreaterThanOrEqual(1);
    expect(count('serverError', ['github', 'stripe'])).toBeGreaterThanOrEqual(1);
    // ...on top of the seeded rates, which stay on.
    expect(plan.faults).toMatchObject({ rateLimit: { rate: expect.any(Number) }, serverError: { rate: expect.any(Number), burst: 2 }, tokenExpiry: expect.any(Number) });

    const sizes = { github: bursts.github.length, stripe: bursts.stripe.length, slack: 8 };
    for (const source of WEBHOOK_SOURCES) {
      const { forged, duplicated } = plan.webhooks[source];
      const all = [...forged, ...duplicated];
      expect(all.every((i) => Number.isInteger(i) && i >= 0 && i < sizes[source]), source).toBe(true);
      // "badly signed webhooks": at least one forged delivery per source, and not all of them.
      expect(forged.length, `${source} forged`).toBeGreaterThanOrEqual(1);
      expect(forged.length, `${source} forged`).toBeLessThan(sizes[source]);
      // "duplicate webhooks": at least one correctly signed event delivered twice (answered 200 and dropped).
      expect(duplicated.filter((i) => !forged.includes(i)).length, `${source} duplicated`).toBeGreaterThanOrEqual(1);
    }
    // The payload that does not match GitHub's schema always arrives signed, so it is dead-lettered.
    const poison = bursts.github.findIndex((event) => event.effect.kind === 'dead-letter');
    expect(poison).toBeGreaterThanOrEqual(0);
    expect(plan.webhooks.github.forged).not.toContain(poison);
  });

  it('is the same for the same seed, and the seed varies how many and when', () => {
    expect(demoPlanFor(DEMO_SEED, bursts)).toEqual(demoPlanFor(DEMO_SEED, bursts));
    const shapes = new Set(seeds.map((seed) => JSON.stringify(demoPlanFor(seed, bursts))));
    expect(shapes.size).toBeGreaterThan(40);
    const revocations = new Set(seeds.map((seed) => (demoPlanFor(seed, bursts).faults.planned ?? []).filter((p) => p.fault === 'tokenExpiry').length));
    expect(revocations.size).toBeGreaterThan(1);
  });

  it('refuses a seed that is not a whole number', () => {
    expect(() => demoPlanFor(Number.NaN, bursts)).toThrow(/whole number/);
  });
});
