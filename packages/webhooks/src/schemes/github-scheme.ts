import { fail } from '../verify/verify-result.ts';
import { decodeSignature, hmac, matchSecret } from './hmac-tools.ts';
import type { WebhookScheme } from './webhook-scheme.ts';

const PREFIX = 'sha256=';

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex>`, an HMAC-SHA256 of the raw body. The delivery id
 * (`X-GitHub-Delivery`) dedupes, `X-GitHub-Event` is the type. GitHub signs no timestamp, so replays
 * are only stopped by the inbox's dedupe on the delivery id.
 */
export const githubScheme: WebhookScheme = {
  name: 'github',
  requiresRequestLine: false,
  verify(request, { secrets }) {
    const header = request.header('x-hub-signature-256');
    if (header === undefined) return fail('missing-signature', 'X-Hub-Signature-256 is missing (the legacy SHA-1 X-Hub-Signature is not accepted). Is a secret set on the GitHub webhook?');
    const text = header.trim();
    const signature = text.startsWith(PREFIX) ? decodeSignature(text.slice(PREFIX.length), 'hex', 'sha256') : undefined;
    if (signature === undefined) return fail('malformed-signature', 'X-Hub-Signature-256 must be `sha256=` followed by 64 hex digits.');
    const secretIndex = matchSecret('sha256', secrets, [request.body], [signature]);
    if (secretIndex < 0) return fail('signature-mismatch', 'X-Hub-Signature-256 does not match the body with any configured secret.');
    const id = request.header('x-github-delivery')?.trim();
    if (!id) return fail('missing-id', 'X-GitHub-Delivery is missing.');
    return { ok: true, id, type: request.header('x-github-event')?.trim() || undefined, timestamp: undefined, secretIndex };
  },
  sign({ body, secret, id, type }) {
    const headers: Record<string, string> = {
      'X-Hub-Signature-256': `${PREFIX}${hmac('sha256', secret, [body]).toString('hex')}`,
      'X-GitHub-Delivery': id,
    };
    if (type !== undefined) headers['X-GitHub-Event'] = type;
    return headers;
  },
};
