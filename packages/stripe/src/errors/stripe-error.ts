import { HttpError, type HttpErrorFactoryInput } from '@connectors/core';
import * as v from 'valibot';

/** Stripe's documented error types. */
export type StripeErrorType = 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error' | (string & {});

const stripeErrorBodySchema = v.looseObject({
  error: v.looseObject({
    type: v.string(),
    code: v.optional(v.string()),
    decline_code: v.optional(v.string()),
    message: v.optional(v.string()),
    param: v.optional(v.string()),
    doc_url: v.optional(v.string()),
    payment_intent: v.optional(v.looseObject({ id: v.string() })),
  }),
});

/**
 * A Stripe error response (`{ error: { type, code, message, param } }`) as a typed `HttpError`.
 * Catch it to branch on `type` and `code` (e.g. `card_error` / `card_declined` with `declineCode`),
 * and show `stripeMessage` to people: Stripe writes card errors for end users.
 */
export class StripeError extends HttpError {
  override name = 'StripeError';
  /** `card_error`, `invalid_request_error`, `idempotency_error`, `api_error`. */
  readonly type: StripeErrorType;
  /** e.g. `card_declined`, `resource_missing`, `parameter_invalid_empty`. */
  readonly code: string | undefined;
  /** For declined cards: `insufficient_funds`, `lost_card`... */
  readonly declineCode: string | undefined;
  /** The request parameter the error is about, e.g. `email` or `items[0][price]`. */
  readonly param: string | undefined;
  /** Stripe's own message, safe to show (never contains the key). */
  readonly stripeMessage: string | undefined;
  readonly docUrl: string | undefined;
  /** The PaymentIntent the error happened on, for card errors during confirmation. */
  readonly paymentIntentId: string | undefined;

  constructor(
    message: string,
    options: HttpErrorFactoryInput['init'] & {
      type: StripeErrorType;
      code?: string | undefined;
      declineCode?: string | undefined;
      param?: string | undefined;
      stripeMessage?: string | undefined;
      docUrl?: string | undefined;
      paymentIntentId?: string | undefined;
    },
  ) {
    super(message, options);
    this.type = options.type;
    this.code = options.code;
    this.declineCode = options.declineCode;
    this.param = options.param;
    this.stripeMessage = options.stripeMessage;
    this.docUrl = options.docUrl;
    this.paymentIntentId = options.paymentIntentId;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      type: this.type,
      code: this.code,
      declineCode: this.declineCode,
      param: this.param,
      stripeMessage: this.stripeMessage,
      docUrl: this.docUrl,
      paymentIntentId: this.paymentIntentId,
    };
  }
}

/** `HttpClientOptions.httpError` for Stripe: a `StripeError` when the body is Stripe's error shape. */
export function toStripeError(failure: HttpErrorFactoryInput): StripeError | undefined {
  let body: unknown;
  try {
    body = JSON.parse(failure.body);
  } catch {
    return undefined; // A proxy's HTML page, not Stripe: keep the plain HttpError.
  }
  const parsed = v.safeParse(stripeErrorBodySchema, body);
  if (!parsed.success) return undefined;
  const error = parsed.output.error;
  const codes = [error.code, error.decline_code].filter(Boolean).join('/');
  const detail = `${error.type}${codes ? ` (${codes})` : ''}${error.message ? `: ${error.message}` : ''}${error.param ? ` [param: ${error.param}]` : ''}`;
  return new StripeError(`${failure.message}: ${detail}`, {
    ...failure.init,
    type: error.type,
    code: error.code,
    declineCode: error.decline_code,
    param: error.param,
    stripeMessage: error.message,
    docUrl: error.doc_url,
    paymentIntentId: error.payment_intent?.id,
  });
}
