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
