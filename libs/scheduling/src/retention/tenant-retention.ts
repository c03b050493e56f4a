import { inBatches } from './in-batches';
import { PeriodicPass } from './periodic-pass';

const DAY_MS = 86_400_000;

/** The tables a tenant's retention deletes from, in this order (an attempt before its delivery, a delivery before its event). */
export const TENANT_RETENTION_TABLES = ['attempts', 'deliveries', 'events'] as const;
export type TenantRetentionTable = (typeof TENANT_RETENTION_TABLES)[number];

export interface TenantRetentionPorts {
  /** Tenants with a retention of their own. */
  tenants(): Promise<{ id: string; retentionDays: number | null }[]>;
  /** Deletes at most `limit` of the tenant's rows of `table` accepted before `cutoff`; how many. */
  expire(table: TenantRetentionTable, tenant: string, cutoff: Date, limit: number): Promise<number>;
  now(): Date;
  failed(error: unknown): void;
}

export interface TenantRetentionSettings {
  batch: number;
  intervalMs: number;
}

/**
 * A tenant's shorter retention (ADR 0028): its rows of `events`, `deliveries` and `attempts` older
 * than its `retentionDays` are deleted in small batches (a partition holds every tenant's rows, so
 * partitions cannot do it). Other tenants' rows are untouched.
 */
export class TenantRetention {
  private readonly periodic: PeriodicPass<number>;

  constructor(
    private readonly ports: TenantRetentionPorts,
    private readonly settings: TenantRetentionSettings,
  ) {
    this.periodic = new PeriodicPass(() => this.runOnce(), settings.intervalMs, ports);
  }

  /** One pass over every tenant with a retention; the rows deleted. */
  async runOnce(): Promise<number> {
    const now = this.ports.now().getTime();
    let total = 0;
    for (const { id, retentionDays } of await this.ports.tenants()) {
      if (retentionDays === null) continue;
      const cutoff = new Date(now - retentionDays * DAY_MS);
      for (const table of TENANT_RETENTION_TABLES)
        total += await inBatches(this.settings.batch, (limit) => this.ports.expire(table, id, cutoff, limit));
    }
    return total;
  }

  start(): void {
    this.periodic.start();
  }

  async stop(): Promise<void> {
    await this.periodic.stop();
  }
}
