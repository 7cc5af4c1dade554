import * as v from 'valibot';

/**
 * CRM property values: HubSpot sends every value as a string (numbers, dates and booleans
 * included) or null. Source: https://developers.hubspot.com/docs/guides/api/crm/understanding-the-crm
 */
export const propertyValueSchema = v.nullable(v.string());

/** Declared properties of an object type: name -> value schema (usually `propertyValueSchema`). */
export type PropertyShape = Record<string, v.GenericSchema<unknown, unknown>>;

/**
 * A `properties` object: the declared properties typed (each optional: HubSpot returns only the
 * properties asked for), every other property kept as an open record entry. Undeclared properties
 * (custom ones) are reported as schema drift, so a property added in HubSpot shows up in your events
 * instead of passing silently; declare them from the properties API with `schemaFromProperties`.
 */
export function propertiesSchema<P extends PropertyShape>(declared: P) {
  const entries = Object.fromEntries(Object.entries(declared).map(([name, schema]) => [name, v.optional(schema)])) as { [K in keyof P]: v.OptionalSchema<P[K], undefined> };
  return v.looseObject(entries);
}

const associationRefSchema = v.looseObject({ id: v.string(), type: v.string() });
/** `associations` as the object endpoints return them with `?associations=deals`. */
export const associationsFieldSchema = v.record(
  v.string(),
  v.looseObject({ results: v.array(associationRefSchema), paging: v.optional(v.unknown()) }),
);

/** A CRM object (`SimplePublicObject` in HubSpot's API description) with typed properties. */
export function crmObjectSchema<P extends PropertyShape>(declared: P) {
  return v.looseObject({
    id: v.string(),
    properties: propertiesSchema(declared),
    createdAt: v.string(),
    updatedAt: v.string(),
    archived: v.optional(v.boolean()),
    archivedAt: v.optional(v.string()),
    associations: v.optional(associationsFieldSchema),
    propertiesWithHistory: v.optional(v.record(v.string(), v.array(v.looseObject({ value: v.string(), timestamp: v.string() })))),
    /** Echoed from batch inputs, to match results to inputs. */
    objectWriteTraceId: v.optional(v.string()),
    /** Batch upsert: whether the record was created. */
    new: v.optional(v.boolean()),
    url: v.optional(v.string()),
  });
}
export type CrmObject<P extends PropertyShape = PropertyShape> = v.InferOutput<ReturnType<typeof crmObjectSchema<P>>>;

/** `paging.next.after`: the cursor of the next page (absent on the last). */
export const pagingSchema = v.looseObject({
  next: v.optional(v.looseObject({ after: v.string(), link: v.optional(v.string()) })),
});

/** A GET listing page: `{ results, paging? }`. */
export function crmPageSchema<T extends v.GenericSchema>(item: T) {
  return v.looseObject({ results: v.array(item), paging: v.optional(pagingSchema) });
}

/** A search page: `{ total, results, paging? }`. `total` is the match count, which may exceed the 10,000 that paging can reach. */
export function crmSearchPageSchema<T extends v.GenericSchema>(item: T) {
  return v.looseObject({ total: v.number(), results: v.array(item), paging: v.optional(pagingSchema) });
}

/** One failed item of a batch (a 207 multi-status answer, or the errors of a partly failed batch). */
export const batchErrorSchema = v.looseObject({
  status: v.string(),
  category: v.string(),
  message: v.string(),
  subCategory: v.optional(v.unknown()),
  /** e.g. `{ ids: ['123'] }` for objects not found, `{ objectWriteTraceId: ['2'] }`. */
  context: v.optional(v.record(v.string(), v.unknown())),
  errors: v.optional(v.array(v.looseObject({ message: v.string(), in: v.optional(v.string()), code: v.optional(v.string()) }))),
  id: v.optional(v.string()),
});
export type BatchItemError = v.InferOutput<typeof batchErrorSchema>;

/** A batch answer (`BatchResponseSimplePublicObject[WithErrors]`): 200 when all succeeded, 207 when some failed. */
export function batchResponseSchema<T extends v.GenericSchema>(item: T) {
  return v.looseObject({
    status: v.string(),
    results: v.array(item),
    errors: v.optional(v.array(batchErrorSchema)),
    numErrors: v.optional(v.number()),
    requestedAt: v.optional(v.string()),
    startedAt: v.optional(v.string()),
    completedAt: v.optional(v.string()),
  });
}

/** The properties every contact search and listing returns by default. */
export const contactProperties = {
  email: propertyValueSchema,
  firstname: propertyValueSchema,
  lastname: propertyValueSchema,
  phone: propertyValueSchema,
  company: propertyValueSchema,
  lifecyclestage: propertyValueSchema,
  createdate: propertyValueSchema,
  lastmodifieddate: propertyValueSchema,
  hs_object_id: propertyValueSchema,
};
export const companyProperties = {
  name: propertyValueSchema,
  domain: propertyValueSchema,
  industry: propertyValueSchema,
  city: propertyValueSchema,
  createdate: propertyValueSchema,
  hs_lastmodifieddate: propertyValueSchema,
  hs_object_id: propertyValueSchema,
};
export const dealProperties = {
  dealname: propertyValueSchema,
  amount: propertyValueSchema,
  closedate: propertyValueSchema,
  pipeline: propertyValueSchema,
  dealstage: propertyValueSchema,
  createdate: propertyValueSchema,
  hs_lastmodifieddate: propertyValueSchema,
  hs_object_id: propertyValueSchema,
};
export const ticketProperties = {
  subject: propertyValueSchema,
  content: propertyValueSchema,
  hs_pipeline: propertyValueSchema,
  hs_pipeline_stage: propertyValueSchema,
  hs_ticket_priority: propertyValueSchema,
  createdate: propertyValueSchema,
  hs_lastmodifieddate: propertyValueSchema,
  hs_object_id: propertyValueSchema,
};

export const contactSchema = crmObjectSchema(contactProperties);
export const companySchema = crmObjectSchema(companyProperties);
export const dealSchema = crmObjectSchema(dealProperties);
export const ticketSchema = crmObjectSchema(ticketProperties);
export type Contact = v.InferOutput<typeof contactSchema>;
export type Company = v.InferOutput<typeof companySchema>;
export type Deal = v.InferOutput<typeof dealSchema>;
export type Ticket = v.InferOutput<typeof ticketSchema>;

/**
 * The property that holds the last-modified time: contacts use `lastmodifieddate`, every other
 * object `hs_lastmodifieddate` (HubSpot's search docs list the default properties per object).
 */
export function lastModifiedProperty(objectType: string): string {
  return objectType === 'contacts' || objectType === '0-1' ? 'lastmodifieddate' : 'hs_lastmodifieddate';
}
