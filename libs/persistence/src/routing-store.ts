import type { DataSource } from 'typeorm';

export interface SubscriptionRow {
  id: string;
  eventTypes: string[];
  filter: Record<string, unknown> | null;
  tenant: string | null;
  enabled: boolean;
}

export interface EventRow {
  id: string;
  type: string;
  tenant: string | null;
  data: unknown;
  occurredAt: string;
}

/** Every endpoint's subscription (the router keeps them in memory and reloads on NOTIFY). */
export async function loadSubscriptions(dataSource: DataSource): Promise<SubscriptionRow[]> {
  return await dataSource.query<SubscriptionRow[]>(
    `SELECT id, event_types AS "eventTypes", filter, tenant, enabled FROM endpoints`,
  );
}

/** Records events once (a duplicate id keeps the first). One statement per batch. */
export async function recordEvents(dataSource: DataSource, events: EventRow[]): Promise<void> {
  if (events.length === 0) return;
  await dataSource.query(
    `INSERT INTO events (id, type, tenant, data, occurred_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::timestamptz[])
     ON CONFLICT (id) DO NOTHING`,
    [
      events.map((event) => event.id),
      events.map((event) => event.type),
      events.map((event) => event.tenant),
      events.map((event) => JSON.stringify(event.data)),
      events.map((event) => event.occurredAt),
    ],
  );
}

/**
 * Inserts deliveries and returns the ids to emit: new ones, and existing ones whose task was never
 * acknowledged by Kafka. A delivery already routed (duplicate event id) is not returned.
 */
export async function claimDeliveries(
  dataSource: DataSource,
  deliveries: { id: string; eventId: string; endpointId: string }[],
): Promise<Set<string>> {
  if (deliveries.length === 0) return new Set();
  const rows = await dataSource.query<{ id: string }[]>(
    `INSERT INTO deliveries (id, event_id, endpoint_id)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
     ON CONFLICT (id) DO UPDATE SET updated_at = deliveries.updated_at WHERE deliveries.routed_at IS NULL
     RETURNING id`,
    [deliveries.map((row) => row.id), deliveries.map((row) => row.eventId), deliveries.map((row) => row.endpointId)],
  );
  return new Set(rows.map((row) => row.id));
}

/** Marks deliveries whose tasks Kafka acknowledged. */
export async function markRouted(dataSource: DataSource, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await dataSource.query(`UPDATE deliveries SET routed_at = now() WHERE id = ANY($1::text[])`, [ids]);
}

/** The first of each id: one statement may not propose the same key twice to ON CONFLICT DO UPDATE. */
const firstOfEach = <T extends { id: string }>(rows: T[]): T[] => {
  const seen = new Set<string>();
  return rows.filter((row) => !seen.has(row.id) && seen.add(row.id));
};

/**
 * Records a batch's events and claims its deliveries in one round trip (a data-modifying CTE):
 * returns the delivery ids to emit (new, or never acknowledged by Kafka). An id repeated in the
 * batch (an event published twice) is claimed once.
 */
export async function recordAndClaim(
  dataSource: DataSource,
  allEvents: EventRow[],
  allDeliveries: { id: string; eventId: string; endpointId: string }[],
): Promise<Set<string>> {
  const events = firstOfEach(allEvents);
  const deliveries = firstOfEach(allDeliveries);
  const rows = await dataSource.query<{ id: string }[]>(
    `WITH recorded AS (
       INSERT INTO events (id, type, tenant, data, occurred_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::timestamptz[])
       ON CONFLICT (id) DO NOTHING
     )
     INSERT INTO deliveries (id, event_id, endpoint_id)
     SELECT * FROM unnest($6::text[], $7::text[], $8::text[])
     ON CONFLICT (id) DO UPDATE SET updated_at = deliveries.updated_at WHERE deliveries.routed_at IS NULL
     RETURNING id`,
    [
      events.map((event) => event.id),
      events.map((event) => event.type),
      events.map((event) => event.tenant),
      events.map((event) => JSON.stringify(event.data)),
      events.map((event) => event.occurredAt),
      deliveries.map((row) => row.id),
      deliveries.map((row) => row.eventId),
      deliveries.map((row) => row.endpointId),
    ],
  );
  return new Set(rows.map((row) => row.id));
}
