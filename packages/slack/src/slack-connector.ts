import {
  bearerAuth,
  createHttpClient,
  defineConnector,
  type AuthStrategy,
  type CommonConnectorOptions,
  type Connector,
  type HttpClient,
  type HttpClientOptions,
} from '@connectors/core';
import { authTestSchema, type AuthTest } from './auth/auth-schemas.ts';
import { slackOAuth, type SlackOAuthOptions } from './auth/slack-oauth.ts';
import { createChatApi, type ChatApi } from './chat/chat-api.ts';
import { createConversationsApi, type ConversationsApi } from './conversations/conversations-api.ts';
import { slackResponseCheck } from './errors/slack-response-check.ts';
import { createFilesApi, type FilesApi, type SendUploadBytes } from './files/files-api.ts';
import { call, slackCursor, type SlackCallOptions } from './internal/slack-call.ts';
import { slackFormBody } from './internal/slack-form-body.ts';
import { createReactionsApi, type ReactionsApi } from './reactions/reactions-api.ts';
import { SLACK_METHOD_TIERS, slackRateLimitRoutes, type SlackRateLimitOptions } from './rate-limit/slack-tiers.ts';
import { createUsersApi, type UsersApi } from './users/users-api.ts';

export const SLACK_BASE_URL = 'https://slack.com/api';
const USER_AGENT = 'connectors-slack/0.1';

/**
 * How to reach Slack. With no credentials option the bot token (`xoxb-...`) is read from
 * `SLACK_BOT_TOKEN` on every call. Common options (`baseUrl`, `retry`, `timeout`, `onEvent`, `auth`,
 * `rateLimit`...) apply too.
 */
export interface SlackOptions extends SlackRateLimitOptions {
  /** A bot (`xoxb-`) or user (`xoxp-`) token that does not expire. */
  token?: string;
  /** Read the token from this environment variable instead. Default `SLACK_BOT_TOKEN`. */
  tokenEnv?: string;
  /** OAuth v2 with token rotation (expiring `xoxe.` tokens), instead of a fixed token. */
  oauth?: SlackOAuthOptions;
}

/** The typed surface of a Slack connector. */
export interface SlackApi {
  auth: { test(options?: SlackCallOptions): Promise<AuthTest> };
  conversations: ConversationsApi;
  users: UsersApi;
  chat: ChatApi;
  reactions: ReactionsApi;
  files: FilesApi;
}

/**
 * A Slack connector instance: the typed surface plus `http`, `name`, `verifyCredentials()` (`auth.test`)
 * and `request` / `paginate` for any other method, with the same auth, envelope, tiers and events:
 * `slack.request({ method: 'POST', path: '/pins.add', operation: 'pins.add', body: { channel, timestamp }, schema })`;
 * `for await (const id of slack.paginate({ method: 'POST', path: '/conversations.members', operation: 'conversations.members', body: { channel } }))`
 * (items `members`: each method's item key is declared in the definition's `listings.routes`).
 */
export type Slack = Connector<SlackApi, string>;

/** The methods this package calls, and any the caller gives a tier to: each gets its tier's budget. */
const methodsOf = (options: SlackRateLimitOptions) => [...new Set([...Object.keys(SLACK_METHOD_TIERS), ...Object.keys(options.tiers ?? {})])];

function authFrom(options: SlackOptions & CommonConnectorOptions): AuthStrategy {
  if (options.auth) return options.auth;
  if (options.oauth) {
    if (options.token !== undefined || options.tokenEnv !== undefined) throw new TypeError('slack: give either `oauth` (rotating tokens) or `token`/`tokenEnv` (a fixed token), not both');
    return slackOAuth(options.oauth);
  }
  if (options.token !== undefined) return bearerAuth({ token: options.token });
  return bearerAuth({ env: options.tokenEnv ?? 'SLACK_BOT_TOKEN' });
}

function identify(data: unknown): string | undefined {
  const me = data as AuthTest | undefined;
  if (!me?.team_id) return undefined;
  return `${me.user} (${me.user_id}${me.bot_id ? `, bot ${me.bot_id}` : ''}) in ${me.team} (${me.team_id})`;
}

/**
 * Sends upload bytes through a core client of its own for the upload host: Slack's upload URL is
 * pre-signed on another host (files.slack.com), so the API token must not go there; retries, timeouts
 * and events stay the core's. Re-sending the bytes to the same URL replaces them, so it is safe to repeat.
 */
function uploadSender(options: CommonConnectorOptions): SendUploadBytes {
  const clients = new Map<string, HttpClient>();
  return async (uploadUrl, bytes, callOptions) => {
    const url = new URL(uploadUrl);
    let client = clients.get(url.origin);
    if (!client) {
      client = createHttpClient({
        connector: 'slack',
        baseUrl: url.origin,
        headers: { 'user-agent': USER_AGENT },
        rateLimit: false,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.clock ? { clock: options.clock } : {}),
        ...(options.random ? { random: options.random } : {}),
        ...(options.onEvent ? { onEvent: options.onEvent } : {}),
        ...(options.retry ? { retry: options.retry } : {}),
        ...(options.timeout ? { timeout: options.timeout } : {}),
      });
      clients.set(url.origin, client);
    }
    await client.request({
      method: 'POST',
      path: uploadUrl,
      route: '/upload',
      operation: 'files.upload',
      body: bytes,
      headers: { 'content-type': 'application/octet-stream' },
      idempotent: true,
      responseType: 'text',
      ...(callOptions.signal ? { signal: callOptions.signal } : {}),
    });
  };
}

/**
 * The Slack connector: Slack's Web API through the core's contracts only. Failures Slack reports
 * in a 200 body (`{ ok: false, error }`) become typed errors through the declared envelope
 * (`slackResponseCheck`), each method is paced by its documented tier (`chat.postMessage` per channel),
 * rotating OAuth tokens are refreshed on `token_expired`, and warnings become `provider-warning` events.
 * @example
 * import { slack } from '@connectors/slack';
 * const client = slack.create({});                  // SLACK_BOT_TOKEN
 * await client.verifyCredentials();                 // auth.test -> 'bot (U0123, bot B0123) in Acme (T0123)'
 * await client.chat.postMessage({ channel: 'C0123ABC', text: 'Deploy finished' });
 */
export const slack = defineConnector<SlackOptions & CommonConnectorOptions, SlackApi, string>({
  name: 'slack',
  client(options): Omit<HttpClientOptions, 'connector'> {
    return {
      baseUrl: options.baseUrl ?? SLACK_BASE_URL,
      auth: authFrom(options),
      headers: { 'user-agent': USER_AGENT, accept: 'application/json' },
      bodyEncoder: slackFormBody,
      // Slack's answers carry `x-slack-req-id` (what its support asks for); it is not in the SDKs' docs, so the
      // usual `x-request-id` is read too.
      requestIdHeaders: ['x-slack-req-id', 'x-request-id'],
      responseCheck: slackResponseCheck,
      rateLimit: { routes: slackRateLimitRoutes(methodsOf(options), options) },
      credentialsCheck: { method: 'POST', path: '/auth.test', operation: 'auth.test', schema: authTestSchema, identify },
    };
  },
  api(http: HttpClient, options): SlackApi {
    return {
      auth: { test: (callOptions = {}) => call(http, 'auth.test', {}, authTestSchema, { ...callOptions, safe: true }) },
      conversations: createConversationsApi(http),
      users: createUsersApi(http),
      chat: createChatApi(http),
      reactions: createReactionsApi(http),
      files: createFilesApi(http, uploadSender(options)),
    };
  },
  listings: {
    pagination: slackCursor(),
    // Each listing method names its own item list; `paginate` of any other method gives `items` itself.
    routes: {
      'conversations.list': { items: 'channels' },
      'conversations.history': { items: 'messages' },
      'conversations.replies': { items: 'messages' },
      'conversations.members': { items: 'members' },
      'users.list': { items: 'members' },
      'users.conversations': { items: 'channels' },
      'files.list': { items: 'files' },
      'reactions.list': { items: 'items' },
    },
  },
});
