import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The router's record-and-claim as one function call: one round trip per batch instead of four
 * (BEGIN, the advisory locks, the statement, COMMIT; ADR 0032). A VOLATILE PL/pgSQL function takes a
 * fresh snapshot for each statement in it, so the statement after the locks still sees what a
 * concurrent copy committed while this one waited, as the separate statements did. It returns each
 * claimed delivery's accepted time (its partition key), which the task carries from then on.
 */
export class RecordAndClaimFunction1764213300000 implements MigrationInterface {
  name = 'RecordAndClaimFunction1764213300000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE FUNCTION record_and_claim(
        event_ids text[], event_types text[], event_tenants text[], event_data json[],
        event_occurred timestamptz[], event_received timestamptz[],
        delivery_ids text[], delivery_event_ids text[], delivery_endpoint_ids text[],
        delivery_claimed_by text[], delivery_created timestamptz[]
      ) RETURNS TABLE (id text, created_at timestamptz)
      LANGUAGE plpgsql VOLATILE AS $fn$
      #variable_conflict use_column
      BEGIN
        -- One recording of an event id at a time: a copy with another accepted time would miss the
        -- other's uncommitted row and record a second one (the keys include the time).
        PERFORM pg_advisory_xact_lock(keys.key) FROM (
          SELECT DISTINCT hashtextextended(e, 28) AS key FROM unnest(event_ids) AS e ORDER BY key
        ) AS keys;
        RETURN QUERY
        WITH known AS (
          SELECT ev.id, ev.received_at FROM events ev WHERE ev.id = ANY(event_ids)
        ), recorded AS (
          INSERT INTO events (id, type, tenant, data, occurred_at, received_at)
          SELECT * FROM unnest(event_ids, event_types, event_tenants, event_data, event_occurred, event_received)
            AS u(id, type, tenant, data, occurred_at, received_at)
          WHERE NOT EXISTS (SELECT 1 FROM known WHERE known.id = u.id)
          ON CONFLICT (id, received_at) DO NOTHING
        )
        INSERT INTO deliveries AS d (id, event_id, endpoint_id, claimed_by, created_at)
        SELECT u.id, u.event_id, u.endpoint_id, u.claimed_by,
               COALESCE((SELECT x.created_at FROM deliveries x WHERE x.id = u.id LIMIT 1),
                        (SELECT known.received_at FROM known WHERE known.id = u.event_id LIMIT 1), u.created_at)
        FROM unnest(delivery_ids, delivery_event_ids, delivery_endpoint_ids, delivery_claimed_by, delivery_created)
          AS u(id, event_id, endpoint_id, claimed_by, created_at)
        ON CONFLICT (id, created_at) DO UPDATE SET claimed_by = COALESCE(d.claimed_by, EXCLUDED.claimed_by)
          WHERE d.routed_at IS NULL
            AND (d.claimed_by IS NULL
                 OR string_to_array(d.claimed_by, E'\\n') && string_to_array(EXCLUDED.claimed_by, E'\\n'))
        RETURNING d.id, d.created_at;
      END
      $fn$`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      `DROP FUNCTION record_and_claim(text[], text[], text[], json[], timestamptz[], timestamptz[], text[], text[], text[], text[], timestamptz[])`,
    );
  }
}
