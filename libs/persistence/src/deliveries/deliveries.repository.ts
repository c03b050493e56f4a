import { stringifyJson } from '@gateway/schemas';
import type { NewEvent } from '../events/events.record';
import {
  columnsOf,
  exactTime,
  SqlConditions,
  type CursorPosition,
  type Database,
  type Sorted,
  type UpdateResult,
} from '../sql';
import type { StatsWindow } from '../source-stats/source-stats.repository';
import {
  deliveryRecord,
  type DeliveryClaim,
  type DeliveryRecord,
  type EndpointStatsBucket,
  type ReplayRow,
} from './deliveries.record';

/** The first of each id: one statement may not propose the same key twice to ON CONFLICT DO UPDATE. */
const firstOfEach = <T extends { id: string }>(rows: T[]): T[] => {
  const seen = new Set<string>();
  return rows.filter((row) => !seen.has(row.id) && seen.add(row.id));
};

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

/** Deliveries to a tenant's endpoints only (a tenant key's view). */
const ofTenantEndpoints = (sql: SqlConditions, tenant: string): string =>
  `endpoint_id IN (SELECT id FROM endpoints WHERE tenant = ${sql.param(tenant)})`;

/** The API's delivery list shows these (not the router's bookkeeping). */
const listedColumns = columnsOf(deliveryRecord, undefined, [
  'id',
  'eventId',
  'endpointId',
  'status',
  'attempts',
  'nextAttemptAt',
  'createdAt',
  'updatedAt',
]);

/** A delivery with its event and next attempt number (`d` the delivery, `e` its event). */
const replayColumns = `d.id AS "deliveryId", d.endpoint_id AS "endpointId", e.id AS "eventId", e.type, e.tenant, e.data,
  e.occurred_at AS "occurredAt", e.received_at AS "receivedAt",
  GREATEST(d.attempts, COALESCE((SELECT max(a.attempt) FROM attempts a WHERE a.delivery_id = d.id), 0)) + 1 AS "nextAttempt"`;

/** The `deliveries` table: the router inserts, the dispatcher moves the status, the API reads and replays. */
export class DeliveriesRepository {
  constructor(private readonly db: Database) {}

  /**
   * Records a batch's events and claims its deliveries in one round trip (the `record_and_claim`
   * function, ADR 0032): returns the delivery ids to emit, each with its accepted time as recorded
   * (the partition key the task carries on). The batches of one statement share the map, so each id
   * is emitted once. `claimed_by` keeps the messages that claimed a delivery. It is claimed when it
   * is new, or when it was never marked routed and one of those messages proposes it again (re-read
   * after a crash or a failed emit), whichever batch of the statement it comes with. A copy of the
   * event id from any other message is a duplicate, also while the first copy's mark is on its way.
   *
   * The tables are partitioned by the event's accepted time (ADR 0028), which the keys include: an
   * event id or delivery id already recorded keeps the time it has (looked up by id, one index probe
   * a partition), so a copy with another time is still the same row; a transaction-scoped advisory
   * lock per event id keeps two statements from recording the same new id at once.
   */
  async recordAndClaim(allEvents: NewEvent[], allDeliveries: DeliveryClaim[]): Promise<Map<string, Date>> {
    const events = firstOfEach(allEvents);
    const deliveries = claimsById(allDeliveries);
    const rows = await this.db.query<{ id: string; createdAt: Date }[]>(
      `SELECT id, created_at AS "createdAt"
         FROM record_and_claim($1::text[], $2::text[], $3::text[], $4::json[], $5::timestamptz[], $6::timestamptz[],
                               $7::text[], $8::text[], $9::text[], $10::text[], $11::timestamptz[])`,
      [
        events.map((event) => event.id),
        events.map((event) => event.type),
        events.map((event) => event.tenant),
        events.map((event) => stringifyJson(event.data)),
        events.map((event) => event.occurredAt),
        events.map((event) => event.receivedAt),
        deliveries.map((row) => row.id),
        deliveries.map((row) => row.eventId),
        deliveries.map((row) => row.endpointId),
        deliveries.map((row) => row.claimedBy),
        deliveries.map((row) => row.createdAt),
      ],
    );
    return new Map(rows.map((row) => [row.id, row.createdAt]));
  }

  /**
   * Marks deliveries whose tasks Kafka acknowledged. Each with its accepted time as recorded: the
   * statement reads only the partitions of those times, not one index of every day retained.
   *
   * A delivery another transaction holds is left to it: mostly the dispatcher recording the task's
   * first attempt, which marks it too (`AttemptsRepository.record`). So the mark never waits on a
   * row: a mark and an attempt batch that held the same two deliveries in the other order waited on
   * each other until PostgreSQL's deadlock check (a second) failed one of them.
   */
  async markRouted(marks: { id: string; createdAt: Date }[]): Promise<void> {
    if (marks.length === 0) return;
    await this.db.query(
      `UPDATE deliveries d SET routed_at = now()
         FROM (SELECT id, created_at FROM deliveries
                WHERE id = ANY($1::text[]) AND created_at = ANY($2::timestamptz[]) AND routed_at IS NULL
                FOR UPDATE SKIP LOCKED) AS free
        WHERE d.id = free.id AND d.created_at = free.created_at AND d.created_at = ANY($2::timestamptz[])`,
      [marks.map((mark) => mark.id), [...new Set(marks.map((mark) => mark.createdAt.toISOString()))]],
    );
  }

  /**
   * Records new deliveries as routed (a replay to a subscriber added after the event, whose task
   * is sent next); existing ones are kept. `createdAt` is the event's accepted time (its partition).
   */
  async ensureRouted(
    rows: (Pick<DeliveryRecord, 'id' | 'eventId' | 'endpointId'> & { createdAt: Date })[],
  ): Promise<void> {
    if (rows.length === 0) return;
    await this.db.query(
      `INSERT INTO deliveries (id, event_id, endpoint_id, routed_at, created_at)
       SELECT u.id, u.event_id, u.endpoint_id, now(), u.created_at
       FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) AS u(id, event_id, endpoint_id, created_at)
       WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.id = u.id)
       ON CONFLICT (id, created_at) DO NOTHING`,
      [
        rows.map((row) => row.id),
        rows.map((row) => row.eventId),
        rows.map((row) => row.endpointId),
        rows.map((row) => row.createdAt.toISOString()),
      ],
    );
  }

  /** Marks a delivery cancelled (its endpoint was deleted or disabled), unless it was delivered. */
  async cancel(id: string): Promise<void> {
    await this.db.query(
      `UPDATE deliveries SET status = 'cancelled', updated_at = now() WHERE id = $1 AND status <> 'delivered'`,
      [id],
    );
  }

  /** Cancels an endpoint's deliveries that were waiting for a retry. */
  async cancelRetrying(endpointId: string): Promise<void> {
    await this.db.query(
      `UPDATE deliveries SET status = 'cancelled', updated_at = now() WHERE endpoint_id = $1 AND status = 'retrying'`,
      [endpointId],
    );
  }

  /**
   * With `tenant`: only a delivery to one of that tenant's endpoints (a tenant key's view; by the
   * routing rule those carry only its events, and deliveries to operator endpoints stay unseen).
   */
  async exists(id: string, tenant?: string): Promise<boolean> {
    const sql = new SqlConditions();
    sql.and(`id = ${sql.param(id)}`);
    if (tenant !== undefined) sql.and(ofTenantEndpoints(sql, tenant));
    return (await this.db.query<unknown[]>(`SELECT 1 FROM deliveries ${sql.where()}`, sql.params)).length > 0;
  }

  /** An event's deliveries, oldest first. */
  async listForEvent(
    eventId: string,
    after: CursorPosition | undefined,
    limit: number,
    tenant?: string,
  ): Promise<Sorted<Omit<DeliveryRecord, 'routedAt' | 'claimedBy'>>[]> {
    const sql = new SqlConditions();
    sql.and(`event_id = ${sql.param(eventId)}`).after(after, 'created_at, id', 'oldest-first');
    if (tenant !== undefined) sql.and(ofTenantEndpoints(sql, tenant));
    return await this.db.query(
      `SELECT ${listedColumns}, ${exactTime('created_at')} AS "sortKey" FROM deliveries ${sql.where()}
       ORDER BY created_at, id LIMIT ${sql.param(limit)}`,
      sql.params,
    );
  }

  /** One delivery, to send again. */
  async forReplay(id: string): Promise<ReplayRow | undefined> {
    const rows = await this.db.query<ReplayRow[]>(
      `SELECT ${replayColumns} FROM deliveries d JOIN events e ON e.id = d.event_id WHERE d.id = $1`,
      [id],
    );
    return rows[0];
  }

  /** These deliveries, oldest first, to send again. */
  async manyForReplay(ids: string[]): Promise<ReplayRow[]> {
    return await this.db.query<ReplayRow[]>(
      `SELECT ${replayColumns} FROM deliveries d JOIN events e ON e.id = d.event_id WHERE d.id = ANY($1::text[])
       ORDER BY d.created_at`,
      [ids],
    );
  }

  /** Every delivery of an event, to send again. */
  async eventForReplay(eventId: string): Promise<ReplayRow[]> {
    return await this.db.query<ReplayRow[]>(
      `SELECT ${replayColumns} FROM deliveries d JOIN events e ON e.id = d.event_id WHERE e.id = $1`,
      [eventId],
    );
  }

  /**
   * One page of an endpoint's failed deliveries created in the window, oldest first: retrying,
   * dead, or cancelled (cancelled when their endpoint was disabled, after a long outage or a 410,
   * or had no signing secret; once it is fixed and enabled again, recover is how they are sent).
   * `after` is the last page's `position`: a window of a million deliveries is read a page at a
   * time, with the memory of one page (issue 19).
   */
  async failedForReplay(
    endpointId: string,
    window: { since: string; until?: string },
    after: CursorPosition | undefined,
    limit: number,
  ): Promise<{ rows: ReplayRow[]; position: CursorPosition | undefined }> {
    const sql = new SqlConditions();
    sql.and(`d.endpoint_id = ${sql.param(endpointId)}`).and(`d.status IN ('retrying', 'dead', 'cancelled')`);
    sql.and(`d.created_at >= ${sql.param(window.since)}::timestamptz`);
    if (window.until !== undefined) sql.and(`d.created_at < ${sql.param(window.until)}::timestamptz`);
    sql.after(after, 'd.created_at, d.id', 'oldest-first');
    const rows = await this.db.query<Sorted<ReplayRow>[]>(
      `SELECT ${replayColumns}, ${exactTime('d.created_at')} AS "sortKey" FROM deliveries d JOIN events e ON e.id = d.event_id
       ${sql.where()} ORDER BY d.created_at, d.id LIMIT ${sql.param(limit)}`,
      sql.params,
    );
    const last = rows.at(-1);
    return {
      rows: rows.map(({ sortKey: _sortKey, ...row }) => row),
      position: last && [last.sortKey, last.deliveryId],
    };
  }

  /**
   * An endpoint's deliveries created in the window, in buckets (`date_bin`, aligned on `since`):
   * how many, how many delivered, how many failing (retrying or dead), and the p95 duration of
   * their attempts. Non-empty buckets only, oldest first; deliveries_endpoint_idx serves the range
   * and the attempts' primary key the join (EXPLAIN in ADR 0030).
   */
  async endpointStats(endpointId: string, window: StatsWindow): Promise<EndpointStatsBucket[]> {
    return await this.db.query<EndpointStatsBucket[]>(
      `SELECT date_bin($4 * interval '1 second', d.created_at, $2::timestamptz) AS start,
              count(DISTINCT d.id)::int AS deliveries,
              count(DISTINCT d.id) FILTER (WHERE d.status = 'delivered')::int AS succeeded,
              count(DISTINCT d.id) FILTER (WHERE d.status IN ('retrying', 'dead'))::int AS failed,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY a.duration_ms) AS "p95LatencyMs"
       FROM deliveries d LEFT JOIN attempts a ON a.delivery_id = d.id
       WHERE d.endpoint_id = $1 AND d.created_at >= $2::timestamptz AND d.created_at < $3::timestamptz
       GROUP BY 1 ORDER BY 1`,
      [endpointId, window.since.toISOString(), window.until.toISOString(), window.bucketSeconds],
    );
  }

  /**
   * A tenant's retention (ADR 0028): deletes at most `limit` deliveries to its endpoints whose event
   * was accepted before `cutoff`; how many.
   */
  async expireForTenant(tenant: string, cutoff: Date, limit: number): Promise<number> {
    const sql = new SqlConditions();
    const where = ofTenantEndpoints(sql, tenant);
    const [, count] = await this.db.query<UpdateResult<unknown>>(
      `DELETE FROM deliveries WHERE (id, created_at) IN (
         SELECT id, created_at FROM deliveries WHERE ${where} AND created_at < ${sql.param(cutoff.toISOString())}
         LIMIT ${sql.param(limit)})`,
      sql.params,
    );
    return count;
  }

  /** Erasure (ADR 0028): deletes the deliveries to these endpoints or of these events; their ids. */
  async eraseFor(endpointIds: string[], eventIds: string[]): Promise<string[]> {
    const [rows] = await this.db.query<UpdateResult<{ id: string }>>(
      `DELETE FROM deliveries WHERE endpoint_id = ANY($1::text[]) OR event_id = ANY($2::text[]) RETURNING id`,
      [endpointIds, eventIds],
    );
    return rows.map((row) => row.id);
  }
}
