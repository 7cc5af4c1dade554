import * as v from 'valibot';

const amountSchema = v.looseObject({ amount: v.number(), currency: v.string() });

/** `GET /v1/balance`: the cheap authenticated read `verifyCredentials()` uses. */
export const balanceSchema = v.looseObject({
  object: v.literal('balance'),
  available: v.array(amountSchema),
  pending: v.array(amountSchema),
  livemode: v.boolean(),
});
export type Balance = v.InferOutput<typeof balanceSchema>;
