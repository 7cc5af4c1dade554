import type { HttpClient, Paginated } from '@connectors/core';
import { callOptions, listing, stripeQuery, withExpand, type StripeListOptions, type StripeReadOptions, type StripeWriteOptions, type TimestampFilter } from '../internal/stripe-request.ts';
import { stripeList, stripeSearchResult } from '../lists/list-schemas.ts';
import { customerOrDeletedSchema, customerSchema, type Customer, type DeletedCustomer } from './customer-schemas.ts';

export interface CustomerListParams {
  email?: string;
  created?: TimestampFilter;
  test_clock?: string;
}

/** The common fields; any other documented parameter passes through (`[key: string]: unknown`). */
export interface CustomerCreateParams {
  email?: string;
  name?: string;
  description?: string;
  phone?: string;
  metadata?: Record<string, string>;
  address?: { city?: string; country?: string; line1?: string; line2?: string; postal_code?: string; state?: string };
  payment_method?: string;
  invoice_settings?: { default_payment_method?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export type CustomerUpdateParams = CustomerCreateParams;

export interface CustomerSearchParams {
  /** Stripe's search query language, e.g. `email:'jenny@example.com' AND metadata['plan']:'pro'`. */
  query: string;
}

/** `stripe.customers`. */
export interface CustomersApi {
  /** `GET /v1/customers`, every page (newest first). */
  list(params?: CustomerListParams, options?: StripeListOptions): Paginated<Customer>;
  /** `GET /v1/customers/{id}`. A deleted customer is returned as `{ id, object, deleted: true }`, not a 404. */
  get(id: string, options?: StripeReadOptions): Promise<Customer | DeletedCustomer>;
  /** `POST /v1/customers`, with an idempotency key so a retry never creates two customers. */
  create(params?: CustomerCreateParams, options?: StripeWriteOptions): Promise<Customer>;
  /** `POST /v1/customers/{id}`. */
  update(id: string, params: CustomerUpdateParams, options?: StripeWriteOptions): Promise<Customer>;
  /** `GET /v1/customers/search`, every page (`next_page`). Search results can lag writes by up to a minute. */
  search(params: CustomerSearchParams, options?: StripeListOptions): Paginated<Customer>;
}

const listSchema = stripeList(customerSchema);
const searchSchema = stripeSearchResult(customerSchema);

export function createCustomersApi(http: HttpClient): CustomersApi {
  return {
    list: (params, options) => http.paginate({ ...listing('customers.list', '/v1/customers', { ...params }, options), schema: listSchema }),
    get: (id, options = {}) =>
      http.request({ path: '/v1/customers/{id}', params: { id }, query: stripeQuery({ expand: options.expand }), schema: customerOrDeletedSchema, ...callOptions('customers.get', options) }),
    create: (params = {}, options = {}) =>
      http.request({ method: 'POST', path: '/v1/customers', body: withExpand(params, options), schema: customerSchema, ...callOptions('customers.create', options) }),
    update: (id, params, options = {}) =>
      http.request({ method: 'POST', path: '/v1/customers/{id}', params: { id }, body: withExpand(params, options), schema: customerSchema, ...callOptions('customers.update', options) }),
    search: ({ query }, options) =>
      http.paginate({ ...listing('customers.search', '/v1/customers/search', { query }, options, true), schema: searchSchema }),
  };
}
