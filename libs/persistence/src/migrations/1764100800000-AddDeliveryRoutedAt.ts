import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `routed_at` marks a delivery whose task Kafka acknowledged. The router re-emits a delivery that
 * exists without it (a crash between the insert and the produce), and skips one that has it (a
 * duplicate event id).
 */
export class AddDeliveryRoutedAt1764100800000 implements MigrationInterface {
  name = 'AddDeliveryRoutedAt1764100800000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE deliveries ADD COLUMN routed_at timestamptz`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE deliveries DROP COLUMN routed_at`);
  }
}
