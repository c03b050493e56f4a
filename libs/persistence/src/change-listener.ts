import type { DataSource } from 'typeorm';
import type { PoolClient } from 'pg';

export interface ChangeListener {
  /**
   * A round trip on the listening connection. PostgreSQL delivers a session's pending
   * notifications before it answers a query, so once this resolves, `onChange` has seen every
   * change committed before the call. False while the connection is being re-established.
   */
  sync(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * LISTENs on a channel that the migrations' triggers NOTIFY on (`endpoints_changed`,
 * `sources_changed`), so in-memory views refresh on change without a query per message.
 * On a lost connection it calls `onChange` (a safe full refresh) and reconnects.
 */
export async function listenForChanges(
  dataSource: DataSource,
  channel: 'endpoints_changed' | 'sources_changed',
  onChange: (payload: string | undefined) => void,
): Promise<ChangeListener> {
  const driver = dataSource.driver as unknown as { master: { connect(): Promise<PoolClient> } };
  let client: PoolClient | undefined;
  let closed = false;
  const connect = async (): Promise<void> => {
    client = await driver.master.connect();
    client.on('notification', (message) => onChange(message.payload));
    client.on('error', () => {
      client?.release(true);
      client = undefined;
      if (!closed) setTimeout(() => void reconnect(), 1000);
    });
    await client.query(`LISTEN ${channel}`);
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
      if (!client) return false;
      await client.query('SELECT 1');
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
