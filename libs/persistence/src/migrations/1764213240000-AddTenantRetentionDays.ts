import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A tenant's own, shorter retention of its events, deliveries and attempts (ADR 0028); null: RETENTION_DAYS. */
export class AddTenantRetentionDays1764213240000 implements MigrationInterface {
  name = 'AddTenantRetentionDays1764213240000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE tenants ADD COLUMN retention_days int CHECK (retention_days >= 1)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE tenants DROP COLUMN retention_days`);
  }
}
