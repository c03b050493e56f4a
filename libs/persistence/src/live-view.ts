import type { DataSource } from 'typeorm';
import { listenForChanges, type ChangeListener } from './change-listener';

/**
 * An in-memory copy of some table data: loaded at start, reloaded when PostgreSQL NOTIFYs a change
 * (debounced), on demand, and every `safetyReloadMs` in case a notification was missed. A failed
 * reload keeps the last copy.
 */
export class LiveView<T> {
  private listener: ChangeListener | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pending: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly channel: 'endpoints_changed' | 'sources_changed',
    private readonly load: (dataSource: DataSource) => Promise<T>,
    private readonly onLoad: (value: T) => void,
    private readonly onError: (error: unknown) => void,
    private readonly safetyReloadMs = 30000,
  ) {}

  async start(): Promise<void> {
    this.listener = await listenForChanges(this.dataSource, this.channel, () => this.scheduleReload());
    await this.reload();
    this.timer = setInterval(() => this.scheduleReload(), this.safetyReloadMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearTimeout(this.pending);
    await this.listener?.close();
  }

  /** Reloads now (joining a reload already running). */
  reload(): Promise<void> {
    this.inFlight ??= this.load(this.dataSource)
      .then((value) => this.onLoad(value))
      .finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  scheduleReload(delayMs = 20): void {
    this.pending ??= setTimeout(() => {
      this.pending = undefined;
      this.reload().catch(this.onError);
    }, delayMs);
  }
}
