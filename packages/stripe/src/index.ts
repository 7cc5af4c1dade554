export { stripe, STRIPE_API_VERSION, STRIPE_BASE_URL, type Stripe, type StripeApi, type StripeOptions } from './stripe-connector.ts';
export { stripeKeyAuth, stripeKeyKind, type StripeKeyAuth, type StripeKeyAuthOptions, type StripeKeyKind } from './stripe-key-auth.ts';
export { StripeError, toStripeError, type StripeErrorType } from './errors/stripe-error.ts';
export { classifyStripeResponse } from './retry/classify-stripe-response.ts';
export { stripeQuery, type StripeListOptions, type StripeReadOptions, type StripeWriteOptions, type TimestampFilter } from './internal/stripe-request.ts';
export { stripeList, stripeSearchResult, expandable, stripeObjectSchema, metadataSchema } from './lists/list-schemas.ts';

export { createCustomersApi, type CustomersApi, type CustomerListParams, type CustomerCreateParams, type CustomerUpdateParams, type CustomerSearchParams } from './customers/customers-api.ts';
export { customerSchema, deletedCustomerSchema, addressSchema, type Customer, type DeletedCustomer } from './customers/customer-schemas.ts';
export {
  createPaymentIntentsApi,
  type PaymentIntentsApi,
  type PaymentIntentListParams,
  type PaymentIntentCreateParams,
  type PaymentIntentConfirmParams,
} from './payment-intents/payment-intents-api.ts';
export { paymentIntentSchema, paymentIntentStatusSchema, type PaymentIntent } from './payment-intents/payment-intent-schemas.ts';
export { createInvoicesApi, type InvoicesApi, type InvoiceListParams } from './invoices/invoices-api.ts';
export { invoiceSchema, invoiceLineItemSchema, type Invoice } from './invoices/invoice-schemas.ts';
export { createSubscriptionsApi, type SubscriptionsApi, type SubscriptionListParams } from './subscriptions/subscriptions-api.ts';
export { subscriptionSchema, subscriptionItemSchema, type Subscription } from './subscriptions/subscription-schemas.ts';
export { createEventsApi, type EventsApi, type EventListParams } from './events/events-api.ts';
export { stripeEventSchema, type StripeEvent } from './events/event-schemas.ts';
export { balanceSchema, type Balance } from './balance/balance-schemas.ts';

export { stripeScheme, verifyStripeWebhook, parseStripeEvent, type StripeWebhookResult } from './webhooks/stripe-webhooks.ts';
