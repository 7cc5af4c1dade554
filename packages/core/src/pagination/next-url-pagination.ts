import { checkLimit, checkParam, type PagePosition, type PageValue, type PaginationStrategy, readValue } from './pagination-strategy.ts';

export interface NextUrlPaginationOptions {
  /** Where the next page's URL is in the body: `next`, `links.next`, `paging.next.link`, or a function. Relative URLs are resolved against the page's URL. */
  nextUrl: PageValue;
  /** Page size for the first request; later pages keep what the next URL says. */
  limit?: number;
  /** Default `limit`. */
  limitParam?: string;
}

/** A next-page URL in the body (`{ "next": "https://..." }`). The listing ends when it is null, empty or missing. */
export function nextUrlPagination(options: NextUrlPaginationOptions): PaginationStrategy {
  const name = 'nextUrlPagination';
  if (typeof options.nextUrl !== 'string' && typeof options.nextUrl !== 'function') {
    throw new TypeError(`${name}: nextUrl must be a path in the body (e.g. 'links.next') or a function`);
  }
  checkLimit(name, options.limit);
  const limitParam = options.limitParam ?? 'limit';
  checkParam(name, 'limitParam', limitParam);
  return {
    kind: 'next-url',
    request: (position) =>
      position === undefined ? { query: options.limit !== undefined ? { [limitParam]: options.limit } : {} } : { url: String(position) },
    next(page): PagePosition | undefined {
      const target = readValue(page, options.nextUrl);
      if (target === undefined || target === null || target === '') return undefined;
      if (typeof target !== 'string') return page.fail('invalid-page', `the next URL is ${typeof target}, not a string; check the nextUrl option`);
      try {
        return new URL(target, page.url).toString();
      } catch {
        return page.fail('invalid-page', 'the next URL in the body is not a URL');
      }
    },
  };
}
