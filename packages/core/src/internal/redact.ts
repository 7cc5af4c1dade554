/** Query parameters that carry credentials in the wild; their values never leave the process in text. */
export const SENSITIVE_QUERY_PARAMS: readonly string[] = [
  'access_token', 'api_key', 'apikey', 'api-key', 'key', 'token', 'auth', 'client_secret', 'secret',
  'password', 'refresh_token', 'code', 'sig', 'signature', 'x-amz-signature', 'x-goog-signature',
];

export const REDACTED = '[REDACTED]';

/** Removes every occurrence of each secret (at least 4 characters long) from a text. */
export function redactText(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** Returns the URL as text with sensitive query values replaced. */
export function redactUrl(url: URL, sensitive: Iterable<string> = SENSITIVE_QUERY_PARAMS): string {
  const names = new Set([...sensitive].map((n) => n.toLowerCase()));
  const copy = new URL(url);
  copy.username = '';
  copy.password = '';
  for (const name of [...copy.searchParams.keys()]) {
    if (names.has(name.toLowerCase())) copy.searchParams.set(name, REDACTED);
  }
  return copy.toString();
}

/** Truncates a body for error messages after removing secrets. */
export function excerpt(text: string, secrets: Iterable<string>, max = 500): string {
  const clean = redactText(text, secrets);
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
