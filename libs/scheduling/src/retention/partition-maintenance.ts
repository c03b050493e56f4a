import { planPartitions, type DayPartition } from './partition-plan';
import { PeriodicPass } from './periodic-pass';

/** The partitioned tables (ADR 0028). */
export const PARTITIONED_TABLES = ['events', 'deliveries', 'attempts'] as const;
export type MaintainedTable = (typeof PARTITIONED_TABLES)[number];

export interface PartitionMaintenancePorts {
  /** Runs `pass` unless another instance runs one (an advisory lock); false if one does. */
  exclusively(pass: () => Promise<void>): Promise<boolean>;
  /** The table's partitions (a detach a crash left half-done is `detachPending`), and day tables left detached. */
  list(
    table: MaintainedTable,
  ): Promise<{ partitions: { name: string; detachPending: boolean }[]; detached: string[] }>;
  /** Creates a day partition (moving its rows out of the default partition); the rows moved. */
  create(table: MaintainedTable, name: string, from: Date, to: Date): Promise<number>;
  /** Detaches and drops an expired partition. */
  drop(table: MaintainedTable, name: string): Promise<void>;
  /** Finishes a half-done detach (FINALIZE) and drops the partition. */
  finalize(table: MaintainedTable, name: string): Promise<void>;
  /** Drops a day table left detached (a crash between detach and drop). */
  dropDetached(name: string): Promise<void>;
  now(): Date;
  /** A pass that failed (the next one retries). */
  failed(error: unknown): void;
  /** A pass that completed, with what it did. */
  done(report: MaintenanceReport): void;
}

export interface PartitionMaintenanceSettings {
  /** RETENTION_DAYS: a partition is dropped once all of it is older. */
  retentionDays: number;
  /** Days after today that must have a partition. */
  aheadDays: number;
  intervalMs: number;
}

/** What a pass did, per table (empty arrays: nothing to do). */
export interface MaintenanceReport {
  ran: boolean;
  created: string[];
  dropped: string[];
  /** Rows moved out of the default partitions into partitions created for their day. */
  moved: number;
}

/**
 * Keeps `events`, `deliveries` and `attempts` partitioned by day (ADR 0028): each pass, under an
 * advisory lock so one of several schedulers does it, finishes what a crash left (a half-done
 * detach, a detached table not dropped), creates the partitions from today to `aheadDays` ahead
 * and drops those whose whole day is older than the retention. `now` is injected: a spec moves
 * time forward without waiting.
 */
export class PartitionMaintenance {
  private readonly periodic: PeriodicPass<MaintenanceReport>;

  constructor(
    private readonly ports: PartitionMaintenancePorts,
    private readonly settings: PartitionMaintenanceSettings,
  ) {
    this.periodic = new PeriodicPass(() => this.runOnce(), settings.intervalMs, ports);
  }

  /** One pass over the three tables. */
  async runOnce(): Promise<MaintenanceReport> {
    const report: MaintenanceReport = { ran: false, created: [], dropped: [], moved: 0 };
    report.ran = await this.ports.exclusively(async () => {
      const now = this.ports.now();
      for (const table of PARTITIONED_TABLES) await this.maintain(table, now, report);
    });
    return report;
  }

  private async maintain(table: MaintainedTable, now: Date, report: MaintenanceReport): Promise<void> {
    const { partitions, detached } = await this.ports.list(table);
    for (const name of detached) await this.ports.dropDetached(name);
    for (const { name } of partitions.filter((entry) => entry.detachPending)) {
      await this.ports.finalize(table, name);
      report.dropped.push(name);
    }
    const plan = planPartitions({
      table,
      existing: partitions.filter((entry) => !entry.detachPending).map((entry) => entry.name),
      now,
      retentionDays: this.settings.retentionDays,
      aheadDays: this.settings.aheadDays,
    });
    for (const day of plan.create) await this.create(table, day, report);
    for (const name of plan.drop) {
      await this.ports.drop(table, name);
      report.dropped.push(name);
    }
  }

  private async create(table: MaintainedTable, day: DayPartition, report: MaintenanceReport): Promise<void> {
    report.moved += await this.ports.create(table, day.name, day.from, day.to);
    report.created.push(day.name);
  }

  start(): void {
    this.periodic.start();
  }

  /** Stops the timer and waits for a pass in progress. */
  async stop(): Promise<void> {
    await this.periodic.stop();
  }
}
