import type { DataSource } from 'typeorm';
import type { PoolClient } from 'pg';

/** How long a sync round trip may take before the listening connection is given up. */
const SYNC_TIMEOUT_MS = 2000;

export interface ChangeListener {
  /**
   * A round trip on the listening connection. PostgreSQL delivers a session's pending
   * notifications before it answers a query, so once this resolves, `onChange` has seen every
   * change committed before the call. False while the connection is being re-established;
   * rejects (and reconnects) when the connection fails or does not answer within 2 s.
   */
  sync(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * LISTENs on a channel that the migrations' triggers NOTIFY on (`endpoints_changed`,
 * `sources_changed`, `event_types_changed`), so in-memory views refresh on change without a query per message.
 * On a lost connection it calls `onChange` (a safe full refresh) and reconnects.
 */
export async function listenForChanges(
  dataSource: DataSource,
  channel: 'endpoints_changed' | 'sources_changed' | 'event_types_changed' | 'api_keys_changed',
  onChange: (payload: string | undefined) => void,
): Promise<ChangeListener> {
  const driver = dataSource.driver as unknown as { master: { connect(): Promise<PoolClient> } };
  let client: PoolClient | undefined;
  let closed = false;
  /** Gives up a broken connection (an error, or no answer in time) and reconnects. */
  const drop = (broken: PoolClient): void => {
    if (client !== broken) return;
    client = undefined;
    broken.release(true);
    if (!closed) setTimeout(() => void reconnect(), 1000);
  };
  const connect = async (): Promise<void> => {
    const next = await driver.master.connect();
    next.on('notification', (message) => onChange(message.payload));
    next.on('error', () => drop(next));
    try {
      await next.query(`LISTEN ${channel}`);
    } catch (error) {
      next.release(true);
      throw error;
    }
    client = next;
  };
  const reconnect = async (): Promise<void> => {
    try {
      await connect();
      onChange(undefined);
    } catch {
      if (!closed) setTimeout(() => void reconnect(), 1000);
    }
  };
  await connect();
  return {
    sync: async () => {
      const current = client;
      if (!current) return false;
      // A connection dropped silently (a NAT, a failover) would hold every caller until TCP gives up.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the listening connection did not answer within ${SYNC_TIMEOUT_MS} ms`)),
          SYNC_TIMEOUT_MS,
        );
      });
      try {
        await Promise.race([current.query('SELECT 1'), late]);
      } catch (error) {
        drop(current);
        throw error;
      } finally {
        clearTimeout(timer);
      }
      return true;
    },
    close: async () => {
      closed = true;
      if (client) {
        await client.query(`UNLISTEN ${channel}`).catch(() => undefined);
        client.release();
      }
    },
  };
}
