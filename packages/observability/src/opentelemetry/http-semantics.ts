import { REDACTED } from '@connectors/core';
import { systemErrorCode } from '@connectors/core';

const KNOWN_METHODS = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE', 'QUERY']);

/** `http.request.method` per the HTTP semantic conventions: a known method, or `_OTHER`. */
export function semanticMethod(method: string): string {
  return KNOWN_METHODS.has(method) ? method : '_OTHER';
}

/** `server.port`: the explicit port, or the scheme's default. */
export function serverPort(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'http:' ? 80 : 443;
}

/** `url.full` with credentials removed and every query value redacted, as the conventions allow. */
export function redactedFullUrl(url: URL): string {
  const copy = new URL(url);
  copy.username = '';
  copy.password = '';
  for (const name of new Set(copy.searchParams.keys())) copy.searchParams.set(name, REDACTED);
  return copy.toString();
}


/** `error.type` for an attempt that threw: low-cardinality, never a message. */
export function errorTypeOf(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) return (signal.reason as { name?: unknown } | undefined)?.name === 'TimeoutError' ? 'timeout' : 'aborted';
  const code = systemErrorCode(error);
  if (code) return code;
  const name = (error as { name?: unknown } | undefined)?.name;
  if (name === 'TimeoutError') return 'timeout';
  if (name === 'AbortedError' || name === 'AbortError') return 'aborted';
  return typeof name === 'string' && name !== 'Error' ? name : '_OTHER';
}
