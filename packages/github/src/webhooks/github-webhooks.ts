import { validate } from '@connectors/core';
import { githubScheme, verifyWebhook, type VerificationFailure, type VerifyWebhookInput } from '@connectors/webhooks';
import type * as v from 'valibot';
import { githubWebhookSchemas, type GitHubWebhookEventName } from './github-webhook-schemas.ts';

export { githubScheme };

/** A verified delivery of an event this package types: narrow on `name` to get the payload type. */
export type TypedGitHubWebhook = {
  [K in GitHubWebhookEventName]: {
    typed: true;
    /** `X-GitHub-Delivery`: unique per delivery (a redelivery keeps it), so use it as the idempotency key. */
    id: string;
    /** `X-GitHub-Event`. */
    name: K;
    payload: v.InferOutput<(typeof githubWebhookSchemas)[K]>;
  };
}[GitHubWebhookEventName];

/** A verified delivery of any other event: the payload is checked to be JSON, not its shape. */
export interface UntypedGitHubWebhook {
  typed: false;
  id: string;
  name: string;
  payload: unknown;
}

export type GitHubWebhook = TypedGitHubWebhook | UntypedGitHubWebhook;

/** What `verifyGitHubWebhook` returns. A bad delivery is a result, never an exception. */
export type GitHubWebhookResult = { ok: true; webhook: GitHubWebhook } | VerificationFailure;

/** True when `name` is one of the events this package has payload types for. */
export function isTypedGitHubEvent(name: string): name is GitHubWebhookEventName {
  return Object.hasOwn(githubWebhookSchemas, name);
}

/**
 * Validates a payload against the schema of its event name. Unknown events pass through untyped.
 * @throws SchemaValidationError when a typed event's payload is not what GitHub documents.
 */
export async function parseGitHubWebhook(id: string, name: string, payload: unknown): Promise<GitHubWebhook> {
  if (!isTypedGitHubEvent(name)) return { typed: false, id, name, payload };
  // `report` lets a new enum value (a new `action`) through, as the client does for API responses.
  const parsed = await validate(githubWebhookSchemas[name], payload, { connector: 'github', operation: `webhooks.${name}`, direction: 'response', drift: 'report' });
  return { typed: true, id, name, payload: parsed } as TypedGitHubWebhook;
}

/**
 * Checks `X-Hub-Signature-256` against the raw body with `githubScheme`, then parses and types the payload.
 * Pass the body exactly as received (a Buffer or string): a re-serialised JSON object will not verify.
 *
 * @example
 * const result = await verifyGitHubWebhook({ body: rawBody, headers: req.headers, secret: process.env.GITHUB_WEBHOOK_SECRET });
 * if (!result.ok) return res.status(401).send(result.reason);
 * if (result.webhook.typed && result.webhook.name === 'issues') console.log(result.webhook.payload.issue.title);
 * @throws SchemaValidationError when the signature is valid but a typed payload does not match its schema.
 */
export async function verifyGitHubWebhook(input: Omit<VerifyWebhookInput, 'method' | 'url' | 'toleranceSec'>): Promise<GitHubWebhookResult> {
  const verified = verifyWebhook(githubScheme, input);
  if (!verified.ok) return verified;
  let payload: unknown;
  try {
    const body = input.body;
    const text = typeof body === 'string' ? body : Buffer.from(body instanceof ArrayBuffer ? new Uint8Array(body) : body).toString('utf8');
    payload = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'malformed-body', message: 'The GitHub delivery body is not JSON; set the webhook content type to application/json.' };
  }
  if (!verified.type) return { ok: false, reason: 'malformed-body', message: 'X-GitHub-Event is missing, so the payload cannot be typed.' };
  return { ok: true, webhook: await parseGitHubWebhook(verified.id, verified.type, payload) };
}
