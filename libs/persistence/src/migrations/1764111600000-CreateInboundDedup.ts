import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ingress's dedup claims (written in batches by its dedup consumer, never on the HTTP request
 * path) and a per-source rate limit.
 */
export class CreateInboundDedup1764111600000 implements MigrationInterface {
  name = 'CreateInboundDedup1764111600000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE inbound_dedup (
        source_id text NOT NULL,
        dedup_key text NOT NULL,
        inbound_id text NOT NULL,
        first_seen_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        published_at timestamptz,
        PRIMARY KEY (source_id, dedup_key)
      )`);
    await runner.query(`CREATE INDEX inbound_dedup_expires_idx ON inbound_dedup (expires_at)`);
    await runner.query(`ALTER TABLE sources ADD COLUMN rate_limit jsonb`);
    await runner.query(`CREATE INDEX sources_created_idx ON sources (created_at, id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS inbound_dedup`);
    await runner.query(`DROP INDEX IF EXISTS sources_created_idx`);
    await runner.query(`ALTER TABLE sources DROP COLUMN IF EXISTS rate_limit`);
  }
}
