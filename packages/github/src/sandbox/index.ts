/**
 * `@connectors/github/sandbox`: GitHub for the testing kit's local sandbox. Needs `@connectors/testing`
 * (a development dependency: the sandbox is for tests, demos and local development).
 */
export {
  githubSandboxProvider,
  githubSandboxWebhookEvents,
  GITHUB_SANDBOX_TOKEN,
  GITHUB_SANDBOX_INSTALLATION_TOKEN,
  GITHUB_SANDBOX_INSTALLATION_ID,
  GITHUB_SANDBOX_WEBHOOK_SECRET,
  GITHUB_SANDBOX_REPO,
  GITHUB_SANDBOX_ORG,
} from './github-sandbox-provider.ts';
