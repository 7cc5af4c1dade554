import { type Sandbox, type SandboxFaults, type SandboxPlannedFault, type SandboxWebhookEvent, seededRandom, type WebhookDeliveryResult } from '@connectors/testing/sandbox';

/** The webhook sources the demo sends deliveries from. */
export type WebhookSource = 'github' | 'stripe' | 'slack';
export const WEBHOOK_SOURCES: readonly WebhookSource[] = ['github', 'stripe', 'slack'];

/** Which events of one source's burst are sent badly signed, and which are delivered twice (indices into the burst). */
export interface WebhookPlan {
  forged: number[];
  duplicated: number[];
}

/** Everything the demo's faults are drawn from: the sandbox's rates and planned faults, and each webhook burst's plan. */
export interface DemoFaultPlan {
  seed: number;
  /** The sandbox's per-request rates (the seed decides where they land) and the faults planned on top of them. */
  faults: SandboxFaults;
  webhooks: Record<WebhookSource, WebhookPlan>;
}

/** What the plan needs to know of each burst: its size, and the events that must never be forged (the dead-letter payload must arrive). */
export type BurstShape = Record<WebhookSource, { count: number; neverForged?: readonly number[] }>;

/** The per-request rates: frequent enough that a short run meets each kind often, short enough (Retry-After 1 s) that it finishes in seconds. */
export const DEMO_FAULT_RATES = {
  rateLimit: { rate: 0.1, retryAfterSeconds: 1 },
  serverError: { rate: 0.06, burst: 2, status: 503 },
  tokenExpiry: 0.1,
} as const satisfies SandboxFaults;

export const WEBHOOK_DUPLICATE_RATE = 0.2;
export const WEBHOOK_BAD_SIGNATURE_RATE = 0.12;
/** Slack's burst is smaller (8 events): a higher rate for its forged deliveries. */
export const SLACK_BAD_SIGNATURE_RATE = 0.25;

/**
 * Planned faults fall on these requests of a provider at the latest. GitHub's first requests come
 * before the first sync is interrupted (startup and its first pages), so a revocation planned there is
 * met and recovered from while the client is reading, never on the call the simulated crash cuts short.
 */
const GITHUB_REVOKE_REQUESTS = [2, 4] as const;
const SYNC_FAULT_REQUESTS = [1, 6] as const;

/**
 * The demo's fault plan for a seed. Every seed gets at least one of each fault the demo announces
 * and checks: a 429, a 503 burst and a revoked GitHub access token (planned on top of the seeded
 * rates), and per webhook source at least one forged delivery and one duplicate of a correctly
 * signed one. The seed varies how many and when, never whether.
 */
export function demoFaultPlan(seed: number, bursts: BurstShape): DemoFaultPlan {
  if (!Number.isSafeInteger(seed)) throw new TypeError(`the demo's seed must be a whole number; got ${String(seed)}`);
  // The sandbox's generator, on a stream of the plan's own (another seed), so the plan never shifts the sandbox's draws.
  const random = seededRandom(seed ^ 0x5eed_fa17);
  const between = ([low, high]: readonly [number, number]) => low + Math.floor(random() * (high - low + 1));
  const planned: SandboxPlannedFault[] = [];
  // A revoked token at GitHub early in the run, and, for some seeds, another one later.
  planned.push({ provider: 'github', request: between(GITHUB_REVOKE_REQUESTS), fault: 'tokenExpiry' });
  if (random() < 0.5) planned.push({ provider: 'github', request: between([7, 9]), fault: 'tokenExpiry' });
  // A 429 and a 503 burst during the sync, on GitHub or Stripe; for some seeds a second of either.
  const syncProvider = () => (random() < 0.5 ? 'github' : 'stripe');
  planned.push({ provider: syncProvider(), request: between(SYNC_FAULT_REQUESTS), fault: 'rateLimit' });
  planned.push({ provider: syncProvider(), request: between(SYNC_FAULT_REQUESTS), fault: 'serverError' });
  // Later than the first two, so it never lengthens their run of failures past the client's retries.
  if (random() < 0.5) planned.push({ provider: syncProvider(), request: between([7, 10]), fault: random() < 0.5 ? 'rateLimit' : 'serverError' });

  const webhooks = {} as Record<WebhookSource, WebhookPlan>;
  for (const source of WEBHOOK_SOURCES) {
    webhooks[source] = webhookPlan(random, bursts[source].count, bursts[source].neverForged ?? [], {
      duplicate: WEBHOOK_DUPLICATE_RATE,
      forged: source === 'slack' ? SLACK_BAD_SIGNATURE_RATE : WEBHOOK_BAD_SIGNATURE_RATE,
    });
  }
  return { seed, faults: { ...DEMO_FAULT_RATES, planned }, webhooks };
}

/** Each event forged and duplicated by the rates, then topped up to at least one forged and one genuine duplicate, and at least one accepted event. */
function webhookPlan(random: () => number, count: number, neverForged: readonly number[], rates: { duplicate: number; forged: number }): WebhookPlan {
  const forgeable = [...Array(count).keys()].filter((i) => !neverForged.includes(i));
  if (forgeable.length < 2) throw new Error(`a webhook burst needs at least two events that may be forged to show a forged and a genuine delivery; got ${forgeable.length}`);
  const forged = new Set<number>();
  const duplicated = new Set<number>();
  for (let i = 0; i < count; i++) {
    const forge = random() < rates.forged;
    const duplicate = random() < rates.duplicate;
    if (forge && !neverForged.includes(i)) forged.add(i);
    if (duplicate) duplicated.add(i);
  }
  const pick = (from: readonly number[]) => from[Math.floor(random() * from.length)]!;
  if (forged.size === 0) forged.add(pick(forgeable));
  // Keep at least one forgeable event genuine (besides the spared ones), so a forged delivery is always next to accepted ones.
  if (forgeable.every((i) => forged.has(i))) forged.delete(pick(forgeable));
  const genuine = [...Array(count).keys()].filter((i) => !forged.has(i));
  if (!genuine.some((i) => duplicated.has(i))) duplicated.add(pick(genuine));
  return { forged: [...forged].sort((a, b) => a - b), duplicated: [...duplicated].sort((a, b) => a - b) };
}

/** Sends a burst as its plan says: each event alone, badly signed and/or delivered twice exactly when planned. */
export async function sendPlannedWebhooks(sandbox: Sandbox, options: { provider: string; url: string; events: readonly SandboxWebhookEvent[]; plan: WebhookPlan }): Promise<WebhookDeliveryResult[]> {
  const results: WebhookDeliveryResult[] = [];
  for (const [i, event] of options.events.entries()) {
    results.push(
      ...(await sandbox.sendWebhooks({
        provider: options.provider,
        url: options.url,
        events: [event],
        badSignatureRate: options.plan.forged.includes(i) ? 1 : 0,
        duplicateRate: options.plan.duplicated.includes(i) ? 1 : 0,
      })),
    );
  }
  return results;
}
