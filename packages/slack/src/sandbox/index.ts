/**
 * `@connectors/slack/sandbox`: Slack for the testing kit's local sandbox. Needs `@connectors/testing`
 * (a development dependency: the sandbox is for tests, demos and local development).
 */
export {
  createSlackSandboxProvider,
  slackSandboxProvider,
  slackSandboxWebhookEvents,
  SLACK_SANDBOX_BOT_TOKEN,
  SLACK_SANDBOX_CLIENT_ID,
  SLACK_SANDBOX_CLIENT_SECRET,
  SLACK_SANDBOX_REFRESH_TOKEN,
  SLACK_SANDBOX_SIGNING_SECRET,
  type SlackSandboxFaults,
  type SlackSandboxCounts,
  type SlackSandboxProvider,
} from './slack-sandbox-provider.ts';
export { SANDBOX_TEAM as SLACK_SANDBOX_TEAM, SANDBOX_BOT as SLACK_SANDBOX_BOT, SANDBOX_SIZES as SLACK_SANDBOX_SIZES } from './slack-sandbox-data.ts';
