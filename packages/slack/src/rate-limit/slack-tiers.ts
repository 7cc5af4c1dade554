import type { RateBudget, RouteRateLimit, SharedRateLimiter } from '@connectors/core';

/**
 * Slack's Web API rate-limit tiers (https://docs.slack.dev/apis/web-api/rate-limits): limits apply
 * "per API method per workspace per app". Tier 1: 1+ per minute, Tier 2: 20+, Tier 3: 50+, Tier 4: 100+.
 * `special` methods have their own rule (e.g. `chat.postMessage`: about one message per second per channel).
 */
export type SlackTier = 1 | 2 | 3 | 4 | 'special';

/**
 * The tier of each method this package calls, as Slack's method reference lists it and the official
 * Java SDK encodes it (`com.slack.api.methods.MethodsRateLimits` in slackapi/java-slack-sdk).
 * `conversations.history`/`replies` are Tier 3 for Marketplace and internal apps; Slack lowered them to
 * 1 per minute for commercially distributed non-Marketplace apps (2025-05-29): override with `tiers`.
 */
export const SLACK_METHOD_TIERS: Readonly<Record<string, SlackTier>> = {
  'auth.test': 'special',
  'conversations.list': 2,
  'conversations.history': 3,
  'conversations.replies': 3,
  'conversations.info': 3,
  'conversations.join': 3,
  'users.list': 2,
  'users.info': 4,
  'users.lookupByEmail': 3,
  'chat.postMessage': 'special',
  'chat.update': 3,
  'chat.delete': 3,
  'reactions.add': 3,
  'files.getUploadURLExternal': 4,
  'files.completeUploadExternal': 4,
};

const PER_MINUTE: Record<1 | 2 | 3 | 4, number> = { 1: 1, 2: 20, 3: 50, 4: 100 };

/**
 * The budgets of the special methods, from the Java SDK's `MethodsRateLimitTier` (which reads Slack's
 * docs the same way): `auth.test` "hundreds of requests per minute" (600); `chat.postMessage` one per
 * second per channel, with "several hundred messages per minute" for the workspace (kept as 300/min).
 */
const SPECIAL: Readonly<Record<string, { budget: readonly RateBudget[]; perChannel?: RateBudget }>> = {
  'auth.test': { budget: [{ requests: 600, per: '1m' }] },
  'chat.postMessage': { budget: [{ requests: 300, per: '1m' }], perChannel: { requests: 1, per: '1s' } },
};

/** The declared budget for a tier: the tier's floor per minute (Slack allows "+": bursts above it are tolerated, not promised). */
export function tierBudget(tier: 1 | 2 | 3 | 4): RateBudget {
  return { requests: PER_MINUTE[tier], per: '1m' };
}

/** A method's channel argument, the key of Slack's per-channel limits. */
function channelOf(call: { body?: unknown }): string | undefined {
  const channel = (call.body as { channel?: unknown } | undefined)?.channel;
  return typeof channel === 'string' && channel !== '' ? channel : undefined;
}

export interface SlackRateLimitOptions {
  /** Tier overrides by method, e.g. `{ 'conversations.history': 1 }` for a non-Marketplace app. */
  tiers?: Readonly<Record<string, SlackTier>>;
  /**
   * Shares each method's budget across processes (several instances of one app on one workspace).
   * Called once per bucket (`chat.postMessage`, `chat.postMessage:C123`...) with the bucket's budget.
   * @example (bucket, budget) => redisRateLimiter({ redis, key: `ratelimit:slack:${teamId}:${bucket}`, ...budget })
   */
  shared?: (bucket: string, budget: RateBudget) => SharedRateLimiter;
}

/**
 * `rateLimit.routes` for the Slack connector: each method paced by its tier, `chat.postMessage`
 * also per channel, so a burst waits for budget instead of meeting a 429. A method with no known
 * tier is paced as Tier 2, the most common one (the Java SDK's default too).
 */
export function slackRateLimitRoutes(methods: readonly string[], options: SlackRateLimitOptions = {}): Record<string, RouteRateLimit> {
  const routes: Record<string, RouteRateLimit> = {};
  for (const method of methods) {
    const tier = options.tiers?.[method] ?? SLACK_METHOD_TIERS[method] ?? 2;
    const special = tier === 'special' ? SPECIAL[method] : undefined;
    const budgets: readonly RateBudget[] = special ? special.budget : [tierBudget(tier === 'special' ? 2 : tier)];
    const perChannel = special?.perChannel;
    const route: RouteRateLimit = { budget: perChannel ? [...budgets, perChannel] : budgets };
    // Per-channel buckets hold the 1/s rule; the workspace-wide budget is the method's own bucket.
    if (perChannel) route.key = channelOf;
    if (options.shared) {
      const factory = options.shared;
      route.shared = (bucket: string) => factory(bucket, bucket.includes(':') && perChannel ? perChannel : budgets[0]!);
    }
    routes[method] = route;
  }
  return routes;
}
