import * as v from 'valibot';

/**
 * The subscription types of HubSpot's webhooks API for CRM objects (`{object}.{event}`), as listed
 * in https://developers.hubspot.com/docs/api/webhooks (subscription types). Others (conversation.*,
 * object.* for generic subscriptions) pass through as strings.
 */
export type HubSpotObjectName = 'contact' | 'company' | 'deal' | 'ticket' | 'product' | 'line_item';
export type HubSpotEventAction = 'creation' | 'deletion' | 'propertyChange' | 'associationChange' | 'merge' | 'restore';
export type HubSpotSubscriptionType = `${HubSpotObjectName}.${HubSpotEventAction}` | 'contact.privacyDeletion' | (string & {});

/**
 * One webhook event. HubSpot POSTs a JSON array of up to 100 of these per request; `eventId` is
 * unique per event and is the key to deduplicate on (retries resend the batch with a higher `attemptNumber`).
 * Source: https://developers.hubspot.com/docs/api/webhooks (webhook payloads).
 */
export const hubspotWebhookEventSchema = v.looseObject({
  eventId: v.number(),
  subscriptionId: v.number(),
  portalId: v.number(),
  appId: v.optional(v.number()),
  /** Epoch ms. */
  occurredAt: v.number(),
  subscriptionType: v.string(),
  attemptNumber: v.number(),
  objectId: v.optional(v.number()),
  /** propertyChange: which property and its new value. */
  propertyName: v.optional(v.string()),
  propertyValue: v.optional(v.string()),
  changeSource: v.optional(v.string()),
  changeFlag: v.optional(v.string()),
  sourceId: v.optional(v.string()),
  /** merge */
  primaryObjectId: v.optional(v.number()),
  mergedObjectIds: v.optional(v.array(v.number())),
  newObjectId: v.optional(v.number()),
  numberOfPropertiesMoved: v.optional(v.number()),
  /** associationChange */
  associationType: v.optional(v.string()),
  fromObjectId: v.optional(v.number()),
  toObjectId: v.optional(v.number()),
  associationRemoved: v.optional(v.boolean()),
  isPrimaryAssociation: v.optional(v.boolean()),
});

/** A webhook event, with `subscriptionType` narrowed to the documented names. */
// An intersection, not Omit: Omit over the loose object's index signature would erase the named fields.
export type HubSpotWebhookEvent = v.InferOutput<typeof hubspotWebhookEventSchema> & { subscriptionType: HubSpotSubscriptionType };

/** A delivery's body: an array of events (HubSpot sends up to 100 per request). */
export const hubspotWebhookBatchSchema = v.pipe(v.array(hubspotWebhookEventSchema), v.maxLength(100));
