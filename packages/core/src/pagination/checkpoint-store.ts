import type { PaginationCheckpoint } from './pagination-strategy.ts';

/**
 * Where a long listing or sync saves how far it got, so a restarted process resumes there
 * (`paginate({ checkpoint: await store.get(key) })`, then `store.set(key, page.checkpoint)` after
 * each page is processed). Values are JSON: a `PaginationCheckpoint` or your own sync cursor.
 * Implementations: `memoryCheckpointStore()`, `postgresCheckpointStore()` from `@connectors/core/postgres`.
 */
export interface CheckpointStore<T = PaginationCheckpoint> {
  get(key: string): Promise<T | undefined>;
  set(key: string, value: T): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Keeps checkpoints in this process's memory (tests, or a job that does not need to survive a restart). */
export function memoryCheckpointStore<T = PaginationCheckpoint>(): CheckpointStore<T> {
  const values = new Map<string, string>();
  return {
    async get(key) {
      const text = values.get(key);
      return text === undefined ? undefined : (JSON.parse(text) as T);
    },
    async set(key, value) {
      values.set(key, JSON.stringify(value));
    },
    async delete(key) {
      values.delete(key);
    },
  };
}
