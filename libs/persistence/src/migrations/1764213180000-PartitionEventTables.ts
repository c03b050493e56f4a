import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Each table, its partition column (the event's accepted time), and how to fill it from the old table. */
const TABLES = [
  {
    table: 'events',
    key: 'received_at',
    columns: `id text NOT NULL, type text NOT NULL, tenant text, data json NOT NULL,
      occurred_at timestamptz NOT NULL, received_at timestamptz NOT NULL DEFAULT now()`,
    primaryKey: 'id, received_at',
    indexes: [
      'events_received_idx ON events (received_at, id)',
      'events_type_idx ON events (type, received_at)',
      // The console's tenant filter (1764212100030-AddConsoleTables), made again on the new table.
      'events_tenant_idx ON events (tenant, received_at, id)',
    ],
    copy: `SELECT id, type, tenant, data, occurred_at, received_at FROM events_unpartitioned`,
  },
  {
    table: 'deliveries',
    key: 'created_at',
    columns: `id text NOT NULL, event_id text NOT NULL, endpoint_id text NOT NULL,
      status text NOT NULL DEFAULT 'pending', attempts int NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),
      next_attempt_at timestamptz, routed_at timestamptz, claimed_by text,
      CONSTRAINT deliveries_status_check CHECK (status IN ('pending','delivered','retrying','dead','cancelled'))`,
    primaryKey: 'id, created_at',
    indexes: [
      'deliveries_event_idx ON deliveries (event_id)',
      'deliveries_endpoint_idx ON deliveries (endpoint_id, created_at)',
    ],
    copy: `SELECT id, event_id, endpoint_id, status, attempts, created_at, updated_at, next_attempt_at, routed_at,
      claimed_by FROM deliveries_unpartitioned`,
  },
  {
    table: 'attempts',
    key: 'event_received_at',
    columns: `delivery_id text NOT NULL, attempt int NOT NULL, started_at timestamptz NOT NULL,
      duration_ms int NOT NULL, status_code int, error text, response_body text,
      event_received_at timestamptz NOT NULL`,
    primaryKey: 'delivery_id, attempt, event_received_at',
    indexes: [],
    // An old attempt takes its delivery's time (the key every later attempt of it is given).
    copy: `SELECT a.delivery_id, a.attempt, a.started_at, a.duration_ms, a.status_code, a.error, a.response_body,
      COALESCE((SELECT d.created_at FROM deliveries d WHERE d.id = a.delivery_id LIMIT 1), a.started_at)
        AS event_received_at
      FROM attempts_unpartitioned a`,
  },
] as const;

/** Days a new partitioned table is given ahead of today (the maintenance job keeps it so). */
const AHEAD_DAYS = 7;

/**
 * Range-partitions `events`, `deliveries` and `attempts` by day on the event's accepted time
 * (ADR 0028): partitions `<table>_pYYYYMMDD` (UTC) for every day that has rows and for today to 7
 * days ahead, plus `<table>_default`. Primary keys gain the partition column; no foreign key
 * references these tables. Rows are copied into the new tables in the migration's transaction:
 * the tables are locked for the copy, a minute per few million rows.
 */
export class PartitionEventTables1764213180000 implements MigrationInterface {
  name = 'PartitionEventTables1764213180000';

  async up(runner: QueryRunner): Promise<void> {
    // In this order: the copy of attempts reads the new deliveries.
    for (const spec of TABLES) {
      const { table } = spec;
      await runner.query(`ALTER TABLE ${table} RENAME TO ${table}_unpartitioned`);
      await runner.query(`ALTER TABLE ${table}_unpartitioned DROP CONSTRAINT ${table}_pkey`);
      for (const index of spec.indexes) await runner.query(`DROP INDEX ${index.split(' ')[0]}`);
      await runner.query(
        `CREATE TABLE ${table} (${spec.columns}, PRIMARY KEY (${spec.primaryKey})) PARTITION BY RANGE (${spec.key})`,
      );
      for (const index of spec.indexes) await runner.query(`CREATE INDEX ${index}`);
      await runner.query(`CREATE TABLE ${table}_default PARTITION OF ${table} DEFAULT`);
      const days = (await runner.query(
        `SELECT to_char(day, 'YYYY-MM-DD') AS day FROM (
           SELECT DISTINCT date_trunc('day', ${spec.key} AT TIME ZONE 'UTC') AS day FROM (${spec.copy}) AS copied
           UNION
           SELECT date_trunc('day', now() AT TIME ZONE 'UTC') + make_interval(days => n)
             FROM generate_series(0, ${AHEAD_DAYS}) AS n
         ) AS days`,
      )) as { day: string }[];
      for (const { day } of days) {
        const from = new Date(`${day}T00:00:00Z`);
        const to = new Date(from.getTime() + 86_400_000);
        await runner.query(
          `CREATE TABLE ${table}_p${day.replaceAll('-', '')} PARTITION OF ${table}
             FOR VALUES FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`,
        );
      }
      await runner.query(`INSERT INTO ${table} ${spec.copy}`);
      await runner.query(`DROP TABLE ${table}_unpartitioned`);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const spec of [...TABLES].reverse()) {
      const { table } = spec;
      await runner.query(`ALTER TABLE ${table} RENAME TO ${table}_partitioned`);
      for (const index of spec.indexes) await runner.query(`DROP INDEX ${index.split(' ')[0]}`);
      await runner.query(
        `CREATE TABLE ${table} (LIKE ${table}_partitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
      );
      await runner.query(`INSERT INTO ${table} SELECT * FROM ${table}_partitioned`);
      await runner.query(`DROP TABLE ${table}_partitioned`);
      for (const index of spec.indexes) await runner.query(`CREATE INDEX ${index}`);
    }
    await runner.query(`ALTER TABLE events ADD PRIMARY KEY (id)`);
    await runner.query(`ALTER TABLE deliveries ADD PRIMARY KEY (id)`);
    await runner.query(`ALTER TABLE attempts DROP COLUMN event_received_at`);
    await runner.query(`ALTER TABLE attempts ADD PRIMARY KEY (delivery_id, attempt)`);
  }
}
