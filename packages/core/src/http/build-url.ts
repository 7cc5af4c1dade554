export type QueryValue = string | number | boolean | null | undefined | readonly (string | number | boolean)[];
export type QueryParams = Record<string, QueryValue>;
export type PathParams = Record<string, string | number>;

/**
 * Fills `{name}` placeholders with URL-encoded values. Returns undefined names in `missing`
 * so the caller can raise a clear error instead of sending `/users/undefined`.
 */
export function fillPath(template: string, params: PathParams = {}): { path: string; missing: string[] } {
  const missing: string[] = [];
  const path = template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === '') {
      missing.push(name);
      return `{${name}}`;
    }
    return encodeURIComponent(String(value));
  });
  return { path, missing };
}

/** Joins a base URL and a path without losing the base's own path (`/v1`). Absolute URLs pass through. */
export function joinUrl(baseUrl: string, path: string): URL {
  if (/^https?:\/\//i.test(path)) return new URL(path);
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  // Joined as text: parsing one absolute string is cheaper than resolving against a base URL, and
  // this runs on every call.
  return new URL(base + (path.startsWith('/') ? path.slice(1) : path));
}

/** Appends query parameters; arrays repeat the key, null/undefined are skipped. */
export function appendQuery(url: URL, query: QueryParams = {}): URL {
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value) url.searchParams.append(key, String(item));
    else url.searchParams.append(key, String(value));
  }
  return url;
}
