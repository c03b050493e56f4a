import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Event data and stored delivery tasks (retries, dead letters) are kept as `json`, the text as
 * written, instead of `jsonb`, which reorders keys (shorter first) and rewrites numbers such as
 * `1e400`: a retry, a redrive or a replay then sent other bytes than the first attempt did. No
 * query looks inside these columns beyond `->`/`->>`, which `json` has too. Rewrites the tables.
 */
export class KeepPayloadText1764190000000 implements MigrationInterface {
  name = 'KeepPayloadText1764190000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE events ALTER COLUMN data TYPE json USING data::json`);
    await runner.query(`ALTER TABLE retries ALTER COLUMN task TYPE json USING task::json`);
    await runner.query(`ALTER TABLE dead_letters ALTER COLUMN task TYPE json USING task::json`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE dead_letters ALTER COLUMN task TYPE jsonb USING task::jsonb`);
    await runner.query(`ALTER TABLE retries ALTER COLUMN task TYPE jsonb USING task::jsonb`);
    await runner.query(`ALTER TABLE events ALTER COLUMN data TYPE jsonb USING data::jsonb`);
  }
}
