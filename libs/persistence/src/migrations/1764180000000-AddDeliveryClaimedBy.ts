import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `claimed_by` names the Kafka message (topic:partition:offset) that claimed a delivery. Until the
 * delivery is marked routed, only that same message may claim it again (it is re-read after a
 * crash or a failed emit); another message with the same event id is a duplicate, even inside the
 * moment between the emit and the mark.
 */
export class AddDeliveryClaimedBy1764180000000 implements MigrationInterface {
  name = 'AddDeliveryClaimedBy1764180000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE deliveries ADD COLUMN claimed_by text`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE deliveries DROP COLUMN claimed_by`);
  }
}
