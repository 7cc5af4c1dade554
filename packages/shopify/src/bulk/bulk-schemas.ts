import * as v from 'valibot';
import { gidSchema, userErrorSchema } from '../graphql/connection-schemas.ts';
import { openEnum } from '@connectors/core';

/** `BulkOperationStatus`. */
export const bulkOperationStatusSchema = openEnum(['CANCELED', 'CANCELING', 'COMPLETED', 'CREATED', 'EXPIRED', 'FAILED', 'RUNNING']);
/** `BulkOperationErrorCode`. */
export const bulkOperationErrorCodeSchema = openEnum(['ACCESS_DENIED', 'INTERNAL_SERVER_ERROR', 'TIMEOUT']);

/** `BulkOperation`. `url` is a signed link to the JSONL result, valid for a week after completion. */
export const bulkOperationSchema = v.looseObject({
  id: gidSchema,
  status: bulkOperationStatusSchema,
  errorCode: v.nullish(bulkOperationErrorCodeSchema),
  createdAt: v.string(),
  completedAt: v.nullish(v.string()),
  objectCount: v.union([v.string(), v.number()]),
  fileSize: v.nullish(v.union([v.string(), v.number()])),
  url: v.nullish(v.string()),
  partialDataUrl: v.nullish(v.string()),
  query: v.optional(v.string()),
});
export type BulkOperation = v.InferOutput<typeof bulkOperationSchema>;

export const bulkRunQuerySchema = v.looseObject({
  bulkOperationRunQuery: v.looseObject({ bulkOperation: v.nullable(bulkOperationSchema), userErrors: v.array(userErrorSchema) }),
});
export const bulkNodeQuerySchema = v.looseObject({ node: v.nullable(bulkOperationSchema) });
export const currentBulkOperationSchema = v.looseObject({ currentBulkOperation: v.nullable(bulkOperationSchema) });
export const bulkCancelSchema = v.looseObject({
  bulkOperationCancel: v.looseObject({ bulkOperation: v.nullable(bulkOperationSchema), userErrors: v.array(userErrorSchema) }),
});
