import type { PaginationCheckpoint } from '../pagination/pagination-checkpoint.ts';
import { ConnectorError, type ConnectorErrorOptions } from './connector-error.ts';

/** Why a listing was stopped instead of read further. */
export type PaginationErrorCode =
  | 'repeated-position' // the API handed back a cursor or next URL it had already given: following it would loop forever
  | 'repeated-page' // a page came back with the same items as the one before: the API ignores the offset or page parameter
  | 'foreign-origin' // the next URL points to another host: credentials are never sent there
  | 'missing-cursor' // the page says there is more, but gives no way to get it
  | 'invalid-page' // the page has no item list where `items` says it is
  | 'invalid-checkpoint'; // the checkpoint to resume from belongs to another listing or strategy

/**
 * A paginated listing could not be read safely to its end. The pages before the failing one were
 * delivered; `checkpoint` is where to resume once the cause is fixed. Never retried automatically:
 * the same pages would give the same answer.
 */
export class PaginationError extends ConnectorError {
  static override readonly marker: string = 'connectors.error.PaginationError';
  override name = 'PaginationError';
  readonly code: PaginationErrorCode;
  /** The 1-based page (counted from where this run started) whose response caused the stop; 0 when no page was read (a bad checkpoint). */
  readonly page: number;
  /** The checkpoint after the last page that was delivered, when there was one (JSON-serialisable). */
  readonly checkpoint: PaginationCheckpoint | undefined;

  constructor(
    message: string,
    options: Omit<ConnectorErrorOptions, 'retryable'> & { code: PaginationErrorCode; page: number; checkpoint?: PaginationCheckpoint },
  ) {
    super(message, { ...options, retryable: false });
    this.code = options.code;
    this.page = options.page;
    this.checkpoint = options.checkpoint;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), code: this.code, page: this.page, checkpoint: this.checkpoint };
  }
}
