/** How the app reaches Slack: a bot token, or OAuth v2 with token rotation (expiring `xoxe.` tokens). */
export type SlackAuthConfig =
  | { kind: 'token'; token: string }
  | {
      kind: 'oauth';
      clientId: string;
      clientSecret: string;
      /** Seeds the token store on first boot only; after that the rotated token in the database wins. */
      refreshToken: string;
      /** Default Slack's `oauth.v2.access`. */
      tokenUrl?: string;
    };

/** The Slack part of the app's configuration. Slack is optional: without credentials it is left out. */
export interface SlackConfig {
  auth: SlackAuthConfig;
  /** Default https://slack.com/api. */
  baseUrl?: string;
  /** The app's signing secret; without it, /webhooks/slack is not mounted. */
  signingSecret?: string;
  /** Where the demo and `pnpm start` post their message (a channel id the bot is in). */
  postChannel?: string;
  /** Items per page, 1-1000. Default 200. */
  pageSize?: number;
}

type Env = Readonly<Record<string, string | undefined>>;

export const SLACK_ENVIRONMENT_HELP = [
  'SLACK_BOT_TOKEN         optional: a Slack bot token (xoxb-...) with channels:read, channels:history, groups:read, groups:history, chat:write',
  'SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_REFRESH_TOKEN   Slack OAuth with token rotation instead of SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET    enables /webhooks/slack (Events API, interactivity, slash commands)',
  'SLACK_POST_CHANNEL      a channel id to post a "sync finished" message to; SLACK_API_URL another API host',
];

/** Reads Slack's settings; `undefined` config when none is set (Slack stays off), problems when they are half set. */
export function slackConfigFromEnv(env: Env): { config: SlackConfig | undefined; problems: string[] } {
  const get = (name: string): string | undefined => env[name]?.trim() || undefined;
  const oauthVars = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_REFRESH_TOKEN'] as const;
  const given = oauthVars.filter((name) => get(name) !== undefined);
  const token = get('SLACK_BOT_TOKEN');
  let auth: SlackAuthConfig | undefined;
  if (given.length > 0) {
    const missing = oauthVars.filter((name) => get(name) === undefined);
    if (missing.length) return { config: undefined, problems: [`Slack OAuth: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set (all three are needed, or use SLACK_BOT_TOKEN instead)`] };
    if (token) return { config: undefined, problems: ['Slack: set SLACK_BOT_TOKEN or the SLACK_CLIENT_* / SLACK_REFRESH_TOKEN variables, not both'] };
    auth = { kind: 'oauth', clientId: get('SLACK_CLIENT_ID')!, clientSecret: get('SLACK_CLIENT_SECRET')!, refreshToken: get('SLACK_REFRESH_TOKEN')!, ...(get('SLACK_TOKEN_URL') ? { tokenUrl: get('SLACK_TOKEN_URL')! } : {}) };
  } else if (token) {
    if (!/^xox[bp]-/.test(token)) return { config: undefined, problems: ['SLACK_BOT_TOKEN must be a bot (xoxb-) or user (xoxp-) token; an app-level (xapp-) token cannot call these methods'] };
    auth = { kind: 'token', token };
  }
  if (!auth) return { config: undefined, problems: [] };
  const baseUrl = get('SLACK_API_URL');
  const signingSecret = get('SLACK_SIGNING_SECRET');
  const postChannel = get('SLACK_POST_CHANNEL');
  return { config: { auth, ...(baseUrl ? { baseUrl } : {}), ...(signingSecret ? { signingSecret } : {}), ...(postChannel ? { postChannel } : {}) }, problems: [] };
}
