import type { AuthContext, AuthRequest, AuthStrategy } from './auth-strategy.ts';
import { EnvSecret, toDate } from './env-secret.ts';

/** What every key-like strategy can do besides authorize: swap the secret at runtime. */
export interface RotatableAuth extends AuthStrategy {
  /**
   * Replaces the secret without recreating the client; calls already in flight finish with the old
   * one. `expiresAt` replaces the declared expiry (pass `null` to clear it).
   */
  rotate(value: string, options?: { expiresAt?: Date | string | number | null }): void;
}

/** Options shared by `apiKeyAuth`, `bearerAuth` and `basicAuth`. */
export interface StaticCredentialOptions {
  /** When the credential stops working (keys with an end date); drives `credential-expiring` events. */
  expiresAt?: Date | string | number;
  /** A safe name for events; defaults to the environment variable name, else the strategy kind. */
  credential?: string;
}

interface StaticSpec {
  kind: string;
  factory: string;
  secret: EnvSecret;
  options: StaticCredentialOptions;
  /** Puts the credential on the request; returns the exact text sent, to recognise it after a 401. */
  apply(request: AuthRequest, value: string): string;
  /** Reads back what a request carried, when the headers show it. */
  sent?(request: AuthRequest): string | null;
  /** Derived forms that would reveal the secret if echoed (e.g. the base64 of `user:password`). */
  derived?(value: string): string[];
  sensitiveQueryParams?: readonly string[];
}

/** The machinery behind the three key-like strategies: env reading, rotation, expiry, 401 handling. */
export function staticCredentialAuth(spec: StaticSpec): RotatableAuth {
  const { secret, factory } = spec;
  let expiresAt = toDate(spec.options.expiresAt, `${factory}: expiresAt`);
  let lastSent: string | undefined;
  const credential = spec.options.credential ?? secret.env ?? spec.kind;
  return {
    kind: spec.kind,
    credential,
    ...(spec.sensitiveQueryParams ? { sensitiveQueryParams: spec.sensitiveQueryParams } : {}),
    init(context: AuthContext) {
      secret.read(context.connector, 'init');
    },
    authorize(request, context) {
      lastSent = spec.apply(request, secret.read(context.connector, request.operation));
    },
    onUnauthorized(request) {
      // A 401 is worth one retry only when the credential changed since it was sent (env var edited, rotate()).
      const current = secret.peek();
      if (current === undefined) return false;
      const sent = spec.sent?.(request) ?? lastSent;
      const probe = new Headers();
      const wouldSend = spec.apply({ ...request, headers: probe, url: new URL(request.url) }, current);
      return sent !== undefined && sent !== wouldSend;
    },
    secrets() {
      const values = secret.values();
      return spec.derived ? [...values, ...values.flatMap((v) => spec.derived!(v))] : values;
    },
    expiresAt: () => expiresAt,
    rotate(value, options) {
      secret.rotate(value, factory);
      if (options && 'expiresAt' in options) {
        expiresAt = options.expiresAt === null ? undefined : toDate(options.expiresAt, `${factory}.rotate: expiresAt`);
      }
    },
  };
}
