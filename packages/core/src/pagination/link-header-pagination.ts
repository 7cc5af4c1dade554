import { parseLinkHeader } from '../http/link-header.ts';
import { checkLimit, checkParam, type PagePosition, type PaginationStrategy } from './pagination-strategy.ts';

export interface LinkHeaderPaginationOptions {
  /** The relation to follow. Default `next`. */
  rel?: string;
  /** Page size for the first request (`per_page` on GitHub, `limit` on Shopify); later pages keep what the link says. */
  limit?: number;
  /** Default `per_page`. */
  limitParam?: string;
}

/**
 * RFC 8288 `Link: <https://...>; rel="next"` (GitHub, Shopify, GitLab). The listing ends when the
 * header has no `next`. Next links on another origin are refused by `paginate`.
 */
export function linkHeaderPagination(options: LinkHeaderPaginationOptions = {}): PaginationStrategy {
  const name = 'linkHeaderPagination';
  checkLimit(name, options.limit);
  const rel = (options.rel ?? 'next').toLowerCase();
  const limitParam = options.limitParam ?? 'per_page';
  checkParam(name, 'rel', rel);
  checkParam(name, 'limitParam', limitParam);
  return {
    kind: 'link-header',
    request: (position) =>
      position === undefined ? { query: options.limit !== undefined ? { [limitParam]: options.limit } : {} } : { url: String(position) },
    next(page): PagePosition | undefined {
      const target = parseLinkHeader(page.headers.get('link')).get(rel);
      if (!target) return undefined;
      try {
        return new URL(target, page.url).toString();
      } catch {
        return page.fail('invalid-page', `the Link header's rel="${rel}" target is not a URL`);
      }
    },
  };
}
