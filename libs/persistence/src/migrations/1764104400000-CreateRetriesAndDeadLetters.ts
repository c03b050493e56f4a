import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pending retries (the scheduler's durable store, claimed with leases and SKIP LOCKED) and dead
 * letters (listed and redriven by the API).
 */
export class CreateRetriesAndDeadLetters1764104400000 implements MigrationInterface {
  name = 'CreateRetriesAndDeadLetters1764104400000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE retries (
        delivery_id text NOT NULL,
        attempt int NOT NULL,
        endpoint_id text NOT NULL,
        due_at timestamptz NOT NULL,
        task jsonb NOT NULL,
        traceparent text,
        last_error text,
        last_status_code int,
        claimed_by text,
        claimed_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (delivery_id, attempt)
      )`);
    await runner.query(`CREATE INDEX retries_due_idx ON retries (due_at)`);
    await runner.query(`CREATE INDEX retries_endpoint_idx ON retries (endpoint_id, due_at)`);
    await runner.query(`
      CREATE TABLE dead_letters (
        delivery_id text NOT NULL,
        attempt int NOT NULL,
        endpoint_id text NOT NULL,
        event_id text NOT NULL,
        dead_at timestamptz NOT NULL,
        last_error text NOT NULL,
        last_status_code int,
        task jsonb NOT NULL,
        redriven_at timestamptz,
        PRIMARY KEY (delivery_id, attempt)
      )`);
    await runner.query(`CREATE INDEX dead_letters_endpoint_idx ON dead_letters (endpoint_id, dead_at)`);
    await runner.query(`CREATE INDEX dead_letters_dead_at_idx ON dead_letters (dead_at)`);
    await runner.query(`ALTER TABLE endpoints ADD COLUMN failing_since timestamptz`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS retries`);
    await runner.query(`DROP TABLE IF EXISTS dead_letters`);
    await runner.query(`ALTER TABLE endpoints DROP COLUMN IF EXISTS failing_since`);
  }
}
