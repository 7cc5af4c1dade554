/**
 * `@connectors/hubspot/sandbox`: HubSpot for the testing kit's local sandbox. Needs `@connectors/testing`
 * (a development dependency: the sandbox is for tests, demos and local development).
 */
export {
  hubspotSandboxProvider,
  hubspotSandboxWebhookEvents,
  HUBSPOT_SANDBOX_CLIENT_ID,
  HUBSPOT_SANDBOX_CLIENT_SECRET,
  HUBSPOT_SANDBOX_REFRESH_TOKEN,
  HUBSPOT_SANDBOX_PRIVATE_APP_TOKEN,
  HUBSPOT_SANDBOX_PORTAL_ID,
  HUBSPOT_SANDBOX_SCOPES,
  type HubSpotSandboxOptions,
} from './hubspot-sandbox-provider.ts';
