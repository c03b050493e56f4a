import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The console's tables (ADR 0030): a tenant's `branding`; `source_stats`, the ingress's per-source,
 * per-minute counters; and the index of a tenant's event log (the console's filtered list).
 */
export class AddConsoleTables1764212100030 implements MigrationInterface {
  name = 'AddConsoleTables1764212100030';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE tenants ADD COLUMN branding jsonb`);
    await runner.query(
      `CREATE TABLE source_stats (
         source_id text NOT NULL,
         minute timestamptz NOT NULL,
         verified integer NOT NULL DEFAULT 0,
         duplicates integer NOT NULL DEFAULT 0,
         refused integer NOT NULL DEFAULT 0,
         refused_by_reason jsonb NOT NULL DEFAULT '{}',
         PRIMARY KEY (source_id, minute)
       )`,
    );
    await runner.query(`CREATE INDEX source_stats_minute_idx ON source_stats (minute)`);
    await runner.query(`CREATE INDEX events_tenant_idx ON events (tenant, received_at, id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX IF EXISTS events_tenant_idx`);
    await runner.query(`DROP TABLE IF EXISTS source_stats`);
    await runner.query(`ALTER TABLE tenants DROP COLUMN IF EXISTS branding`);
  }
}
