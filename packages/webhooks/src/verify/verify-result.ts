/** Why a delivery was rejected. Stable strings: safe to use in metrics labels and responses. */
export type VerificationFailureReason =
  /** The signature header is absent. */
  | 'missing-signature'
  /** The signature header is present but not in the provider's format. */
  | 'malformed-signature'
  /** Well-formed, but no secret produces it: wrong secret, tampered body, or a forgery. */
  | 'signature-mismatch'
  | 'missing-timestamp'
  | 'malformed-timestamp'
  /** Older than the tolerance: a replay, or a delivery that sat in a queue too long. */
  | 'timestamp-too-old'
  /** Further in the future than the tolerance: a forged or badly skewed timestamp. */
  | 'timestamp-in-future'
  /** The provider's event or delivery id is absent, so the delivery cannot be deduplicated. */
  | 'missing-id'
  /** The id is empty or longer than 256 characters. */
  | 'malformed-id'
  /** The body had to be read for the id or type and is not what the provider sends. */
  | 'malformed-body'
  /** The scheme's own code failed; reported instead of thrown so a bad delivery never becomes a 500. */
  | 'verification-error';

/** A delivery whose signature matched one of the secrets. */
export interface VerifiedWebhook {
  ok: true;
  /** The provider's event or delivery id, used to deduplicate. */
  id: string;
  /** The event type (topic), when the provider sends one. */
  type: string | undefined;
  /** When the provider signed it, for schemes that sign a timestamp. */
  timestamp: Date | undefined;
  /** Which secret matched (index into `secrets`): watch it during a rotation to know when the old one can go. */
  secretIndex: number;
}

/** A rejected delivery. `message` says what was wrong and never contains a secret or the expected signature. */
export interface VerificationFailure {
  ok: false;
  reason: VerificationFailureReason;
  message: string;
}

export type VerifyResult = VerifiedWebhook | VerificationFailure;

export function fail(reason: VerificationFailureReason, message: string): VerificationFailure {
  return { ok: false, reason, message };
}
