import type { AuthStrategy } from '@connectors/core';
import type { ObservabilitySnapshot } from '../observe/create-observability.ts';

const DAY_MS = 86_400_000;

/** Where a credential's value lives. Only the location is ever recorded, never the value. */
export type CredentialSource =
  | { env: string }
  | { store: string; key: string }
  | { file: string }
  /** Anything else, in words: "1Password vault Ops, item Stripe live key". */
  | { description: string };

/** One credential the app uses, as its configuration declares it. */
export interface CredentialDeclaration {
  /** A safe name: the environment variable, a credential id. Unique in the inventory. */
  name: string;
  /** `bearer`, `api-key`, `oauth2`, `basic`, `github-app`, `webhook-secret`... */
  kind: string;
  source: CredentialSource;
  /** The connectors (or inbox sources) that use it. */
  connectors: readonly string[];
  /** The operations that use it, when only some do; default: every operation of those connectors that was called. */
  operations?: readonly string[];
  /** When a person must act: the key's end date, the refresh token's or client secret's expiry. */
  expiresAt?: Date | string | number;
  /** Who to ask, where to rotate it. */
  notes?: string;
}

/** One inventory line: what, where, who uses it, when it expires. Never a value. */
export interface CredentialEntry {
  name: string;
  kind: string;
  /** `env GITHUB_TOKEN`, `store sqlite-token-store key github:octocat`, `file /run/secrets/x`. */
  source: string;
  connectors: string[];
  operations: string[];
  /** ISO 8601, when known. */
  expiresAt: string | undefined;
  /** Whole days left (negative once expired); undefined without an expiry. */
  daysLeft: number | undefined;
  /** The last call that succeeded with it (ISO 8601), from observability; undefined if none yet. */
  lastSuccessfulCheckAt: string | undefined;
  notes: string | undefined;
}

export interface CredentialsInventoryOptions {
  /** Supplies operations used and last successes (an `Observability` from `createObservability`). */
  observability?: { snapshot(): ObservabilitySnapshot };
  clock?: { now(): number };
}

/** The list an operator reads: `list()` for the API and dashboard, `toIcs()` for calendar reminders. */
export interface CredentialsInventory {
  list(): CredentialEntry[];
  /** Notes a successful credentials check (e.g. after `verifyCredentials()`); the latest of this and the last successful call is shown. */
  recordCheck(name: string, at?: Date | number): void;
}

function sourceText(source: CredentialSource): string {
  if ('env' in source) return `env ${source.env}`;
  if ('store' in source) return `store ${source.store} key ${source.key}`;
  if ('file' in source) return `file ${source.file}`;
  return source.description;
}

function toTime(value: Date | string | number | undefined, label: string): number | undefined {
  if (value === undefined) return undefined;
  const time = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(time)) throw new TypeError(`${label}: expiresAt must be a Date, an ISO 8601 string or epoch milliseconds; got ${JSON.stringify(value)}`);
  return time;
}

/**
 * Describes the credential behind an auth strategy (`bearerAuth`, `apiKeyAuth`, `oauth2Auth`...):
 * its kind, safe name and declared expiry, never its value. Say where it comes from with `source`.
 *
 * @example describeAuth(stripeAuth, { connectors: ['stripe'], source: { env: 'STRIPE_SECRET_KEY' } })
 */
export function describeAuth(auth: Pick<AuthStrategy, 'kind' | 'credential' | 'expiresAt'>, declaration: Omit<CredentialDeclaration, 'name' | 'kind'> & { name?: string; kind?: string }): CredentialDeclaration {
  const expiresAt = declaration.expiresAt ?? auth.expiresAt?.();
  return {
    ...declaration,
    name: declaration.name ?? auth.credential ?? ('env' in declaration.source ? declaration.source.env : auth.kind),
    kind: declaration.kind ?? auth.kind,
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  };
}

/**
 * The credentials inventory: every credential the app's connectors use, from the configuration,
 * with the operations that use it, days to expiry and the last successful use (from
 * observability). It holds names and locations only.
 */
export function createCredentialsInventory(declarations: readonly CredentialDeclaration[], options: CredentialsInventoryOptions = {}): CredentialsInventory {
  const now = options.clock ? () => options.clock!.now() : Date.now;
  const seen = new Set<string>();
  const checked = new Map<string, number>();
  const resolved = declarations.map((declaration, index) => {
    const where = `createCredentialsInventory: credential ${index} (${JSON.stringify(declaration?.name)})`;
    if (!declaration || typeof declaration.name !== 'string' || !declaration.name) throw new TypeError(`${where}: \`name\` is required (the environment variable or credential id)`);
    if (seen.has(declaration.name)) throw new TypeError(`${where}: the name is listed twice; names must be unique`);
    seen.add(declaration.name);
    if (typeof declaration.kind !== 'string' || !declaration.kind) throw new TypeError(`${where}: \`kind\` is required, e.g. 'bearer', 'oauth2', 'webhook-secret'`);
    if (!declaration.source || typeof declaration.source !== 'object') throw new TypeError(`${where}: \`source\` is required: { env }, { store, key }, { file } or { description }`);
    if (!Array.isArray(declaration.connectors) || declaration.connectors.length === 0) throw new TypeError(`${where}: \`connectors\` must list the connectors that use it`);
    return { declaration, expiresAt: toTime(declaration.expiresAt, where) };
  });

  return {
    list() {
      const snapshot = options.observability?.snapshot();
      const byConnector = new Map(snapshot?.connectors.map((c) => [c.connector, c]) ?? []);
      const at = now();
      return resolved.map(({ declaration, expiresAt }) => {
        const used = declaration.connectors.map((c) => byConnector.get(c)).filter((c) => c !== undefined);
        const operations = declaration.operations ? [...declaration.operations] : [...new Set(used.flatMap((c) => c.operations.map((o) => o.operation)))].sort();
        const successes = [...used.map((c) => (c.health.lastSuccessAt ? Date.parse(c.health.lastSuccessAt) : undefined)), checked.get(declaration.name)].filter((t): t is number => t !== undefined);
        return {
          name: declaration.name,
          kind: declaration.kind,
          source: sourceText(declaration.source),
          connectors: [...declaration.connectors],
          operations,
          expiresAt: expiresAt === undefined ? undefined : new Date(expiresAt).toISOString(),
          daysLeft: expiresAt === undefined ? undefined : Math.floor((expiresAt - at) / DAY_MS),
          lastSuccessfulCheckAt: successes.length ? new Date(Math.max(...successes)).toISOString() : undefined,
          notes: declaration.notes,
        };
      });
    },
    recordCheck(name, when = now()) {
      if (!seen.has(name)) throw new TypeError(`credentials inventory: no credential named ${JSON.stringify(name)}; known: ${[...seen].join(', ')}`);
      checked.set(name, when instanceof Date ? when.getTime() : when);
    },
  };
}
