import type { DataSource } from 'typeorm';

/** The tables range-partitioned by day on their event's accepted time (ADR 0028), and that column. */
export const partitionKeys = {
  events: 'received_at',
  deliveries: 'created_at',
  attempts: 'event_received_at',
} as const;
export type PartitionedTable = keyof typeof partitionKeys;

/** One partition of a table; `detachPending` when a concurrent detach was left half-done by a crash. */
export interface PartitionEntry {
  name: string;
  detachPending: boolean;
}

/** Arbitrary, fixed: the session advisory lock one maintenance pass holds across every scheduler. */
const MAINTENANCE_LOCK = 280_028;

/** How long a detach waits for the table's lock before the pass gives up (the next pass retries). */
const DETACH_LOCK_TIMEOUT = '5s';

const ident = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain identifier: ${name}`);
  return `"${name}"`;
};

/**
 * The partitions of `events`, `deliveries` and `attempts`: the catalog and DDL the scheduler's
 * partition maintenance runs (ADR 0028). Not a table's repository: it reads PostgreSQL's catalog
 * and changes the three tables' shape, never their rows (but for the rows it moves out of the
 * default partition into a day partition created for them).
 */
export class PartitionCatalog {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `pass` if no other session runs one (a session advisory lock); false if one does. */
  async exclusively(pass: () => Promise<void>): Promise<boolean> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [row] = (await runner.query(`SELECT pg_try_advisory_lock($1) AS locked`, [MAINTENANCE_LOCK])) as {
        locked: boolean;
      }[];
      if (!row?.locked) return false;
      try {
        await pass();
      } finally {
        await runner.query(`SELECT pg_advisory_unlock($1)`, [MAINTENANCE_LOCK]);
      }
      return true;
    } finally {
      await runner.release();
    }
  }

  /** The table's partitions, and day-partition tables a crash left detached but not dropped. */
  async list(table: PartitionedTable): Promise<{ partitions: PartitionEntry[]; detached: string[] }> {
    const partitions = await this.dataSource.query<PartitionEntry[]>(
      `SELECT c.relname AS name, i.inhdetachpending AS "detachPending"
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = $1::regclass ORDER BY c.relname`,
      [table],
    );
    const detached = await this.dataSource.query<{ name: string }[]>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind = 'r' AND NOT c.relispartition
          AND c.relname ~ $1 ORDER BY c.relname`,
      [`^${table}_p[0-9]{8}$`],
    );
    return { partitions, detached: detached.map((row) => row.name) };
  }

  /**
   * Creates the day partition `[from, to)`. Rows of that range already in `<table>_default` (written
   * before the partition existed) are moved into it in the same transaction, since PostgreSQL refuses
   * a partition whose range the default partition holds rows of; the rows moved.
   */
  async create(table: PartitionedTable, name: string, from: Date, to: Date): Promise<number> {
    const key = partitionKeys[table];
    return await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `CREATE TABLE ${ident(name)} (LIKE ${ident(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
      );
      const [moved] = await manager.query<{ count: number }[]>(
        `WITH moved AS (
           DELETE FROM ${ident(`${table}_default`)} WHERE ${key} >= $1 AND ${key} < $2 RETURNING *
         ), copied AS (INSERT INTO ${ident(name)} SELECT * FROM moved RETURNING 1)
         SELECT count(*)::int AS count FROM copied`,
        [from.toISOString(), to.toISOString()],
      );
      await manager.query(
        `ALTER TABLE ${ident(table)} ATTACH PARTITION ${ident(name)}
           FOR VALUES FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`,
      );
      return moved?.count ?? 0;
    });
  }

  /**
   * Detaches a partition and drops it. PostgreSQL refuses DETACH ... CONCURRENTLY on a table with a
   * default partition, so the detach takes the table's lock for a catalog change (no scan), waiting
   * at most DETACH_LOCK_TIMEOUT for it; then the detached table is dropped outside that lock.
   */
  async drop(table: PartitionedTable, name: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL lock_timeout = '${DETACH_LOCK_TIMEOUT}'`);
      await manager.query(`ALTER TABLE ${ident(table)} DETACH PARTITION ${ident(name)}`);
    });
    await this.dropDetached(name);
  }

  /** Completes a concurrent detach a crash left half-done (FINALIZE), then drops the partition. */
  async finalize(table: PartitionedTable, name: string): Promise<void> {
    await this.dataSource.query(`ALTER TABLE ${ident(table)} DETACH PARTITION ${ident(name)} FINALIZE`);
    await this.dropDetached(name);
  }

  /** Drops a day-partition table that is no longer attached. */
  async dropDetached(name: string): Promise<void> {
    await this.dataSource.query(`DROP TABLE IF EXISTS ${ident(name)}`);
  }
}
