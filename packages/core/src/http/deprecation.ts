/** What a response's `Deprecation` (RFC 9745), `Sunset` (RFC 8594) and `Link` headers announce. */
export interface DeprecationNotice {
  deprecation?: string;
  sunset?: string;
  deprecationLink?: string;
  sunsetLink?: string;
  /** The provider's words about what is deprecated, when it says (e.g. Shopify's `X-Shopify-API-Deprecated-Reason`). */
  reason?: string;
}

/** Parses RFC 8288 `Link` header values into rel -> URL (first wins). Tolerates commas inside `<...>`. */
export function parseLinkHeader(value: string | null): Map<string, string> {
  const links = new Map<string, string>();
  if (!value) return links;
  const re = /<([^>]*)>((?:\s*;\s*[^;,]+(?:=(?:"[^"]*"|[^;,]*))?)*)/g;
  for (const match of value.matchAll(re)) {
    const target = match[1] ?? '';
    const relMatch = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]+))/i.exec(match[2] ?? '');
    const rels = (relMatch?.[1] ?? relMatch?.[2] ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    for (const rel of rels) if (!links.has(rel)) links.set(rel, target);
  }
  return links;
}

/** RFC 9745 uses `@<epoch seconds>`; earlier drafts and many APIs send an HTTP-date or `true`. */
function parseDeprecationDate(value: string): string | undefined {
  const text = value.trim();
  if (text.startsWith('@')) {
    const seconds = Number(text.slice(1));
    return Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : undefined;
  }
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : new Date(date).toISOString();
}

/** Returns the notice when the response carries `Deprecation` or `Sunset`; undefined otherwise. */
export function readDeprecation(headers: Headers): DeprecationNotice | undefined {
  const deprecation = headers.get('deprecation');
  const sunset = headers.get('sunset');
  if (deprecation === null && sunset === null) return undefined;
  const notice: DeprecationNotice = {};
  if (deprecation !== null) {
    const date = parseDeprecationDate(deprecation);
    if (date) notice.deprecation = date;
  }
  if (sunset !== null) {
    const date = Date.parse(sunset.trim());
    if (!Number.isNaN(date)) notice.sunset = new Date(date).toISOString();
  }
  const links = parseLinkHeader(headers.get('link'));
  const deprecationLink = links.get('deprecation');
  const sunsetLink = links.get('sunset');
  if (deprecationLink) notice.deprecationLink = deprecationLink;
  if (sunsetLink) notice.sunsetLink = sunsetLink;
  return notice;
}
