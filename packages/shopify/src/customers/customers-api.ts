import type { HttpClient, Paginated } from '@connectors/core';
import { throwOnUserErrors } from '../errors/shopify-user-error.ts';
import { connectionCost, listCall, pageSize, signalOf, type ShopifyCallOptions, type ShopifyListOptions } from '../internal/shopify-call.ts';
import { CUSTOMER_CREATE, CUSTOMER_QUERY, CUSTOMERS_QUERY } from './customer-documents.ts';
import { customerCreateSchema, customerQuerySchema, customersQuerySchema, type Customer } from './customer-schemas.ts';

/** `CustomerInput`: the common fields; any other documented field passes through. */
export interface CustomerCreateInput {
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  tags?: readonly string[];
  note?: string;
  [field: string]: unknown;
}

/** `shopify.customers`. Needs `read_customers` (and `write_customers` to create). */
export interface CustomersApi {
  /** `query customers`, every page. `query` takes Shopify's search syntax (`email:jo@example.com`). Default 50 per page (cost 152). */
  list(options?: ShopifyListOptions & { query?: string }): Paginated<Customer>;
  /** `query customer(id:)`; null when there is no such customer. */
  get(id: string, options?: ShopifyCallOptions): Promise<Customer | null>;
  /** `mutation customerCreate(input:)`. A taken email becomes `ShopifyUserError` with field `email`. */
  create(input: CustomerCreateInput, options?: ShopifyCallOptions): Promise<Customer>;
}

/** One customer: the object plus `defaultEmailAddress` and `defaultPhoneNumber`. */
const CUSTOMER_COST = 3;

export function createCustomersApi(http: HttpClient): CustomersApi {
  return {
    list(options = {}) {
      const { first, cost } = pageSize('customers.list', options.first, 50, (n) => connectionCost(n, CUSTOMER_COST));
      return http.graphqlPaginate({
        query: CUSTOMERS_QUERY,
        operationName: 'Customers',
        variables: { first, ...(options.query !== undefined ? { query: options.query } : {}) },
        schema: customersQuerySchema,
        connection: 'customers',
        estimatedCost: cost,
        ...listCall(options),
      });
    },
    async get(id, options = {}) {
      return (await http.graphql({ query: CUSTOMER_QUERY, operationName: 'Customer', variables: { id }, schema: customerQuerySchema, estimatedCost: CUSTOMER_COST, ...signalOf(options) })).customer;
    },
    async create(input, options = {}) {
      const data = await http.graphql({ query: CUSTOMER_CREATE, operationName: 'CustomerCreate', variables: { input }, schema: customerCreateSchema, estimatedCost: 10, ...signalOf(options) });
      return throwOnUserErrors('customers.create', data.customerCreate).customer!;
    },
  };
}
