import type { DataSource } from 'typeorm';
import { DeliveriesRepository } from './deliveries/deliveries.repository';

export interface RetryRow {
  deliveryId: string;
  attempt: number;
  endpointId: string;
  dueAt: number;
  /** The delivery task as JSON text (kept out of the scheduler's heap until it fires). */
  task: string;
  traceparent: string | null;
  lastError: string;
  lastStatusCode: number | null;
}

export interface ClaimedRetry {
  deliveryId: string;
  attempt: number;
  dueAt: number;
  /** The delivery task (parsed JSON), held only while the retry is inside the claim window. */
  task: unknown;
  traceparent: string | null;
  /** Which stored copy this is; a fired copy is deleted by its token only. */
  token: string;
}

export interface RetryKey {
  deliveryId: string;
  attempt: number;
}

export interface FiredRetry extends RetryKey {
  token: string;
}

/** TypeORM answers UPDATE/DELETE ... RETURNING with [rows, count] and INSERT ... RETURNING with rows. */
function returnedRows<T>(result: unknown): T[] {
  return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
}

const claimedColumns = `delivery_id AS "deliveryId", attempt, (extract(epoch FROM due_at) * 1000)::float8 AS "dueAt", task, traceparent, token`;

/**
 * Stores retries (a duplicate of one already stored is ignored) and claims, for `owner`, those due
 * within `windowMs`, so the scheduler that received them can fire them without waiting for a poll.
 */
export async function insertRetries(
  dataSource: DataSource,
  allRows: RetryRow[],
  claim: { owner: string; leaseMs: number; windowMs: number },
): Promise<ClaimedRetry[]> {
  if (allRows.length === 0) return [];
  // One statement may not propose a key twice to ON CONFLICT DO UPDATE: the last copy of a
  // (delivery, attempt) in the batch is the one stored (a deferral stores the same retry again).
  const rows = [...new Map(allRows.map((row) => [`${row.deliveryId}\u0000${row.attempt}`, row])).values()];
  const inserted = await dataSource.query<(ClaimedRetry & { claimed: boolean })[]>(
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
export async function claimDueRetries(
  dataSource: DataSource,
  owner: string,
  leaseMs: number,
  windowMs: number,
  limit: number,
): Promise<ClaimedRetry[]> {
  return returnedRows<ClaimedRetry>(
    await dataSource.query(
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
export async function renewRetryLeases(
  dataSource: DataSource,
  owner: string,
  keys: RetryKey[],
  leaseMs: number,
): Promise<number> {
  if (keys.length === 0) return 0;
  const rows = returnedRows(
    await dataSource.query(
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
export async function deleteRetries(dataSource: DataSource, keys: FiredRetry[]): Promise<void> {
  if (keys.length === 0) return;
  await dataSource.query(
    `DELETE FROM retries r USING unnest($1::text[], $2::int[], $3::uuid[]) AS k(delivery_id, attempt, token)
     WHERE r.delivery_id = k.delivery_id AND r.attempt = k.attempt AND r.token = k.token`,
    [keys.map((key) => key.deliveryId), keys.map((key) => key.attempt), keys.map((key) => key.token)],
  );
}

/** Drops an endpoint's pending retries (it was deleted or disabled); returns how many. */
export async function cancelEndpointRetries(dataSource: DataSource, endpointId: string): Promise<number> {
  const rows = returnedRows(
    await dataSource.query(`DELETE FROM retries WHERE endpoint_id = $1 RETURNING delivery_id`, [endpointId]),
  );
  await new DeliveriesRepository(dataSource).cancelRetrying(endpointId);
  return rows.length;
}

export async function countPendingRetries(dataSource: DataSource): Promise<number> {
  const rows = await dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM retries`);
  return rows[0]?.n ?? 0;
}

export interface DeadLetterRow {
  deliveryId: string;
  attempt: number;
  endpointId: string;
  eventId: string;
  deadAt: string;
  lastError: string;
  lastStatusCode: number | null;
  task: string;
}

/** Records dead letters for listing and redrive (a duplicate is ignored). */
export async function recordDeadLetters(dataSource: DataSource, rows: DeadLetterRow[]): Promise<void> {
  if (rows.length === 0) return;
  await dataSource.query(
    `INSERT INTO dead_letters (delivery_id, attempt, endpoint_id, event_id, dead_at, last_error, last_status_code, task)
     SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::int[], $8::json[])
     ON CONFLICT (delivery_id, attempt) DO NOTHING`,
    [
      rows.map((row) => row.deliveryId),
      rows.map((row) => row.attempt),
      rows.map((row) => row.endpointId),
      rows.map((row) => row.eventId),
      rows.map((row) => row.deadAt),
      rows.map((row) => row.lastError),
      rows.map((row) => row.lastStatusCode),
      rows.map((row) => row.task),
    ],
  );
}
