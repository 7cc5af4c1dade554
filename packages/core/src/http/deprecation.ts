import { parseLinkHeader } from './link-header.ts';

/** What a response's `Deprecation` (RFC 9745), `Sunset` (RFC 8594) and `Link` headers announce. */
export interface DeprecationNotice {
  deprecation?: string;
  sunset?: string;
  deprecationLink?: string;
  sunsetLink?: string;
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
