import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Endpoints with their secrets, events, deliveries, attempts, sources; NOTIFY triggers for caches. */
export class CreateCoreTables1764097200000 implements MigrationInterface {
  name = 'CreateCoreTables1764097200000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE endpoints (
        id text PRIMARY KEY,
        url text NOT NULL,
        description text,
        event_types text[] NOT NULL DEFAULT '{*}',
        filter jsonb,
        tenant text,
        ordered boolean NOT NULL DEFAULT false,
        retry_policy jsonb,
        rate_limit jsonb,
        headers jsonb NOT NULL DEFAULT '{}',
        enabled boolean NOT NULL DEFAULT true,
        disabled_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX endpoints_created_idx ON endpoints (created_at, id)`);
    await runner.query(`
      CREATE TABLE endpoint_secrets (
        id bigserial PRIMARY KEY,
        endpoint_id text NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,
        key text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz
      )`);
    await runner.query(`CREATE INDEX endpoint_secrets_endpoint_idx ON endpoint_secrets (endpoint_id)`);
    await runner.query(`
      CREATE TABLE events (
        id text PRIMARY KEY,
        type text NOT NULL,
        tenant text,
        data jsonb NOT NULL,
        occurred_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX events_received_idx ON events (received_at, id)`);
    await runner.query(`CREATE INDEX events_type_idx ON events (type, received_at)`);
    await runner.query(`
      CREATE TABLE deliveries (
        id text PRIMARY KEY,
        event_id text NOT NULL,
        endpoint_id text NOT NULL,
        status text NOT NULL DEFAULT 'pending',
        attempts int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        next_attempt_at timestamptz,
        CONSTRAINT deliveries_status_check CHECK (status IN ('pending','delivered','retrying','dead','cancelled'))
      )`);
    await runner.query(`CREATE INDEX deliveries_event_idx ON deliveries (event_id)`);
    await runner.query(`CREATE INDEX deliveries_endpoint_idx ON deliveries (endpoint_id, created_at)`);
    await runner.query(`
      CREATE TABLE attempts (
        delivery_id text NOT NULL,
        attempt int NOT NULL,
        started_at timestamptz NOT NULL,
        duration_ms int NOT NULL,
        status_code int,
        error text,
        response_body text,
        PRIMARY KEY (delivery_id, attempt)
      )`);
    await runner.query(`
      CREATE TABLE sources (
        id text PRIMARY KEY,
        name text NOT NULL,
        provider text NOT NULL,
        secrets jsonb NOT NULL DEFAULT '[]',
        tolerance_seconds int NOT NULL DEFAULT 300,
        max_body_bytes int NOT NULL DEFAULT 1048576,
        dedup_window_seconds int NOT NULL DEFAULT 86400,
        forward jsonb,
        options jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    for (const table of ['endpoints', 'endpoint_secrets', 'sources']) {
      const channel = table === 'sources' ? 'sources_changed' : 'endpoints_changed';
      await runner.query(`
        CREATE OR REPLACE FUNCTION notify_${table}() RETURNS trigger AS $$
        BEGIN
          PERFORM pg_notify('${channel}', '${table}');
          RETURN NULL;
        END $$ LANGUAGE plpgsql`);
      await runner.query(`
        CREATE TRIGGER ${table}_notify AFTER INSERT OR UPDATE OR DELETE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION notify_${table}()`);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['attempts', 'deliveries', 'events', 'endpoint_secrets', 'endpoints', 'sources']) {
      await runner.query(`DROP TABLE IF EXISTS ${table} CASCADE`);
    }
    for (const table of ['endpoints', 'endpoint_secrets', 'sources']) {
      await runner.query(`DROP FUNCTION IF EXISTS notify_${table}()`);
    }
  }
}
