import type { HttpClient, Paginated } from '@connectors/core';
import { throwOnUserErrors } from '../errors/shopify-user-error.ts';
import { connectionCost, listCall, pageSize, signalOf, type ShopifyCallOptions, type ShopifyListOptions } from '../internal/shopify-call.ts';
import { PRODUCT_CREATE, PRODUCT_QUERY, PRODUCT_UPDATE, PRODUCTS_QUERY, VARIANTS_BULK_CREATE, VARIANTS_BULK_UPDATE, VARIANTS_QUERY } from './product-documents.ts';
import {
  productCreateSchema,
  productQuerySchema,
  productsQuerySchema,
  productUpdateSchema,
  variantsBulkCreateSchema,
  variantsBulkUpdateSchema,
  variantsQuerySchema,
  type Product,
  type ProductVariant,
} from './product-schemas.ts';

export interface ProductListOptions extends ShopifyListOptions {
  /** Shopify's search syntax, e.g. `status:active vendor:Acme updated_at:>2026-01-01`. */
  query?: string;
  /** Variants fetched with each product (1-250). Default 10. */
  variantsFirst?: number;
}

export interface ProductReadOptions extends ShopifyCallOptions {
  /** Variants fetched with the product. Default 10. */
  variantsFirst?: number;
}

/** `ProductCreateInput`: the common fields; any other documented field passes through. */
export interface ProductCreateInput {
  title: string;
  descriptionHtml?: string;
  vendor?: string;
  productType?: string;
  tags?: readonly string[];
  status?: 'ACTIVE' | 'ARCHIVED' | 'DRAFT';
  handle?: string;
  [field: string]: unknown;
}

/** `ProductUpdateInput`: `id` plus the fields to change. */
export interface ProductUpdateInput extends Partial<ProductCreateInput> {
  id: string;
}

/** `ProductVariantsBulkInput`: the common fields. */
export interface ProductVariantInput {
  id?: string;
  price?: string;
  compareAtPrice?: string | null;
  optionValues?: readonly { name: string; optionName: string }[];
  inventoryItem?: { sku?: string; tracked?: boolean; [field: string]: unknown };
  [field: string]: unknown;
}

/** `shopify.products`. Needs `read_products` (and `write_products` to write). */
export interface ProductsApi {
  /** `query products`, every page. Default 20 products per page with 10 variants each (cost 462). */
  list(options?: ProductListOptions): Paginated<Product>;
  /** `query product(id:)`; null when there is no such product. */
  get(id: string, options?: ProductReadOptions): Promise<Product | null>;
  /** `mutation productCreate(product:)`. Throws `ShopifyUserError` with field paths for invalid input. */
  create(product: ProductCreateInput, options?: ProductReadOptions): Promise<Product>;
  /** `mutation productUpdate(product:)`. */
  update(product: ProductUpdateInput, options?: ProductReadOptions): Promise<Product>;
  /** `query productVariants`, every page (all products). Default 100 per page. */
  listVariants(options?: ShopifyListOptions & { query?: string }): Paginated<ProductVariant>;
  /** `mutation productVariantsBulkCreate`: adds variants to a product. */
  createVariants(productId: string, variants: readonly ProductVariantInput[], options?: ShopifyCallOptions): Promise<ProductVariant[]>;
  /** `mutation productVariantsBulkUpdate`: changes variants (each needs `id`). */
  updateVariants(productId: string, variants: readonly (ProductVariantInput & { id: string })[], options?: ShopifyCallOptions): Promise<ProductVariant[]>;
}

/** One product: the object (1), its variants connection (2 + n x (variant 1 + inventoryItem 1)). */
const productCost = (variantsFirst: number) => 1 + connectionCost(variantsFirst, 2);
/** Mutations cost 10; the product they return is selected on top. */
const MUTATION_COST = 10;

function variantsFirstOf(operation: string, value: number | undefined): number {
  return pageSize(`${operation} variantsFirst`, value, 10, () => 0).first;
}

export function createProductsApi(http: HttpClient): ProductsApi {
  return {
    list(options = {}) {
      const variantsFirst = variantsFirstOf('products.list', options.variantsFirst);
      const { first, cost } = pageSize('products.list', options.first, 20, (n) => connectionCost(n, productCost(variantsFirst)));
      return http.graphqlPaginate({
        query: PRODUCTS_QUERY,
        operationName: 'Products',
        variables: { first, variantsFirst, ...(options.query !== undefined ? { query: options.query } : {}) },
        schema: productsQuerySchema,
        connection: 'products',
        estimatedCost: cost,
        ...listCall(options),
      });
    },
    async get(id, options = {}) {
      const variantsFirst = variantsFirstOf('products.get', options.variantsFirst);
      const data = await http.graphql({ query: PRODUCT_QUERY, operationName: 'Product', variables: { id, variantsFirst }, schema: productQuerySchema, estimatedCost: productCost(variantsFirst), ...signalOf(options) });
      return data.product;
    },
    async create(product, options = {}) {
      const variantsFirst = variantsFirstOf('products.create', options.variantsFirst);
      const data = await http.graphql({ query: PRODUCT_CREATE, operationName: 'ProductCreate', variables: { product, variantsFirst }, schema: productCreateSchema, estimatedCost: MUTATION_COST, ...signalOf(options) });
      return throwOnUserErrors('products.create', data.productCreate).product!;
    },
    async update(product, options = {}) {
      const variantsFirst = variantsFirstOf('products.update', options.variantsFirst);
      const data = await http.graphql({ query: PRODUCT_UPDATE, operationName: 'ProductUpdate', variables: { product, variantsFirst }, schema: productUpdateSchema, estimatedCost: MUTATION_COST, ...signalOf(options) });
      return throwOnUserErrors('products.update', data.productUpdate).product!;
    },
    listVariants(options = {}) {
      const { first, cost } = pageSize('products.listVariants', options.first, 100, (n) => connectionCost(n, 2));
      return http.graphqlPaginate({
        query: VARIANTS_QUERY,
        operationName: 'ProductVariants',
        variables: { first, ...(options.query !== undefined ? { query: options.query } : {}) },
        schema: variantsQuerySchema,
        connection: 'productVariants',
        estimatedCost: cost,
        ...listCall(options),
      });
    },
    async createVariants(productId, variants, options = {}) {
      const data = await http.graphql({ query: VARIANTS_BULK_CREATE, operationName: 'ProductVariantsBulkCreate', variables: { productId, variants }, schema: variantsBulkCreateSchema, estimatedCost: MUTATION_COST, ...signalOf(options) });
      return throwOnUserErrors('products.createVariants', data.productVariantsBulkCreate).productVariants ?? [];
    },
    async updateVariants(productId, variants, options = {}) {
      const data = await http.graphql({ query: VARIANTS_BULK_UPDATE, operationName: 'ProductVariantsBulkUpdate', variables: { productId, variants }, schema: variantsBulkUpdateSchema, estimatedCost: MUTATION_COST, ...signalOf(options) });
      return throwOnUserErrors('products.updateVariants', data.productVariantsBulkUpdate).productVariants ?? [];
    },
  };
}
