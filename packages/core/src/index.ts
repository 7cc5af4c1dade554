export * from './errors/index.ts';
export { classifyGraphQLErrors, type GraphQLRequestOptions } from './graphql/graphql-call.ts';
export { connectionPagination, type GraphQLPaginateOptions } from './graphql/graphql-pagination.ts';
export { createCostPacer } from './graphql/cost-pacer.ts';
export type { CostAdmission, CostPacer, CostState, CostTicket, GraphQLClientOptions, GraphQLCostReader } from './graphql/graphql-types.ts';
export {
  createHttpClient,
  HttpClient,
  type AttemptContext,
  type AttemptInput,
  type AttemptMiddleware,
  type ApiVersionPin,
  type CredentialsCheck,
  type HttpClientOptions,
  type HttpErrorFactoryInput,
  type HttpMethod,
  type HttpResponse,
  type RequestOptions,
  type ResponseData,
  type TimeoutOptions,
  type VerifiedCredentials,
} from './http/create-http-client.ts';
export { EventHub, type ConnectorEvent, type ConnectorEventOf, type ConnectorEventType, type EventInput, type EventListener, type EventBase, type AttemptOutcome } from './http/events.ts';
export { jsonBody, formBody, type BodyEncoder } from './http/body-encoders.ts';
export {
  bodyEnvelope,
  type BodyEnvelopeOptions,
  type EnvelopeCodeRule,
  type InspectedResponse,
  type ResponseCheck,
  type ResponseVerdict,
  type ResponseVerdictKind,
} from './http/response-check.ts';
export { fillPath, joinUrl, appendQuery, type PathParams, type QueryParams, type QueryValue } from './http/build-url.ts';
export { readDeprecation, type DeprecationNotice } from './http/deprecation.ts';
export { parseLinkHeader } from './http/link-header.ts';
export { parseRetryAfter, readRateLimitHeaders, serverRetryDelayMs, resetToEpochMs, type RateLimitState } from './retry/retry-after.ts';
export {
  backoffDelayMs,
  classifyStatus,
  resolveRetryPolicy,
  DEFAULT_RETRYABLE_STATUSES,
  IDEMPOTENT_METHODS,
  type RetryOptions,
  type RetryVerdict,
  type RetryBudgetOptions,
  type ResolvedRetryPolicy,
} from './retry/retry-policy.ts';
export { RetryBudget } from './retry/retry-budget.ts';
export * from './auth/index.ts';
export {
  validate,
  formatIssuePath,
  type DriftMode,
  type InferOutput,
  type Schema,
  type ValidationContext,
  type ValidationOptions,
} from './validation/validate.ts';
export { findDrift, type DriftFinding } from './validation/find-drift.ts';
export { openEnum } from './validation/open-enum.ts';
export * from './pagination/index.ts';
export * from './rate-limit/index.ts';
export { systemClock, type Clock } from './internal/clock.ts';
export { redactText, redactUrl, REDACTED, SENSITIVE_QUERY_PARAMS } from './internal/redact.ts';
export {
  defineConnector,
  type CommonConnectorOptions,
  type Connector,
  type ConnectorDefinition,
  type ConnectorInstance,
} from './connector/define-connector.ts';
export { systemErrorCode } from './internal/system-error-code.ts';
