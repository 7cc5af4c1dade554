export { hubspot, HUBSPOT_BASE_URL, type HubSpot, type HubSpotApi, type HubSpotOptions } from './hubspot-connector.ts';
export { hubspotOAuth, HUBSPOT_TOKEN_URL, HUBSPOT_REFRESH_MARGIN_MS, type HubSpotOAuthOptions } from './auth/hubspot-oauth.ts';
export { HubSpotError, toHubSpotError, readHubSpotErrorBody, missingScopesOf, hubspotErrorBodySchema, type HubSpotErrorBody, type HubSpotErrorCategory, type HubSpotFieldError } from './errors/hubspot-error.ts';
export { hubspotRateLimit, HUBSPOT_LIMITS, SEARCH_ROUTE, isSearchPath } from './rate-limit/hubspot-rate-limit.ts';

export {
  createCrmObjectsApi,
  type CrmObjectsApi,
  type CreateInput,
  type UpdateInput,
  type UpsertInput,
  type PropertyInput,
  type AssociationInput,
  type SearchOptions,
  type BatchReadOptions,
} from './crm/crm-objects-api.ts';
export {
  crmObjectSchema,
  propertiesSchema,
  propertyValueSchema,
  crmPageSchema,
  crmSearchPageSchema,
  batchResponseSchema,
  batchErrorSchema,
  contactSchema,
  companySchema,
  dealSchema,
  ticketSchema,
  contactProperties,
  companyProperties,
  dealProperties,
  ticketProperties,
  lastModifiedProperty,
  type CrmObject,
  type PropertyShape,
  type Contact,
  type Company,
  type Deal,
  type Ticket,
  type BatchItemError,
} from './crm/crm-object-schemas.ts';
export { SEARCH_RESULT_CAP, SEARCH_MAX_PAGE, LIST_MAX_PAGE, type CrmReadOptions, type CrmGetOptions, type CrmListOptions } from './crm/crm-request.ts';
export type { SearchRequest, SearchFilter, SearchFilterGroup, SearchSort, FilterOperator } from './crm/search-request.ts';
export type { SearchAll, SearchAllPage, SearchAllOptions, ModifiedSinceCheckpoint } from './crm/search-all.ts';
export { BATCH_LIMIT, HubSpotBatchError, type BatchOutcome, type BatchFailure } from './batch/run-batch.ts';

export { createAssociationsApi, type AssociationsApi, type AssociationSpec } from './associations/associations-api.ts';
export { associationSchema, type Association, type AssociationBatchItem } from './associations/association-schemas.ts';
export { createPropertiesApi, type PropertiesApi, type PropertyCreateInput } from './properties/properties-api.ts';
export { propertyDefinitionSchema, schemaFromProperties, type PropertyDefinition } from './properties/property-schemas.ts';
export { createAccountApi, type AccountApi } from './account/account-api.ts';
export { accountDetailsSchema, type AccountDetails, type TokenInfo } from './account/account-schemas.ts';

export { syncCrmObjects, memorySyncStateStore, type SyncState, type SyncStateStore, type SyncCrmObjectsOptions, type SyncCrmObjectsResult } from './sync/sync-crm-objects.ts';

export { verifyHubSpotWebhook, parseHubSpotEvents, parseHubSpotEvent, hubspotEventInbox, hubspotV3Scheme, hubspotLegacyScheme, type HubSpotWebhookResult } from './webhooks/hubspot-webhooks.ts';
export { hubspotWebhookEventSchema, type HubSpotWebhookEvent, type HubSpotSubscriptionType, type HubSpotObjectName, type HubSpotEventAction } from './webhooks/webhook-event-schemas.ts';
