import * as v from 'valibot';
import { connectionOf, gidSchema, moneyBagSchema } from '../graphql/connection-schemas.ts';
import { openEnum } from '@connectors/core';

/** `OrderDisplayFinancialStatus`. */
export const orderFinancialStatusSchema = openEnum(['AUTHORIZED', 'EXPIRED', 'PAID', 'PARTIALLY_PAID', 'PARTIALLY_REFUNDED', 'PENDING', 'REFUNDED', 'VOIDED']);
/** `OrderDisplayFulfillmentStatus`. */
export const orderFulfillmentStatusSchema = openEnum([
  'FULFILLED', 'IN_PROGRESS', 'ON_HOLD', 'OPEN', 'PARTIALLY_FULFILLED', 'PENDING_FULFILLMENT', 'REQUEST_DECLINED', 'RESTOCKED', 'SCHEDULED', 'UNFULFILLED',
]);

export const orderLineItemSchema = v.looseObject({
  id: gidSchema,
  title: v.string(),
  quantity: v.number(),
  sku: v.nullish(v.string()),
  variant: v.nullish(v.looseObject({ id: gidSchema })),
  originalUnitPriceSet: moneyBagSchema,
});
export type OrderLineItem = v.InferOutput<typeof orderLineItemSchema>;

/** The fields this package selects on `Order`. */
export const orderSchema = v.looseObject({
  id: gidSchema,
  name: v.string(),
  email: v.nullish(v.string()),
  createdAt: v.string(),
  updatedAt: v.string(),
  processedAt: v.nullish(v.string()),
  cancelledAt: v.nullish(v.string()),
  displayFinancialStatus: v.nullish(orderFinancialStatusSchema),
  displayFulfillmentStatus: orderFulfillmentStatusSchema,
  totalPriceSet: moneyBagSchema,
  customer: v.nullish(v.looseObject({ id: gidSchema })),
  lineItems: connectionOf(orderLineItemSchema),
});
export type Order = v.InferOutput<typeof orderSchema>;

export const ordersQuerySchema = v.looseObject({ orders: connectionOf(orderSchema) });
export const orderQuerySchema = v.looseObject({ order: v.nullable(orderSchema) });
