// Verification
export { verifyWebhook, signWebhook, DEFAULT_TOLERANCE_SEC, type VerifyWebhookInput, type SignWebhookInput } from './verify/verify-webhook.ts';
export type { VerifyResult, VerifiedWebhook, VerificationFailure, VerificationFailureReason } from './verify/verify-result.ts';
export type { HeadersInput } from './verify/headers.ts';
export type { WebhookBody } from './verify/raw-body.ts';
export type { WebhookScheme, WebhookSecret, WebhookRequest, SchemeVerifyOptions, SchemeSignInput, HandshakeResponse } from './schemes/webhook-scheme.ts';
export { MAX_SIGNATURE_HEADER_LENGTH, MAX_SIGNATURES, type HmacAlgorithm, type SignatureEncoding } from './schemes/hmac-tools.ts';
export { githubScheme } from './schemes/github-scheme.ts';
export { stripeScheme } from './schemes/stripe-scheme.ts';
export { slackScheme } from './schemes/slack-scheme.ts';
export { shopifyScheme } from './schemes/shopify-scheme.ts';
export { hubspotLegacyScheme, hubspotLegacySchemeFor, type HubspotLegacyVersion } from './schemes/hubspot-legacy-scheme.ts';
export { hubspotV3Scheme } from './schemes/hubspot-v3-scheme.ts';
export { standardWebhooksScheme } from './schemes/standard-webhooks-scheme.ts';
export { hmacScheme, type HmacSchemeOptions, type HmacSchemeContext } from './schemes/hmac-scheme.ts';

// Inbox
export {
  createWebhookInbox,
  type WebhookInbox,
  type WebhookInboxOptions,
  type WebhookSource,
  type WebhookInboxEvent,
  type InboxResponse,
  type InboxDelivery,
} from './inbox/create-webhook-inbox.ts';
export type {
  InboxStore,
  NewInboxEvent,
  PutOutcome,
  StoredInboxEvent,
  LeasedInboxEvent,
  InboxEventState,
  DeadLetterFilter,
  InboxStats,
} from './stores/inbox-store.ts';

// Worker
export {
  createWebhookWorker,
  type WebhookWorker,
  type WebhookWorkerOptions,
  type WebhookWorkerEvent,
  type WebhookWorkerStats,
  type WebhookHandler,
  type WebhookHandlerContext,
  type BackoffOptions,
  type DrainResult,
} from './worker/create-webhook-worker.ts';
export type { WebhookEvent } from './worker/webhook-event.ts';
export {
  createTransactionalWebhookWorker,
  type TransactionalWebhookWorkerOptions,
  type TransactionalWebhookHandler,
  type TransactionalHandlerContext,
} from './worker/create-transactional-webhook-worker.ts';
export type { TransactionalInboxStore, TransactionOutcome } from './stores/transactional-inbox-store.ts';
export type { InboxInspector, InspectedInboxStats, InspectedInboxEvent } from './stores/inbox-inspector.ts';

// Errors
export { InboxStoreError } from './errors/inbox-store-error.ts';
export { UnprocessableEventError } from './errors/unprocessable-event-error.ts';
