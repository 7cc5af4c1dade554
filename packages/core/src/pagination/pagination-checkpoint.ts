/** Where a page starts: a cursor or a next URL (string), an offset or a page number (number). */
export type PagePosition = string | number;

/**
 * Where to resume a listing: save it (it is plain JSON) after processing a page, pass it back as
 * `paginate({ checkpoint })` after a crash. Resuming never skips an item; it may repeat the items of a
 * page that was cut short by `maxItems`.
 */
export interface PaginationCheckpoint {
  /** The strategy that wrote it. */
  strategy: string;
  /** The listing's path template, so a checkpoint is never resumed against another listing. */
  path: string;
  /** The position of the next page; absent with `done: false` means from the first page. */
  next?: PagePosition;
  /** The listing was read to its end: resuming yields nothing. */
  done: boolean;
}
