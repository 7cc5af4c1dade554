export { paginate, type Page, type Paginated, type PaginateOptions } from './paginate.ts';
export {
  type PagePosition,
  type PageRequest,
  type PageValue,
  type PaginationCheckpoint,
  type PaginationStrategy,
  type ParamsIn,
  type RawPage,
} from './pagination-strategy.ts';
export { cursorPagination, type CursorPaginationOptions } from './cursor-pagination.ts';
export { offsetPagination, type OffsetPaginationOptions } from './offset-pagination.ts';
export { pagePagination, type PagePaginationOptions } from './page-pagination.ts';
export { linkHeaderPagination, type LinkHeaderPaginationOptions } from './link-header-pagination.ts';
export { nextUrlPagination, type NextUrlPaginationOptions } from './next-url-pagination.ts';
export { readPath, type ItemAt, type ValueAt } from './read-path.ts';
export { resolveListing, type Listing, type Listings } from './listings.ts';
export type { PageCall, PageResponse, PageSource } from './page-source.ts';
