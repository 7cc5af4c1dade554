import { REDACTED, redactText, SENSITIVE_QUERY_PARAMS } from '@connectors/core';

const escape = (name: string) => name.replace(/[-]/g, '\\-');
const PARAM_NAMES = SENSITIVE_QUERY_PARAMS.map(escape).join('|');

/**
 * Token shapes providers publish (prefix plus length), so a token that slipped into a message is
 * caught even when the client never knew it was a secret. Prefixed forms first: they are exact.
 */
const TOKEN = new RegExp(
  [
    'gh[pousr]_[A-Za-z0-9]{30,255}', // GitHub classic and app tokens
    'github_pat_[A-Za-z0-9_]{22,255}', // GitHub fine-grained PAT
    '(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}', // Stripe keys
    'whsec_[A-Za-z0-9+/=]{10,}', // Stripe / Standard Webhooks signing secrets
    'xox[abposr]-[A-Za-z0-9-]{10,}', // Slack
    'xapp-[A-Za-z0-9-]{10,}', // Slack app-level
    'eyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*', // JWT (most OAuth access tokens)
    '(?:AKIA|ASIA)[A-Z0-9]{16}', // AWS access key id
    'AIza[0-9A-Za-z_-]{35}', // Google API key
    'npm_[A-Za-z0-9]{36}', // npm
    'glpat-[A-Za-z0-9_-]{20,}', // GitLab
    'sk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}', // OpenAI / Anthropic style keys
    'shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}', // Shopify
  ]
    .map((p) => `\\b${p}`)
    .join('|'),
  'g',
);
/** `Authorization`-style values: keep the scheme so the message still reads. */
const AUTH_SCHEME = /\b(Bearer|Basic|Token|token|Digest)\s+[A-Za-z0-9._~+/=-]{8,}/g;
/** `?api_key=…`, `&token=…`, `password=…` in URLs, form bodies and messages. */
const PARAM = new RegExp(`([?&;\\s]|^)(${PARAM_NAMES})=[^&\\s#"';,]+`, 'gi');
/** `"client_secret": "…"` in a JSON excerpt. */
const JSON_FIELD = new RegExp(`("(?:${PARAM_NAMES}|refresh_token|private_key|authorization)"\\s*:\\s*")[^"]*"`, 'gi');
/** `https://user:password@host`. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi;

/**
 * Removes credentials from free text (error reasons, event messages, probe errors) before it is
 * logged or exported: the given secrets verbatim, then known token shapes, `Authorization` values,
 * sensitive query parameters, JSON secret fields and URL user info. Call records never need it:
 * they are built from a whitelist of fields and hold no free text.
 *
 * @param secrets extra values to remove verbatim, e.g. `auth.secrets()`.
 */
export function scrubSecrets(text: string, secrets?: Iterable<string>): string {
  let out = secrets ? redactText(text, secrets) : text;
  out = out.replace(TOKEN, REDACTED);
  out = out.replace(AUTH_SCHEME, `$1 ${REDACTED}`);
  out = out.replace(PARAM, `$1$2=${REDACTED}`);
  out = out.replace(JSON_FIELD, `$1${REDACTED}"`);
  out = out.replace(USERINFO, `$1${REDACTED}@`);
  return out;
}
