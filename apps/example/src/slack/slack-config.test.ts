import { describe, expect, it } from 'vitest';
import { slackConfigFromEnv } from './slack-config.ts';

describe('slackConfigFromEnv', () => {
  it('leaves Slack off when nothing is set, and reads a bot token with the optional settings', () => {
    expect(slackConfigFromEnv({})).toEqual({ config: undefined, problems: [] });
    expect(slackConfigFromEnv({ SLACK_BOT_TOKEN: 'xoxb-example', SLACK_SIGNING_SECRET: 'sig', SLACK_POST_CHANNEL: 'C0123' }).config).toEqual({
      auth: { kind: 'token', token: 'xoxb-example' },
      signingSecret: 'sig',
      postChannel: 'C0123',
    });
  });

  it('reads OAuth with rotation, and says what is missing or mixed up', () => {
    const oauth = { SLACK_CLIENT_ID: '1.2', SLACK_CLIENT_SECRET: 's', SLACK_REFRESH_TOKEN: 'xoxe-1-r' };
    expect(slackConfigFromEnv(oauth).config?.auth).toEqual({ kind: 'oauth', clientId: '1.2', clientSecret: 's', refreshToken: 'xoxe-1-r' });
    expect(slackConfigFromEnv({ SLACK_CLIENT_ID: '1.2' }).problems[0]).toMatch(/SLACK_CLIENT_SECRET, SLACK_REFRESH_TOKEN are not set/);
    expect(slackConfigFromEnv({ ...oauth, SLACK_BOT_TOKEN: 'xoxb-example' }).problems[0]).toMatch(/not both/);
    expect(slackConfigFromEnv({ SLACK_BOT_TOKEN: 'xapp-example' }).problems[0]).toMatch(/app-level \(xapp-\) token/);
  });
});
