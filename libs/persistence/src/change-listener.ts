import type { DataSource } from 'typeorm';
import type { PoolClient } from 'pg';

/** How long a sync round trip may take before the listening connection is given up. */
const SYNC_TIMEOUT_MS = 2000;

/** The channels the migrations' triggers NOTIFY on. */
export type ChangeChannel =
  'endpoints_changed' | 'sources_changed' | 'event_types_changed' | 'api_keys_changed';

type ChangeHandler = (payload: string | undefined) => void;

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
 * One listening connection per data source, shared by every view of the process (ADR 0032): it
 * LISTENs on each channel a view asked for, so one round trip syncs them all. Syncs asked for in
 * the same turn of the event loop (the router's catalog and subscriptions, before each batch) share
 * one round trip; one asked for after it was sent waits for the next. On a lost connection every
 * handler is called with no payload (a safe full refresh) and it reconnects.
 */
class SharedListener {
  private readonly handlers = new Map<ChangeChannel, Set<ChangeHandler>>();
  /** The channels LISTENed on the current connection. */
  private readonly listened = new Set<ChangeChannel>();
  private client: PoolClient | undefined;
  /** The round trip that callers of this turn share, until it is sent. */
  private gathering: Promise<boolean> | undefined;
  /** Connecting, LISTEN and UNLISTEN, one at a time (two views starting together race otherwise). */
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly onEmpty: () => void,
  ) {}

  async add(channel: ChangeChannel, handler: ChangeHandler): Promise<ChangeListener> {
    const known = this.handlers.get(channel);
    if (known) known.add(handler);
    else this.handlers.set(channel, new Set([handler]));
    try {
      await this.serially(async () => {
        if (!this.client) await this.connect();
        else if (!this.listened.has(channel)) {
          await this.client.query(`LISTEN ${channel}`);
          this.listened.add(channel);
        }
      });
    } catch (error) {
      await this.remove(channel, handler);
      throw error;
    }
    return { sync: () => this.sync(), close: () => this.remove(channel, handler) };
  }

  private serially<T>(step: () => Promise<T>): Promise<T> {
    const run = this.chain.then(step);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private sync(): Promise<boolean> {
    this.gathering ??= new Promise<void>((resolve) => queueMicrotask(resolve)).then(() => {
      this.gathering = undefined;
      return this.roundTrip();
    });
    return this.gathering;
  }

  private async roundTrip(): Promise<boolean> {
    const current = this.client;
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
      this.drop(current);
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return true;
  }

  /** A new connection, LISTENing on every channel asked for so far. */
  private async connect(): Promise<void> {
    const driver = this.dataSource.driver as unknown as { master: { connect(): Promise<PoolClient> } };
    const next = await driver.master.connect();
    next.on('notification', (message) => {
      for (const handler of this.handlers.get(message.channel as ChangeChannel) ?? [])
        handler(message.payload);
    });
    next.on('error', () => this.drop(next));
    const channels = [...this.handlers.keys()];
    try {
      for (const channel of channels) await next.query(`LISTEN ${channel}`);
    } catch (error) {
      next.release(true);
      throw error;
    }
    this.listened.clear();
    for (const channel of channels) this.listened.add(channel);
    this.client = next;
  }

  /** Gives up a broken connection (an error, or no answer in time) and reconnects. */
  private drop(broken: PoolClient): void {
    if (this.client !== broken) return;
    this.client = undefined;
    this.listened.clear();
    broken.release(true);
    if (!this.closed) setTimeout(() => void this.reconnect(), 1000);
  }

  private async reconnect(): Promise<void> {
    try {
      const made = await this.serially(async () => {
        if (this.closed || this.client) return false;
        await this.connect();
        return true;
      });
      if (made)
        for (const handlers of this.handlers.values()) for (const handler of handlers) handler(undefined);
    } catch {
      if (!this.closed) setTimeout(() => void this.reconnect(), 1000);
    }
  }

  private async remove(channel: ChangeChannel, handler: ChangeHandler): Promise<void> {
    const handlers = this.handlers.get(channel);
    if (!handlers?.delete(handler) || handlers.size > 0) return;
    this.handlers.delete(channel);
    if (this.handlers.size === 0) {
      this.closed = true;
      this.onEmpty();
    }
    await this.serially(async () => {
      const client = this.client;
      if (!client) return;
      if (!this.closed) {
        await client.query(`UNLISTEN ${channel}`).catch(() => undefined);
        this.listened.delete(channel);
        return;
      }
      this.client = undefined;
      await client.query(`UNLISTEN *`).catch(() => undefined);
      client.release();
    });
  }
}

const shared = new WeakMap<DataSource, SharedListener>();

/**
 * LISTENs on a channel that the migrations' triggers NOTIFY on (`endpoints_changed`,
 * `sources_changed`, `event_types_changed`, `api_keys_changed`), so in-memory views refresh on
 * change without a query per message, over the process's one listening connection.
 */
export async function listenForChanges(
  dataSource: DataSource,
  channel: ChangeChannel,
  onChange: ChangeHandler,
): Promise<ChangeListener> {
  let listener = shared.get(dataSource);
  if (!listener) {
    const made = new SharedListener(dataSource, () => {
      if (shared.get(dataSource) === made) shared.delete(dataSource);
    });
    shared.set(dataSource, made);
    listener = made;
  }
  return listener.add(channel, onChange);
}
