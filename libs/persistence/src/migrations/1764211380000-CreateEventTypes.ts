import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event-type catalog (ADR 0023): one row per type name, its JSON Schema for `data` (null: any
 * data), examples and a deprecated flag. Every write NOTIFYs `event_types_changed`, so the API's and
 * the router's in-memory catalogs reload without a query per event.
 */
export class CreateEventTypes1764211380000 implements MigrationInterface {
  name = 'CreateEventTypes1764211380000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE event_types (
        name text PRIMARY KEY,
        description text,
        schema jsonb,
        examples jsonb NOT NULL DEFAULT '[]',
        deprecated boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX event_types_created_idx ON event_types (created_at, name)`);
    await runner.query(`
      CREATE OR REPLACE FUNCTION notify_event_types() RETURNS trigger AS $$
      BEGIN
        PERFORM pg_notify('event_types_changed', 'event_types');
        RETURN NULL;
      END $$ LANGUAGE plpgsql`);
    await runner.query(`
      CREATE TRIGGER event_types_notify AFTER INSERT OR UPDATE OR DELETE ON event_types
      FOR EACH STATEMENT EXECUTE FUNCTION notify_event_types()`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS event_types`);
    await runner.query(`DROP FUNCTION IF EXISTS notify_event_types()`);
  }
}
