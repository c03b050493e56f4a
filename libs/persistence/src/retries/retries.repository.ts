import {
  exactTime,
  returnedRows,
  SqlConditions,
  type CursorPosition,
  type Database,
  type Sorted,
} from '../sql';
import type { ClaimedRetry, FiredRetry, RetryKey, RetryRecord, RetryRow } from './retries.record';

/** A retry an endpoint is waiting for, as the API lists them. */
export type PendingRetry = Pick<
  RetryRecord,
  'deliveryId' | 'attempt' | 'dueAt' | 'lastError' | 'lastStatusCode'
> & {
  eventId: string;
};

const claimedColumns = `delivery_id AS "deliveryId", attempt, (extract(epoch FROM due_at) * 1000)::float8 AS "dueAt", task, traceparent, token`;

/** The `retries` table: the scheduler stores, claims and fires retries; the API lists and cancels them. */
export class RetriesRepository {
  constructor(private readonly db: Database) {}

  /**
   * Stores retries (a duplicate of one already stored is ignored) and claims, for `owner`, those
   * due within `windowMs`, so the scheduler that received them can fire them without waiting for a poll.
   */
  async insert(
    allRows: RetryRow[],
    claim: { owner: string; leaseMs: number; windowMs: number },
  ): Promise<ClaimedRetry[]> {
    if (allRows.length === 0) return [];
    // One statement may not propose a key twice to ON CONFLICT DO UPDATE: the last copy of a
    // (delivery, attempt) in the batch is the one stored (a deferral stores the same retry again).
    const rows = [...new Map(allRows.map((row) => [`${row.deliveryId}\u0000${row.attempt}`, row])).values()];
    const inserted = await this.db.query<(ClaimedRetry & { claimed: boolean })[]>(
      `INSERT INTO retries (delivery_id, attempt, endpoint_id, due_at, task, traceparent, last_error, last_status_code, claimed_by, claimed_until)
       SELECT u.delivery_id, u.attempt, u.endpoint_id, to_timestamp(u.due_ms / 1000.0), u.task, u.traceparent, u.last_error, u.last_status_code,
              CASE WHEN u.due_ms <= $9 THEN $10 END, CASE WHEN u.due_ms <= $9 THEN now() + make_interval(secs => $11 / 1000.0) END
       FROM unnest($1::text[], $2::int[], $3::text[], $4::float8[], $5::json[], $6::text[], $7::text[], $8::int[])
            AS u(delivery_id, attempt, endpoint_id, due_ms, task, traceparent, last_error, last_status_code)
       ON CONFLICT (delivery_id, attempt) DO UPDATE SET
         due_at = EXCLUDED.due_at, task = EXCLUDED.task, traceparent = EXCLUDED.traceparent, last_error = EXCLUDED.last_error,
         last_status_code = EXCLUDED.last_status_code, claimed_by = EXCLUDED.claimed_by, claimed_until = EXCLUDED.claimed_until,
         token = gen_random_uuid()
       RETURNING ${claimedColumns.replace('task, traceparent', 'CASE WHEN claimed_by IS NOT NULL THEN task END AS task, traceparent')}, claimed_by IS NOT NULL AS claimed`,
      [
        rows.map((row) => row.deliveryId),
        rows.map((row) => row.attempt),
        rows.map((row) => row.endpointId),
        rows.map((row) => row.dueAt),
        rows.map((row) => row.task),
        rows.map((row) => row.traceparent),
        rows.map((row) => row.lastError),
        rows.map((row) => row.lastStatusCode),
        Date.now() + claim.windowMs,
        claim.owner,
        claim.leaseMs,
      ],
    );
    return inserted.filter((row) => row.claimed);
  }

  /** Claims unclaimed (or lease-expired) retries due within `windowMs`, oldest first; SKIP LOCKED shares them between instances. */
  async claimDue(owner: string, leaseMs: number, windowMs: number, limit: number): Promise<ClaimedRetry[]> {
    return returnedRows<ClaimedRetry>(
      await this.db.query(
        `UPDATE retries r SET claimed_by = $1, claimed_until = now() + make_interval(secs => $2 / 1000.0)
         FROM (SELECT delivery_id, attempt FROM retries
               WHERE due_at <= now() + make_interval(secs => $3 / 1000.0) AND (claimed_until IS NULL OR claimed_until < now())
               ORDER BY due_at LIMIT $4 FOR UPDATE SKIP LOCKED) c
         WHERE r.delivery_id = c.delivery_id AND r.attempt = c.attempt
         RETURNING r.delivery_id AS "deliveryId", r.attempt, (extract(epoch FROM r.due_at) * 1000)::float8 AS "dueAt", r.task, r.traceparent, r.token`,
        [owner, leaseMs, windowMs, limit],
      ),
    );
  }

  /** Extends the leases of the retries `owner` still holds; returns how many it still owns. */
  async renewLeases(owner: string, keys: RetryKey[], leaseMs: number): Promise<number> {
    if (keys.length === 0) return 0;
    const rows = returnedRows(
      await this.db.query(
        `UPDATE retries r SET claimed_until = now() + make_interval(secs => $4 / 1000.0)
         FROM unnest($2::text[], $3::int[]) AS k(delivery_id, attempt)
         WHERE r.delivery_id = k.delivery_id AND r.attempt = k.attempt AND r.claimed_by = $1
         RETURNING 1`,
        [owner, keys.map((key) => key.deliveryId), keys.map((key) => key.attempt), leaseMs],
      ),
    );
    return rows.length;
  }

  /** Removes retries that fired (their tasks are acknowledged on the deliveries topic); a copy stored again since keeps its row. */
  async deleteFired(keys: FiredRetry[]): Promise<void> {
    if (keys.length === 0) return;
    await this.db.query(
      `DELETE FROM retries r USING unnest($1::text[], $2::int[], $3::uuid[]) AS k(delivery_id, attempt, token)
       WHERE r.delivery_id = k.delivery_id AND r.attempt = k.attempt AND r.token = k.token`,
      [keys.map((key) => key.deliveryId), keys.map((key) => key.attempt), keys.map((key) => key.token)],
    );
  }

  /** Drops an endpoint's pending retries; returns how many. */
  async deleteForEndpoint(endpointId: string): Promise<number> {
    const rows = returnedRows(
      await this.db.query(`DELETE FROM retries WHERE endpoint_id = $1 RETURNING delivery_id`, [endpointId]),
    );
    return rows.length;
  }

  async count(): Promise<number> {
    const rows = await this.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM retries`);
    return rows[0]?.n ?? 0;
  }

  /**
   * An endpoint's pending retries, by due time: the scheduler's, and an ordered endpoint's head,
   * which its dispatcher retries in place (known from the delivery row and its last attempt).
   */
  async pendingForEndpoint(
    endpointId: string,
    after: CursorPosition | undefined,
    limit: number,
  ): Promise<Sorted<PendingRetry>[]> {
    const sql = new SqlConditions();
    const endpoint = sql.param(endpointId);
    sql.after(after, '"dueAt", "deliveryId"', 'oldest-first');
    return await this.db.query<Sorted<PendingRetry>[]>(
      `SELECT *, ${exactTime('"dueAt"')} AS "sortKey" FROM (
         SELECT delivery_id AS "deliveryId", task->'event'->>'id' AS "eventId", attempt, due_at AS "dueAt",
                last_error AS "lastError", last_status_code AS "lastStatusCode"
         FROM retries WHERE endpoint_id = ${endpoint}
         UNION ALL
         SELECT d.id, d.event_id, d.attempts + 1, d.next_attempt_at, a.error, a.status_code
         FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id AND e.ordered
         LEFT JOIN attempts a ON a.delivery_id = d.id AND a.attempt = d.attempts
         WHERE d.endpoint_id = ${endpoint} AND d.status = 'retrying' AND d.next_attempt_at IS NOT NULL
       ) pending ${sql.where()} ORDER BY "dueAt", "deliveryId" LIMIT ${sql.param(limit)}`,
      sql.params,
    );
  }

  /** Erasure (ADR 0028): deletes the retries to these endpoints or of these deliveries. */
  async eraseFor(endpointIds: string[], deliveryIds: string[]): Promise<void> {
    await this.db.query(
      `DELETE FROM retries WHERE endpoint_id = ANY($1::text[]) OR delivery_id = ANY($2::text[])`,
      [endpointIds, deliveryIds],
    );
  }
}
