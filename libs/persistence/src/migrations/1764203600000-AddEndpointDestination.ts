import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An endpoint's deliveries go to its `url` (HTTP) or to its `destination` (another kind, such as a
 * Kafka topic: the JSON the control API validated), exactly one of the two. Existing endpoints keep
 * their URL and no destination. Going down refuses while any endpoint has a destination (its URL
 * would be empty): delete or change those endpoints first.
 */
export class AddEndpointDestination1764203600000 implements MigrationInterface {
  name = 'AddEndpointDestination1764203600000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE endpoints ADD COLUMN destination jsonb`);
    await runner.query(`ALTER TABLE endpoints ALTER COLUMN url DROP NOT NULL`);
    await runner.query(
      `ALTER TABLE endpoints ADD CONSTRAINT endpoints_target_check CHECK ((url IS NULL) <> (destination IS NULL))`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE endpoints DROP CONSTRAINT endpoints_target_check`);
    await runner.query(`ALTER TABLE endpoints ALTER COLUMN url SET NOT NULL`);
    await runner.query(`ALTER TABLE endpoints DROP COLUMN destination`);
  }
}
