import * as v from 'valibot';
import { openEnum } from '@connectors/core';
import { expandable, metadataSchema, stripeList, stripeObjectSchema } from '../lists/list-schemas.ts';

export const invoiceLineItemSchema = v.looseObject({
  id: v.string(),
  object: v.literal('line_item'),
  amount: v.number(),
  currency: v.string(),
  description: v.nullable(v.string()),
  quantity: v.nullable(v.number()),
  period: v.looseObject({ start: v.number(), end: v.number() }),
});

/**
 * An invoice. Since API version 2025-03-31 (basil) the subscription it belongs to is under
 * `parent.subscription_details.subscription`, no longer a top-level `subscription`.
 */
export const invoiceSchema = v.looseObject({
  id: v.string(),
  object: v.literal('invoice'),
  customer: v.nullable(expandable(stripeObjectSchema)),
  status: v.nullable(openEnum(['draft', 'open', 'paid', 'uncollectible', 'void'])),
  amount_due: v.number(),
  amount_paid: v.number(),
  amount_remaining: v.number(),
  currency: v.string(),
  created: v.number(),
  due_date: v.nullish(v.number()),
  livemode: v.boolean(),
  metadata: v.nullish(metadataSchema),
  number: v.nullish(v.string()),
  hosted_invoice_url: v.nullish(v.string()),
  invoice_pdf: v.nullish(v.string()),
  lines: stripeList(invoiceLineItemSchema),
  period_start: v.number(),
  period_end: v.number(),
  subtotal: v.number(),
  total: v.number(),
  parent: v.nullish(v.looseObject({ type: v.string() })),
});
export type Invoice = v.InferOutput<typeof invoiceSchema>;
