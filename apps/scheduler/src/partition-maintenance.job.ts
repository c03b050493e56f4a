import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from '@gateway/observability';
import { PartitionCatalog, type DataSource } from '@gateway/persistence';
import { CONFIG, DATA_SOURCE, LOGGER } from '@gateway/platform';
import { PartitionMaintenance } from '@gateway/scheduling';
import type { AppConfig } from './config';

/** Days ahead that always have a partition, and how often a pass runs (ADR 0028). */
const AHEAD_DAYS = 7;
const MAINTENANCE_INTERVAL_MS = 60 * 60_000;

/** Keeps the event tables' day partitions: created 7 days ahead, dropped after RETENTION_DAYS. */
@Injectable()
export class PartitionMaintenanceJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private maintenance: PartitionMaintenance | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    const catalog = new PartitionCatalog(this.dataSource);
    this.maintenance = new PartitionMaintenance(
      {
        exclusively: (pass) => catalog.exclusively(pass),
        list: (table) => catalog.list(table),
        create: (table, name, from, to) => catalog.create(table, name, from, to),
        drop: (table, name) => catalog.drop(table, name),
        finalize: (table, name) => catalog.finalize(table, name),
        dropDetached: (name) => catalog.dropDetached(name),
        now: () => new Date(),
        failed: (error) =>
          this.logger.warn({ err: error }, 'partition maintenance failed; the next pass retries'),
        done: (report) => {
          if (report.created.length + report.dropped.length > 0)
            this.logger.info(report, 'partition maintenance');
        },
      },
      {
        retentionDays: this.config.RETENTION_DAYS,
        aheadDays: AHEAD_DAYS,
        intervalMs: MAINTENANCE_INTERVAL_MS,
      },
    );
    this.maintenance.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.maintenance?.stop();
  }
}
