import type pg from 'pg';

export interface NotifyListener {
  /** Calls `onNotify` on every notification of the channel; the first listener opens the LISTEN connection. */
  add(onNotify: () => void): () => void;
  close(): Promise<void>;
}

/**
 * One connection taken out of the pool for `LISTEN channel` (a pooled connection cannot listen: it
 * would be handed to other queries). When the connection breaks it is dropped and opened again a
 * second later; meanwhile the workers' polling covers the gap, so a lost notification only delays.
 */
export function postgresNotifyListener(pool: pg.Pool, channel: string, ready: Promise<void>): NotifyListener {
  const callbacks = new Set<() => void>();
  let client: pg.PoolClient | undefined;
  let opening: Promise<void> | undefined;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;

  const again = () => {
    if (!closed && callbacks.size > 0) retry = setTimeout(() => (opening = open()), 1000).unref();
  };

  async function open(): Promise<void> {
    try {
      await ready;
      const connection = await pool.connect();
      connection.on('notification', () => {
        for (const callback of callbacks) callback();
      });
      connection.on('error', () => {
        if (client === connection) client = undefined;
        connection.release(true);
        again();
      });
      await connection.query(`LISTEN "${channel}"`);
      client = connection;
      if (closed) await stop();
    } catch {
      again();
    }
  }

  async function stop(): Promise<void> {
    clearTimeout(retry);
    const connection = client;
    client = undefined;
    if (!connection) return;
    try {
      await connection.query(`UNLISTEN "${channel}"`);
      connection.release();
    } catch (error) {
      connection.release(error instanceof Error ? error : true);
    }
  }

  return {
    add(onNotify) {
      callbacks.add(onNotify);
      if (!opening && !closed) opening = open();
      return () => void callbacks.delete(onNotify);
    },
    async close() {
      closed = true;
      await opening;
      await stop();
    },
  };
}
