import * as v from 'valibot';

/** One association type on a link: HubSpot-defined (e.g. 279 contact->company "unlabeled") or a user label. */
export const associationTypeSchema = v.looseObject({
  category: v.string(),
  typeId: v.number(),
  label: v.nullish(v.string()),
});

/** A link from one record to another (associations v4). */
export const associationSchema = v.looseObject({
  toObjectId: v.union([v.number(), v.string()]),
  associationTypes: v.array(associationTypeSchema),
});
export type Association = v.InferOutput<typeof associationSchema>;

export const associationPageSchema = v.looseObject({
  results: v.array(associationSchema),
  paging: v.optional(v.looseObject({ next: v.optional(v.looseObject({ after: v.string() })) })),
});

/** `POST /crm/v4/associations/{from}/{to}/batch/read` result item. */
export const associationBatchItemSchema = v.looseObject({
  from: v.looseObject({ id: v.string() }),
  to: v.array(associationSchema),
});
export type AssociationBatchItem = v.InferOutput<typeof associationBatchItemSchema>;

/** What the v4 create endpoints answer. */
export const associationCreatedSchema = v.looseObject({
  fromObjectTypeId: v.optional(v.string()),
  fromObjectId: v.union([v.number(), v.string()]),
  toObjectTypeId: v.optional(v.string()),
  toObjectId: v.union([v.number(), v.string()]),
  labels: v.optional(v.array(v.string())),
});
