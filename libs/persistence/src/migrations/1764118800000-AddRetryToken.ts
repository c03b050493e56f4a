import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A token per stored retry: a retry stored again under the same (delivery, attempt) while its
 * earlier copy is being fired (a deferral by an open circuit) gets a new token, and the earlier
 * copy's delete, which names its own token, leaves the new one alone.
 */
export class AddRetryToken1764118800000 implements MigrationInterface {
  name = 'AddRetryToken1764118800000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE retries ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid()`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE retries DROP COLUMN token`);
  }
}
