import type { HttpClient, Paginated } from '@connectors/core';
import { callOptions, listing, stripeQuery, type StripeListOptions, type StripeReadOptions, type TimestampFilter } from '../internal/stripe-request.ts';
import { stripeList } from '../lists/list-schemas.ts';
import { invoiceSchema, type Invoice } from './invoice-schemas.ts';

export interface InvoiceListParams {
  customer?: string;
  subscription?: string;
  status?: 'draft' | 'open' | 'paid' | 'uncollectible' | 'void';
  collection_method?: 'charge_automatically' | 'send_invoice';
  created?: TimestampFilter;
  due_date?: TimestampFilter;
}

/** `stripe.invoices`. */
export interface InvoicesApi {
  /** `GET /v1/invoices`, every page. */
  list(params?: InvoiceListParams, options?: StripeListOptions): Paginated<Invoice>;
  /** `GET /v1/invoices/{id}`. */
  get(id: string, options?: StripeReadOptions): Promise<Invoice>;
}

const listSchema = stripeList(invoiceSchema);

export function createInvoicesApi(http: HttpClient): InvoicesApi {
  return {
    list: (params, options) => http.paginate({ ...listing('invoices.list', '/v1/invoices', { ...params }, options), schema: listSchema }),
    get: (id, options = {}) =>
      http.request({ path: '/v1/invoices/{id}', params: { id }, query: stripeQuery({ expand: options.expand }), schema: invoiceSchema, ...callOptions('invoices.get', options) }),
  };
}
