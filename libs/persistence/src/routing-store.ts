import type { DataSource } from 'typeorm';
import { stringifyJson } from '@gateway/schemas';

export interface EventRow {
  id: string;
  type: string;
  tenant: string | null;
  data: unknown;
  occurredAt: string;
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

/** A delivery to claim, and the Kafka message (`topic:partition:offset`) that claims it. */
export interface DeliveryClaim {
  id: string;
  eventId: string;
  endpointId: string;
  claimedBy: string;
}

/** Each delivery id once, with every message of the statement that proposes it (newline-separated). */
function claimsById(claims: DeliveryClaim[]): DeliveryClaim[] {
  const byId = new Map<string, DeliveryClaim>();
  for (const claim of claims) {
    const first = byId.get(claim.id);
    if (!first) byId.set(claim.id, { ...claim });
    else if (!first.claimedBy.split('\n').includes(claim.claimedBy))
      first.claimedBy += `\n${claim.claimedBy}`;
  }
  return [...byId.values()];
}

/**
 * Records a batch's events and claims its deliveries in one round trip (a data-modifying CTE):
 * returns the delivery ids to emit (the batches of one statement share the set, so each id is
 * emitted once). `claimed_by` keeps the messages that claimed a delivery. It is claimed when it is
 * new, or when it was never marked routed and one of those messages proposes it again (re-read
 * after a crash or a failed emit), whichever batch of the statement it comes with. A copy of the
 * event id from any other message is a duplicate, also while the first copy's mark is on its way.
 */
export async function recordAndClaim(
  dataSource: DataSource,
  allEvents: EventRow[],
  allDeliveries: DeliveryClaim[],
): Promise<Set<string>> {
  const events = firstOfEach(allEvents);
  const deliveries = claimsById(allDeliveries);
  const rows = await dataSource.query<{ id: string }[]>(
    `WITH recorded AS (
       INSERT INTO events (id, type, tenant, data, occurred_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::json[], $5::timestamptz[])
       ON CONFLICT (id) DO NOTHING
     )
     INSERT INTO deliveries (id, event_id, endpoint_id, claimed_by)
     SELECT * FROM unnest($6::text[], $7::text[], $8::text[], $9::text[])
     ON CONFLICT (id) DO UPDATE SET claimed_by = COALESCE(deliveries.claimed_by, EXCLUDED.claimed_by)
       WHERE deliveries.routed_at IS NULL
         AND (deliveries.claimed_by IS NULL
              OR string_to_array(deliveries.claimed_by, E'\\n') && string_to_array(EXCLUDED.claimed_by, E'\\n'))
     RETURNING id`,
    [
      events.map((event) => event.id),
      events.map((event) => event.type),
      events.map((event) => event.tenant),
      events.map((event) => stringifyJson(event.data)),
      events.map((event) => event.occurredAt),
      deliveries.map((row) => row.id),
      deliveries.map((row) => row.eventId),
      deliveries.map((row) => row.endpointId),
      deliveries.map((row) => row.claimedBy),
    ],
  );
  return new Set(rows.map((row) => row.id));
}
