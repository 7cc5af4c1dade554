import * as v from 'valibot';
import { connectionOf, gidSchema, moneyAmountSchema, userErrorSchema } from '../graphql/connection-schemas.ts';
import { openEnum } from '@connectors/core';

/** `ProductStatus`. Open: a value Shopify adds is reported as drift, not a failure. */
export const productStatusSchema = openEnum(['ACTIVE', 'ARCHIVED', 'DRAFT', 'UNLISTED']);

/** The fields this package selects on `ProductVariant`. */
export const productVariantSchema = v.looseObject({
  id: gidSchema,
  title: v.string(),
  sku: v.nullish(v.string()),
  price: moneyAmountSchema,
  compareAtPrice: v.nullish(moneyAmountSchema),
  inventoryQuantity: v.nullish(v.number()),
  inventoryItem: v.optional(v.looseObject({ id: gidSchema })),
  createdAt: v.string(),
  updatedAt: v.string(),
});
export type ProductVariant = v.InferOutput<typeof productVariantSchema>;

/** The fields this package selects on `Product`, with its first variants. */
export const productSchema = v.looseObject({
  id: gidSchema,
  title: v.string(),
  handle: v.string(),
  status: productStatusSchema,
  vendor: v.string(),
  productType: v.string(),
  tags: v.array(v.string()),
  descriptionHtml: v.optional(v.string()),
  totalInventory: v.nullish(v.number()),
  createdAt: v.string(),
  updatedAt: v.string(),
  variants: connectionOf(productVariantSchema),
});
export type Product = v.InferOutput<typeof productSchema>;

export const productsQuerySchema = v.looseObject({ products: connectionOf(productSchema) });
export const productQuerySchema = v.looseObject({ product: v.nullable(productSchema) });

const productPayload = v.looseObject({ product: v.nullable(productSchema), userErrors: v.array(userErrorSchema) });
export const productCreateSchema = v.looseObject({ productCreate: productPayload });
export const productUpdateSchema = v.looseObject({ productUpdate: productPayload });

const variantsPayload = v.looseObject({ productVariants: v.nullable(v.array(productVariantSchema)), userErrors: v.array(userErrorSchema) });
export const variantsBulkCreateSchema = v.looseObject({ productVariantsBulkCreate: variantsPayload });
export const variantsBulkUpdateSchema = v.looseObject({ productVariantsBulkUpdate: variantsPayload });
export const variantsQuerySchema = v.looseObject({ productVariants: connectionOf(productVariantSchema) });
