/**
 * `@connectors/testing/sandbox`: a local provider sandbox for demos and end-to-end tests.
 * Needs neither nock nor vitest.
 */
export {
  startSandbox,
  type Sandbox,
  type SandboxStats,
  type SandboxFaultCounts,
  type StartSandboxOptions,
  type SendWebhooksOptions,
  type SandboxWebhookEvent,
  type WebhookDeliveryResult,
} from './sandbox/start-sandbox.ts';
export type {
  SandboxProvider,
  SandboxRoute,
  SandboxRequest,
  SandboxResponse,
  SandboxRouteContext,
  SandboxAuth,
  SandboxPagination,
  SandboxRateLimit,
  SandboxWebhooks,
  SandboxFaults,
  SandboxPlannedFault,
} from './sandbox/sandbox-provider.ts';
export type { IssuedTokens } from './sandbox/oauth-server.ts';
export { routesFromFixture } from './sandbox/routes-from-fixture.ts';
export { seededRandom } from './sandbox/seeded-random.ts';
export { paginate as sandboxPaginate } from './sandbox/paginate.ts';
export { loadFixture, loadResponse, type FixtureFile, type FixtureResponse, type ResponseSource } from './fixtures/fixture.ts';
export { step, scenarios, times, type Scenario, type ScenarioStep } from './scenarios/scenario.ts';
export { signWebhookFor, type WebhookSigner, type SignedWebhook } from './webhooks/sign-webhook.ts';
