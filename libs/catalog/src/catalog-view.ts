import { EventTypesRepository, LiveView, type DataSource } from '@gateway/persistence';
import { EventCatalog } from './event-catalog';

/**
 * The catalog kept current in memory: loaded at start, reloaded on `event_types_changed` (a NOTIFY
 * per write) and every 30 s in case one was missed. Readers never wait for PostgreSQL.
 */
export class CatalogView {
  readonly catalog: EventCatalog;
  private readonly view: LiveView<Awaited<ReturnType<EventTypesRepository['schemas']>>>;

  constructor(
    dataSource: DataSource,
    eventTypes: EventTypesRepository,
    private readonly onError: (error: unknown) => void,
    onBadSchema: ConstructorParameters<typeof EventCatalog>[1] = () => undefined,
  ) {
    const catalog = new EventCatalog(undefined, onBadSchema);
    this.catalog = catalog;
    this.view = new LiveView(
      dataSource,
      'event_types_changed',
      () => eventTypes.schemas(),
      (rows) => catalog.set(rows),
      onError,
    );
  }

  start(): Promise<void> {
    return this.view.start();
  }

  stop(): Promise<void> {
    return this.view.stop();
  }

  /**
   * After this process wrote the catalog: resolves once a load started after the call is applied,
   * so the write is in. A failed load is reported to `onError`, not thrown: the write itself
   * succeeded, and the NOTIFY or the safety reload brings it in later.
   */
  async reloadAfterWrite(): Promise<void> {
    await this.view.reload().catch(this.onError);
  }

  /** See `LiveView.freshFor`: the catalog holds every change committed before `timestampMs`. */
  freshFor(timestampMs: number): Promise<void> {
    return this.view.freshFor(timestampMs);
  }
}
