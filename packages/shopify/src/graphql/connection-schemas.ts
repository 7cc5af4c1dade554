import * as v from 'valibot';

/** `pageInfo` of a Relay connection, as Shopify returns it. */
export const pageInfoSchema = v.looseObject({
  hasNextPage: v.boolean(),
  endCursor: v.nullable(v.string()),
});

/**
 * A Shopify connection selected as `nodes { ... } pageInfo { hasNextPage endCursor }`, the shape
 * every list document in this package uses (the core's `graphqlPaginate` reads `nodes` and `pageInfo`).
 */
export function connectionOf<const S extends v.GenericSchema>(node: S) {
  return v.looseObject({ nodes: v.array(node), pageInfo: pageInfoSchema });
}

/** Shopify's `Money` and `Decimal` scalars are decimal strings (`"19.99"`), never floats. */
export const moneyAmountSchema = v.pipe(v.string(), v.regex(/^-?\d+(\.\d+)?$/, 'a decimal amount such as "19.99"'));

/** `MoneyV2`. */
export const moneySchema = v.looseObject({ amount: moneyAmountSchema, currencyCode: v.string() });

/** `MoneyBag`: the amount in the shop's and in the presentment currency. */
export const moneyBagSchema = v.looseObject({ shopMoney: moneySchema, presentmentMoney: v.optional(moneySchema) });

/** `UserError` / typed user errors on mutations: `field` is the path to the input that was wrong. */
export const userErrorSchema = v.looseObject({
  field: v.nullish(v.array(v.string())),
  message: v.string(),
  code: v.nullish(v.string()),
});
export type ShopifyUserErrorEntry = v.InferOutput<typeof userErrorSchema>;

/** A global id such as `gid://shopify/Product/123`. */
export const gidSchema = v.pipe(v.string(), v.startsWith('gid://shopify/', 'a Shopify global id (gid://shopify/Type/123)'));
