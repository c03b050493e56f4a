import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SourceRegistry } from '@gateway/ingress';
import { metrics, type Logger } from '@gateway/observability';
import { LiveView, SourcesRepository, type DataSource, type IngressSourceRow } from '@gateway/persistence';
import { DATA_SOURCE, LOGGER } from '@gateway/platform';

/**
 * Keeps the request path's copy of the sources current: loaded before the port opens, reloaded
 * on the `sources_changed` NOTIFY (and every 30 s). A failed reload keeps the last copy, so a
 * PostgreSQL outage does not stop the ingress.
 */
@Injectable()
export class SourcesView implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private view: LiveView<IngressSourceRow[]> | undefined;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource | null,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly registry: SourceRegistry,
    private readonly sources: SourcesRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.dataSource) throw new Error('the ingress needs DATABASE_URL (sources)');
    this.view = new LiveView(
      this.dataSource,
      'sources_changed',
      () => this.sources.forIngress(),
      (rows) => {
        const unusable = this.registry.replace(rows);
        metrics.ingressSourcesLoaded.set(this.registry.size);
        if (unusable.length > 0)
          this.logger.warn({ sourceIds: unusable }, 'sources with an unknown provider are ignored');
        for (const row of rows)
          if (row.unreadable !== null)
            this.logger.error(
              { sourceId: row.id, reason: row.unreadable },
              "a source's secrets do not open: its requests get 503 until SECRETS_ENCRYPTION_KEYS holds its key",
            );
      },
      (error) => this.logger.warn({ err: error }, 'source reload failed; keeping the last view'),
    );
    await this.view.start();
  }

  /** Holds every source change committed before this call once it resolves (ADR 0012). */
  catchUp(): Promise<void> {
    return this.view?.freshFor(Date.now()) ?? Promise.resolve();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.view?.stop();
  }
}
