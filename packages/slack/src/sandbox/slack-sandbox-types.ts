/** Types the Slack sandbox's modules share. */

/** Slack-only faults, on top of the sandbox's generic ones (`faults.rateLimit` already answers Slack's `429 ratelimited`). */
export interface SlackSandboxFaults {
  /** Probability per call that a rotated access token is reported `token_expired` (once it has been in use for a second). */
  tokenExpired?: number;
  /** Probability per call of `{ ok: false, error }` with HTTP 200, for the listed methods (default all). */
  okFalse?: { rate: number; error: string; methods?: readonly string[] };
}

/** What the Slack sandbox counted, beside the sandbox's own stats. */
export interface SlackSandboxCounts {
  /** 429s from the per-method tier windows (a client that paces itself never meets one). */
  tierLimited: Record<string, number>;
  tokenExpired: number;
  okFalse: number;
  refreshes: number;
  /** Refresh tokens presented again after they were rotated. */
  refreshReuse: number;
  posted: number;
  uploads: number;
}

/** A token the sandbox knows: the bot token, rotating access tokens and refresh tokens. */
export interface TokenRecord {
  token: string;
  kind: 'bot' | 'rotating' | 'refresh';
  expiresAt?: number;
  /** Sandbox time of the token's first use. */
  firstUsedAt?: number;
  revoked?: boolean;
}
