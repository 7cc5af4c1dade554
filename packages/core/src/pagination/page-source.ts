import type { PathParams, QueryParams } from '../http/build-url.ts';
import type { Schema, ValidationOptions } from '../validation/validate.ts';

/** One page request as `paginate` makes it. */
export interface PageCall {
  path: string;
  params?: PathParams;
  query?: QueryParams;
  method?: 'GET' | 'POST';
  /** A POST listing is a read: safe to repeat. */
  idempotent?: boolean;
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
  schema?: Schema;
  validation?: ValidationOptions;
  signal: AbortSignal;
  operation: string;
  /** The listing's path template, for events and metrics when `path` is a next URL. */
  route: string;
  responseType: 'json';
}

/** A page as `paginate` needs it back. */
export interface PageResponse {
  data: unknown;
  status: number;
  headers: Headers;
  url: URL;
}

/**
 * What `paginate` needs of a client: a way to send one page, and where it may send. `HttpClient` is
 * one; GraphQL connections and tests bring their own. Pagination depends on this, not on the client.
 */
export interface PageSource {
  readonly connector: string;
  readonly baseUrl: string;
  send(call: PageCall): Promise<PageResponse>;
  /** Next URLs on another origin are refused: credentials only go where the client was configured to send them. */
  isSameOrigin(url: URL): boolean;
}
