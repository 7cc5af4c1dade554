/**
 * Request headers as a Web `Headers` object, Node's `IncomingHttpHeaders`, or any plain record.
 * Names are matched case-insensitively; repeated headers are joined with `, ` as `Headers` does.
 */
export type HeadersInput =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Reads one header by its lower-case name. */
export type HeaderGetter = (lowerCaseName: string) => string | undefined;

function joinValue(value: string | readonly string[]): string {
  return typeof value === 'string' ? value : value.join(', ');
}

/** Builds a case-insensitive reader over any supported header shape. */
export function headerGetter(headers: HeadersInput): HeaderGetter {
  const maybeGet = (headers as { get?: unknown }).get;
  if (typeof maybeGet === 'function') {
    const h = headers as { get(name: string): string | null };
    return (name) => h.get(name) ?? undefined;
  }
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  let lowered: Map<string, string> | undefined;
  return (name) => {
    // Node already lower-cases names, so the direct lookup is the fast path.
    const direct = record[name];
    if (direct !== undefined) return joinValue(direct);
    if (lowered === undefined) {
      lowered = new Map();
      for (const [key, value] of Object.entries(record)) {
        if (value === undefined) continue;
        const lower = key.toLowerCase();
        const previous = lowered.get(lower);
        lowered.set(lower, previous === undefined ? joinValue(value) : `${previous}, ${joinValue(value)}`);
      }
    }
    return lowered.get(name);
  };
}

/** Headers that carry credentials of the sender's own infrastructure; never persisted. */
const NOT_STORED = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

/** A plain lower-case record of the headers worth keeping with a stored event. */
export function headersToRecord(headers: HeadersInput): Record<string, string> {
  const out: Record<string, string> = {};
  const maybeEntries = (headers as { entries?: unknown }).entries;
  if (typeof (headers as { get?: unknown }).get === 'function' && typeof maybeEntries === 'function') {
    for (const [key, value] of (headers as Headers).entries()) {
      const lower = key.toLowerCase();
      if (!NOT_STORED.has(lower)) out[lower] = value;
    }
    return out;
  }
  const record = headers as Record<string, string | readonly string[] | undefined>;
  // Node's IncomingHttpHeaders is usually already the right shape: keep it without copying.
  let usable = true;
  for (const key in record) {
    if (typeof record[key] !== 'string' || NOT_STORED.has(key) || key !== key.toLowerCase()) {
      usable = false;
      break;
    }
  }
  if (usable) return record as Record<string, string>;
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue;
    const lower = key.toLowerCase();
    if (!NOT_STORED.has(lower)) out[lower] = out[lower] === undefined ? joinValue(value) : `${out[lower]}, ${joinValue(value)}`;
  }
  return out;
}
