import { type SandboxProvider, type SandboxRequest, type SandboxResponse, type SandboxRouteContext, type SandboxWebhookEvent, seededRandom } from '@connectors/testing/sandbox';
import { slackScheme } from '@connectors/webhooks';
import { SLACK_METHOD_TIERS, type SlackTier } from '../rate-limit/slack-tiers.ts';
import appMention from '../webhooks/__fixtures__/app-mention.json' with { type: 'json' };
import memberJoined from '../webhooks/__fixtures__/member-joined-channel.json' with { type: 'json' };
import messageEvent from '../webhooks/__fixtures__/message.json' with { type: 'json' };
import reactionAdded from '../webhooks/__fixtures__/reaction-added.json' with { type: 'json' };
import { argsOf, failure, isAnswer, type Json } from './slack-sandbox-answers.ts';
import { SANDBOX_BOT, SANDBOX_TEAM, sandboxId, sandboxTs, seedChannels, seedMessages, seedUsers } from './slack-sandbox-data.ts';
import { slackSandboxMethods } from './slack-sandbox-methods.ts';
import { authenticate, refresh, SLACK_SANDBOX_BOT_TOKEN, SLACK_SANDBOX_REFRESH_TOKEN } from './slack-sandbox-tokens.ts';
import type { SlackSandboxCounts, SlackSandboxFaults, TokenRecord } from './slack-sandbox-types.ts';

export { SLACK_SANDBOX_BOT_TOKEN, SLACK_SANDBOX_CLIENT_ID, SLACK_SANDBOX_CLIENT_SECRET, SLACK_SANDBOX_REFRESH_TOKEN } from './slack-sandbox-tokens.ts';
export type { SlackSandboxCounts, SlackSandboxFaults } from './slack-sandbox-types.ts';

/** The signing secret the sandbox signs Events API deliveries with. */
export const SLACK_SANDBOX_SIGNING_SECRET = 'sandbox-signing-secret-0000';

/** A Slack sandbox provider with its own fault switches and counters (one per `startSandbox`). */
export interface SlackSandboxProvider extends SandboxProvider {
  setFaults(faults: SlackSandboxFaults | undefined): void;
  counts(): SlackSandboxCounts;
}

/**
 * Slack's Web API, served by the testing kit's sandbox from this package's fixtures: a workspace with
 * 25 users (one a bot), 12 channels and their history (threads in #general), every method of the
 * connector, `oauth.v2.access` with rotating refresh tokens, the external file upload flow, and Slack's
 * failure modes: `{ ok: false, error }` with HTTP 200 (`invalid_auth`, `not_authed`, `token_expired`,
 * `channel_not_found`, `not_in_channel`, `invalid_arguments`...), `429 ratelimited` with `Retry-After`
 * when a method's tier window is exceeded (and `chat.postMessage` beyond 1 per second per channel),
 * `warning`s, and Events API deliveries signed with `slackScheme`.
 *
 * Serve it with `startSandbox({ providers: [provider] })`; the connector's `baseUrl` is
 * `sandbox.urlFor('slack') + '/api'` (Slack's `https://slack.com/api`).
 */
export function createSlackSandboxProvider(options: { faults?: SlackSandboxFaults; seed?: number } = {}): SlackSandboxProvider {
  let faults: SlackSandboxFaults = options.faults ?? {};
  // Slack's faults draw from their own generator, so switching them on does not shift the sandbox's
  // generic faults (429s, 5xx) for every other provider.
  const random = seededRandom(options.seed ?? 1);
  const counts: SlackSandboxCounts = { tierLimited: {}, tokenExpired: 0, okFalse: 0, refreshes: 0, refreshReuse: 0, posted: 0, uploads: 0 };
  /** Fixed windows per method (and per channel for chat.postMessage), on the sandbox's clock. */
  const windows = new Map<string, { start: number; used: number }>();
  const users = seedUsers();
  const channels = seedChannels();

  function limited(method: string, key: string, limit: number, windowMs: number, now: number): SandboxResponse | undefined {
    let window = windows.get(key);
    if (!window || now >= window.start + windowMs) windows.set(key, (window = { start: now, used: 0 }));
    if (window.used < limit) {
      window.used++;
      return undefined;
    }
    counts.tierLimited[method] = (counts.tierLimited[method] ?? 0) + 1;
    return { ...failure('ratelimited', {}, 429), headers: { 'retry-after': String(Math.max(1, Math.ceil((window.start + windowMs - now) / 1000))) } };
  }

  /** The tier windows Slack documents (per method per workspace per app), and chat.postMessage's 1/s per channel. */
  function tierCheck(method: string, args: Record<string, string>, now: number): SandboxResponse | undefined {
    const tier: SlackTier = SLACK_METHOD_TIERS[method] ?? 2;
    if (method === 'chat.postMessage') return limited(method, `chat.postMessage:${args['channel'] ?? ''}`, 1, 1000, now);
    const perMinute = tier === 'special' ? 600 : ({ 1: 1, 2: 20, 3: 50, 4: 100 } as const)[tier];
    return limited(method, method, perMinute, 60_000, now);
  }

  function api(method: string) {
    return (request: SandboxRequest, context: SandboxRouteContext): SandboxResponse => {
      const caller = authenticate(request, context, { tokenExpired: faults.tokenExpired ?? 0, random, counts });
      if (isAnswer(caller)) return caller;
      const args = argsOf(request);
      const limitedAnswer = tierCheck(method, args, context.now());
      if (limitedAnswer) return limitedAnswer;
      const injected = faults.okFalse;
      if (injected && (!injected.methods || injected.methods.includes(method)) && random() < injected.rate) {
        counts.okFalse++;
        return failure(injected.error);
      }
      return slackSandboxMethods[method]!(args, context, request, caller, counts);
    };
  }

  return {
    name: 'slack',
    auth: { kind: 'none' },
    // Slack's error shape for the sandbox's own answers (injected 429s, 5xx, unknown routes).
    errorBody: (status) => ({ ok: false, error: status === 429 ? 'ratelimited' : status === 404 ? 'unknown_method' : status >= 500 ? 'service_unavailable' : 'invalid_request' }),
    data: {
      users,
      channels,
      messages: seedMessages(channels),
      files: [],
      tokens: [{ token: SLACK_SANDBOX_BOT_TOKEN, kind: 'bot' }, { token: SLACK_SANDBOX_REFRESH_TOKEN, kind: 'refresh' }] satisfies TokenRecord[],
    },
    webhooks: { scheme: slackScheme, secret: SLACK_SANDBOX_SIGNING_SECRET },
    routes: [
      // Exempt from the sandbox's generic faults, like its built-in token endpoint: the demo's 429s and 503s are meant for API calls.
      { method: 'POST', path: '/api/oauth.v2.access', handler: (request: SandboxRequest, context: SandboxRouteContext) => refresh(request, context, counts), faults: false },
      ...Object.keys(slackSandboxMethods).map((method) => ({ method: 'POST', path: `/api/${method}`, handler: api(method) })),
      {
        method: 'POST',
        path: '/upload/v1/:id',
        handler: (request: SandboxRequest, context: SandboxRouteContext): SandboxResponse => {
          const file = (context.data['files'] as Json[]).find((f) => f['id'] === request.params['id']);
          if (!file) return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found' };
          const received = Buffer.byteLength(request.rawBody, 'utf8');
          if (received !== file['size']) return { status: 400, headers: { 'content-type': 'text/plain' }, body: `length mismatch: expected ${String(file['size'])} bytes, got ${received}` };
          file['uploaded'] = true;
          counts.uploads++;
          return { status: 200, headers: { 'content-type': 'text/plain' }, body: `OK - ${received}` };
        },
      },
    ],
    setFaults(next) {
      faults = next ?? {};
    },
    counts: () => structuredClone(counts),
  };
}

/** A Slack sandbox with no Slack-specific faults (the sandbox's generic `faults` still apply). */
export const slackSandboxProvider: SlackSandboxProvider = createSlackSandboxProvider();

/**
 * Sample Events API deliveries for `sandbox.sendWebhooks({ provider: 'slack', events, url })`: a message,
 * an app mention, a reaction and a member joining, each an `event_callback` with its own `event_id`
 * (Slack's dedupe key; the sandbox's duplicate deliveries repeat it).
 */
export function slackSandboxWebhookEvents(count = 8): SandboxWebhookEvent[] {
  const templates = [messageEvent, appMention, reactionAdded, memberJoined];
  return Array.from({ length: count }, (_, i) => {
    const template = templates[i % templates.length]!;
    const eventId = `Ev0SBX${String(i + 1).padStart(5, '0')}`;
    const channel = sandboxId('C', (i % 4) + 1);
    // Each message gets its own ts (a message's id within its channel).
    const ts = sandboxTs(1_750_000_000 + i * 60, i + 1);
    const event = {
      ...template.event,
      ...('channel' in template.event ? { channel } : {}),
      ...('ts' in template.event ? { ts, event_ts: ts } : {}),
      ...('item' in template.event ? { item: { ...template.event.item, channel } } : {}),
    };
    return { id: eventId, type: template.event.type, payload: { ...template, team_id: SANDBOX_TEAM.id, api_app_id: SANDBOX_BOT.appId, event, event_id: eventId, event_time: 1_750_000_000 + i } };
  });
}
