import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from '@gateway/observability';
import {
  AttemptsRepository,
  DeliveriesRepository,
  EventsRepository,
  TenantsRepository,
} from '@gateway/persistence';
import { LOGGER } from '@gateway/platform';
import { TenantRetention, type TenantRetentionTable } from '@gateway/scheduling';

/** Rows per delete statement, and how often a pass runs (ADR 0028). */
const TENANT_RETENTION_BATCH = 500;
const TENANT_RETENTION_INTERVAL_MS = 10 * 60_000;

/** Deletes the rows of tenants with a shorter `retentionDays`, in small batches. */
@Injectable()
export class TenantRetentionJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private retention: TenantRetention | undefined;

  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly tenants: TenantsRepository,
    private readonly events: EventsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly attempts: AttemptsRepository,
  ) {}

  onApplicationBootstrap(): void {
    const tables: Record<TenantRetentionTable, { expireForTenant: EventsRepository['expireForTenant'] }> = {
      attempts: this.attempts,
      deliveries: this.deliveries,
      events: this.events,
    };
    this.retention = new TenantRetention(
      {
        tenants: () => this.tenants.withRetention(),
        expire: (table, tenant, cutoff, limit) => tables[table].expireForTenant(tenant, cutoff, limit),
        now: () => new Date(),
        failed: (error) =>
          this.logger.warn({ err: error }, "a tenant's retention pass failed; the next pass retries"),
      },
      { batch: TENANT_RETENTION_BATCH, intervalMs: TENANT_RETENTION_INTERVAL_MS },
    );
    this.retention.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.retention?.stop();
  }
}
