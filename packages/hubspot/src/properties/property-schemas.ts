import * as v from 'valibot';
import { crmObjectSchema, propertyValueSchema } from '../crm/crm-object-schemas.ts';

/** A property definition (`GET /crm/v3/properties/{objectType}`). Source: https://developers.hubspot.com/docs/api/crm/properties */
export const propertyDefinitionSchema = v.looseObject({
  name: v.string(),
  label: v.string(),
  /** `string`, `number`, `date`, `datetime`, `enumeration`, `bool`, `phone_number`. */
  type: v.string(),
  fieldType: v.string(),
  groupName: v.string(),
  description: v.optional(v.string()),
  options: v.optional(v.array(v.looseObject({ label: v.string(), value: v.string(), hidden: v.optional(v.boolean()), displayOrder: v.optional(v.number()) }))),
  hubspotDefined: v.optional(v.boolean()),
  calculated: v.optional(v.boolean()),
  hasUniqueValue: v.optional(v.boolean()),
  archived: v.optional(v.boolean()),
  createdAt: v.optional(v.string()),
  updatedAt: v.optional(v.string()),
});
export type PropertyDefinition = v.InferOutput<typeof propertyDefinitionSchema>;

export const propertyListSchema = v.looseObject({ results: v.array(propertyDefinitionSchema) });

/**
 * A record schema from the account's property definitions: every property the account defines
 * (custom ones included) is declared, so only properties added after discovery are reported as
 * drift. Values stay `string | null` (HubSpot sends all values as text).
 */
export function schemaFromProperties(definitions: readonly Pick<PropertyDefinition, 'name'>[]) {
  return crmObjectSchema(Object.fromEntries(definitions.map((d) => [d.name, propertyValueSchema])) as Record<string, typeof propertyValueSchema>);
}
