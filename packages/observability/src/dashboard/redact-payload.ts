import { scrubSecrets } from '../log/scrub-secrets.ts';

/** Field and header names whose values are never shown, whatever they hold. */
const SENSITIVE_NAME = /pass(word)?|secret|token|auth|signature|cookie|api[-_]?key|private|credential|session|card|cvc|iban|ssn/i;
const REDACTED = '[redacted]';
const MAX_BODY_CHARS = 64 * 1024;

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 20) return '[too deep]';
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key] = SENSITIVE_NAME.test(key) ? REDACTED : redactValue(inner, depth + 1);
  return out;
}

/**
 * A payload made fit to show an operator: JSON fields with sensitive names are replaced, known
 * token shapes scrubbed from every string; other text is scrubbed and cut at 64 KiB.
 */
export function redactPayload(body: Uint8Array): { format: 'json' | 'text' | 'binary'; text: string; bytes: number } {
  const raw = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (raw.includes('\uFFFD')) return { format: 'binary', text: `(${body.byteLength} bytes of binary data, not shown)`, bytes: body.byteLength };
  try {
    const text = JSON.stringify(redactValue(JSON.parse(raw), 0), null, 2);
    return { format: 'json', text: text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}\n… (cut)` : text, bytes: body.byteLength };
  } catch {
    const text = scrubSecrets(raw);
    return { format: 'text', text: text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}\n… (cut)` : text, bytes: body.byteLength };
  }
}

/** Headers with the values of sensitive ones (signatures, authorization, cookies) replaced. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = SENSITIVE_NAME.test(name) || /hmac|sig/i.test(name) ? REDACTED : scrubSecrets(value);
  return out;
}
