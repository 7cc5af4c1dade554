import { AuthError, ConnectorError, type EventListener, type TokenStore } from '@connectors/core';
import { type Slack, slack } from '@connectors/slack';
import type { CredentialCheck } from '../check-credentials.ts';
import type { AppConfig } from '../config.ts';
import type { AppStore } from '../store/app-store.ts';
import type { ListingResult, ListingRunOptions } from '../sync/run-listing.ts';
import type { SlackConfig } from './slack-config.ts';
import { syncSlack } from './slack-sync.ts';

/** Slack in the app: the connector, its startup check and its sync into the app's store. */
export interface SlackPart {
  readonly client: Slack;
  /** Where its channels and messages are kept (the app's store). */
  readonly store: AppStore;
  readonly config: SlackConfig;
  /** `auth.test`: team, bot user and bot id, or what to fix. */
  check(): Promise<CredentialCheck>;
  sync(options?: ListingRunOptions): Promise<ListingResult[]>;
}

/** The Slack connector from the config: a bot token, or rotating OAuth tokens kept in the app's token store. */
export function createSlack(config: AppConfig, slackConfig: SlackConfig, tokenStore: () => TokenStore, onEvent: EventListener[]): Slack {
  const auth = slackConfig.auth;
  return slack.create({
    onEvent,
    ...(config.retry ? { retry: config.retry } : {}),
    ...(slackConfig.baseUrl ? { baseUrl: slackConfig.baseUrl } : {}),
    ...(auth.kind === 'token'
      ? { token: auth.token }
      : {
          // Slack's rotated access tokens live 12 hours and each refresh rotates the refresh token:
          // the new pair is written to the app's token store (encrypted with config.tokenEncryption) before it is used.
          oauth: {
            clientId: auth.clientId,
            clientSecret: auth.clientSecret,
            refreshToken: auth.refreshToken,
            store: tokenStore(),
            credentialId: `slack:${auth.clientId}`,
            ...(auth.tokenUrl ? { tokenUrl: auth.tokenUrl } : {}),
          },
        }),
  });
}

export function createSlackPart(
  config: AppConfig,
  slackConfig: SlackConfig,
  data: { store: AppStore; tokenStore(): TokenStore },
  onEvent: EventListener[],
  observe: (client: Slack) => Slack = (c) => c,
): SlackPart {
  const credential = slackConfig.auth.kind === 'token' ? 'SLACK_BOT_TOKEN' : 'SLACK_CLIENT_ID / SLACK_CLIENT_SECRET / SLACK_REFRESH_TOKEN';
  const client = observe(createSlack(config, slackConfig, () => data.tokenStore(), onEvent));
  return {
    client,
    store: data.store,
    config: slackConfig,
    async check() {
      const base = { connector: 'slack' as const, credential };
      try {
        const { identity } = await client.verifyCredentials();
        return { ...base, ok: true, ...(identity ? { identity } : {}) };
      } catch (error) {
        return { ...base, ok: false, problem: slackProblem(error, credential) };
      }
    },
    sync: (options = {}) => syncSlack(client, data.store, { ...options, ...(slackConfig.pageSize ? { pageSize: slackConfig.pageSize } : {}) }),
  };
}

function slackProblem(error: unknown, name: string): string {
  if (error instanceof AuthError) {
    if (error.code === 'missing') return `${name} is not set`;
    if (error.code === 'refresh-failed') return `Slack refused to rotate the token (${error.providerError ?? 'refresh failed'}): the refresh token is spent or revoked; reinstall the app and set SLACK_REFRESH_TOKEN`;
    return `Slack rejected ${name} (${error.providerError ?? error.code}): the token is wrong, revoked or the app was uninstalled; copy the Bot User OAuth Token (xoxb-...) from OAuth & Permissions`;
  }
  if (ConnectorError.isInstance(error)) return `Slack could not be checked: ${error.message}${error.retryable ? ' (a network or Slack problem; check SLACK_API_URL if you set it, then try again)' : ''}`;
  return `Slack could not be checked: ${error instanceof Error ? error.message : String(error)}`;
}
