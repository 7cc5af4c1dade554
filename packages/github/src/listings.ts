import { linkHeaderPagination } from '@connectors/core';

/**
 * How every GitHub listing pages, declared once: the `Link` header's `rel="next"`, 100 items a page
 * (GitHub's maximum, so the fewest calls against the rate limit). The definition's `listings` and
 * every generated listing use it.
 */
export const listings = { pagination: linkHeaderPagination({ limit: 100, limitParam: 'per_page' }) };
