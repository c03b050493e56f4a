import { storableText } from '@gateway/schemas';
import { columnsOf, type Database, type UpdateResult } from '../sql';
import { attemptKey, attemptRecord, type AttemptRecord, type AttemptRow } from './attempts.record';

/**
 * Characters kept of an attempt's error and response body: texts a receiver chose, stored here
 * only, so bounded and made storable here (NUL and lone surrogates become U+FFFD; ADR 0018).
 */
const ATTEMPT_TEXT_MAX = 4096;
const storable = (text: string | null): string | null =>
  text === null ? null : storableText(text, ATTEMPT_TEXT_MAX);

/** A recorded attempt looked for: its delivery, its number, and its event's accepted time when known. */
export type AttemptLookup = Pick<AttemptRecord, 'deliveryId' | 'attempt'> & { eventReceivedAt?: Date | null };

/** The `attempts` table: the dispatcher records each attempt, the API lists them. */
export class AttemptsRepository {
  constructor(private readonly db: Database) {}

  /**
   * Records a batch of attempts and moves their deliveries' status (an older attempt never
   * overwrites a newer one), marking them routed if the router's mark has not (an attempt's task
   * was acknowledged by Kafka; the mark leaves a delivery this statement holds to it). An attempt
   * is keyed by its event's accepted time from the task (ADR 0028), which is its delivery's: one
   * statement (one round trip, atomic) does both in the partitions of those times only, planned
   * for them alone (ADR 0032). What it does not find there (a task without the time, sent before
   * tasks carried it, or with another time than its delivery's) is recorded after, by a statement
   * that looks the delivery up by id, which plans and reads every partition retained.
   */
  async record(attempts: AttemptRow[]): Promise<void> {
    if (attempts.length === 0) return;
    const timed = attempts.filter((row) => row.eventReceivedAt !== null);
    const missed = new Set<string>();
    if (timed.length > 0) {
      const times = timed.map((row) => (row.eventReceivedAt as Date).toISOString());
      const rows = await this.db.query<{ key: string }[]>(
        `WITH u AS MATERIALIZED (
           SELECT * FROM unnest($1::text[], $2::int[], $3::timestamptz[], $4::int[], $5::int[], $6::text[], $7::text[],
                                $8::timestamptz[], $9::text[], $10::timestamptz[])
             AS u(delivery_id, attempt, started_at, duration_ms, status_code, error, response_body, event_received_at,
                  status, next_attempt_at)
         ), found AS MATERIALIZED (
           SELECT u.* FROM u
            WHERE EXISTS (SELECT 1 FROM deliveries d
                           WHERE d.id = u.delivery_id AND d.created_at = u.event_received_at
                             AND d.created_at = ANY($11::timestamptz[]))
         ), recorded AS (
           INSERT INTO attempts (delivery_id, attempt, started_at, duration_ms, status_code, error, response_body,
                                 event_received_at)
           SELECT delivery_id, attempt, started_at, duration_ms, status_code, error, response_body, event_received_at
             FROM found
           ON CONFLICT (delivery_id, attempt, event_received_at) DO NOTHING
         ), moved AS (
           UPDATE deliveries d SET status = f.status, attempts = GREATEST(d.attempts, f.attempt), updated_at = now(),
                  next_attempt_at = f.next_attempt_at, routed_at = COALESCE(d.routed_at, now())
             FROM found f
            WHERE d.id = f.delivery_id AND d.created_at = f.event_received_at AND d.attempts <= f.attempt
              AND d.created_at = ANY($11::timestamptz[])
         )
         SELECT u.delivery_id || '#' || u.attempt AS key FROM u
          WHERE NOT EXISTS (SELECT 1 FROM found WHERE found.delivery_id = u.delivery_id AND found.attempt = u.attempt)`,
        [
          timed.map((row) => row.deliveryId),
          timed.map((row) => row.attempt),
          timed.map((row) => row.startedAt.toISOString()),
          timed.map((row) => row.durationMs),
          timed.map((row) => row.statusCode),
          timed.map((row) => storable(row.error)),
          timed.map((row) => storable(row.responseBody)),
          times,
          timed.map((row) => row.status),
          timed.map((row) => row.nextAttemptAt?.toISOString() ?? null),
          [...new Set(times)],
        ],
      );
      for (const row of rows) missed.add(row.key);
    }
    const rest = attempts.filter(
      (row) => row.eventReceivedAt === null || missed.has(attemptKey(row.deliveryId, row.attempt)),
    );
    if (rest.length > 0) await this.recordByIdAlone(rest);
  }

  /** The attempts whose delivery is looked up by id alone: its time is the delivery's, read here. */
  private async recordByIdAlone(attempts: AttemptRow[]): Promise<void> {
    await this.db.query(
      `WITH u AS MATERIALIZED (
           SELECT u.*, COALESCE((SELECT d.created_at FROM deliveries d WHERE d.id = u.delivery_id LIMIT 1),
                                u.started_at) AS received_at
             FROM unnest($1::text[], $2::int[], $3::timestamptz[], $4::int[], $5::int[], $6::text[], $7::text[],
                         $8::text[], $9::timestamptz[])
               AS u(delivery_id, attempt, started_at, duration_ms, status_code, error, response_body, status,
                    next_attempt_at)
         ), recorded AS (
           INSERT INTO attempts (delivery_id, attempt, started_at, duration_ms, status_code, error, response_body,
                                 event_received_at)
           SELECT delivery_id, attempt, started_at, duration_ms, status_code, error, response_body, received_at FROM u
           ON CONFLICT (delivery_id, attempt, event_received_at) DO NOTHING
         )
         UPDATE deliveries d SET status = u.status, attempts = GREATEST(d.attempts, u.attempt), updated_at = now(),
                next_attempt_at = u.next_attempt_at, routed_at = COALESCE(d.routed_at, now())
           FROM u
          WHERE d.id = u.delivery_id AND d.created_at = u.received_at AND d.attempts <= u.attempt`,
      [
        attempts.map((row) => row.deliveryId),
        attempts.map((row) => row.attempt),
        attempts.map((row) => row.startedAt.toISOString()),
        attempts.map((row) => row.durationMs),
        attempts.map((row) => row.statusCode),
        attempts.map((row) => storable(row.error)),
        attempts.map((row) => storable(row.responseBody)),
        attempts.map((row) => row.status),
        attempts.map((row) => row.nextAttemptAt?.toISOString() ?? null),
      ],
    );
  }

  /**
   * Which of these (delivery, attempt) pairs already have an attempt recorded, with their delivery's
   * status now (keyed by attemptKey): a task Kafka or the scheduler sent twice is looked up here.
   * A pair with its event's accepted time (the task's, ADR 0032) is looked up in the partitions of
   * that time alone: its delivery is there, and so is every attempt of it (an attempt takes its
   * delivery's time). A pair without one, or whose delivery is not found at that time, is looked up
   * by id alone, which reads one index of every partition retained. One statement each.
   */
  async recorded(pairs: AttemptLookup[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const timed = pairs.filter((pair) => pair.eventReceivedAt);
    const untimed = pairs.filter((pair) => !pair.eventReceivedAt);
    if (timed.length > 0) {
      const times = timed.map((pair) => (pair.eventReceivedAt as Date).toISOString());
      const rows = await this.db.query<{ deliveryId: string; attempt: number; status: string | null }[]>(
        `SELECT w.delivery_id AS "deliveryId", w.attempt,
                CASE WHEN d.id IS NULL THEN NULL WHEN a.attempt IS NULL THEN '' ELSE d.status END AS status
           FROM unnest($1::text[], $2::int[], $3::timestamptz[]) AS w(delivery_id, attempt, received_at)
           LEFT JOIN deliveries d
             ON d.id = w.delivery_id AND d.created_at = w.received_at AND d.created_at = ANY($4::timestamptz[])
           LEFT JOIN attempts a
             ON a.delivery_id = w.delivery_id AND a.attempt = w.attempt AND a.event_received_at = w.received_at
            AND a.event_received_at = ANY($4::timestamptz[])`,
        [timed.map((pair) => pair.deliveryId), timed.map((pair) => pair.attempt), times, [...new Set(times)]],
      );
      for (const row of rows) {
        // NULL: no delivery at that time, so no conclusion (looked up by id below); '': not recorded.
        if (row.status === null) untimed.push({ deliveryId: row.deliveryId, attempt: row.attempt });
        else if (row.status !== '') found.set(attemptKey(row.deliveryId, row.attempt), row.status);
      }
    }
    if (untimed.length === 0) return found;
    const rows = await this.db.query<{ deliveryId: string; attempt: number; status: string }[]>(
      `SELECT a.delivery_id AS "deliveryId", a.attempt, d.status
         FROM attempts a
         JOIN unnest($1::text[], $2::int[]) AS wanted(delivery_id, attempt)
           ON a.delivery_id = wanted.delivery_id AND a.attempt = wanted.attempt
         JOIN deliveries d ON d.id = a.delivery_id`,
      [untimed.map((pair) => pair.deliveryId), untimed.map((pair) => pair.attempt)],
    );
    for (const row of rows) found.set(attemptKey(row.deliveryId, row.attempt), row.status);
    return found;
  }

  /** A delivery's attempts in order, after attempt number `afterAttempt`. */
  async list(
    deliveryId: string,
    afterAttempt: number,
    limit: number,
  ): Promise<Omit<AttemptRecord, 'deliveryId'>[]> {
    const columns = columnsOf(attemptRecord, undefined, [
      'attempt',
      'startedAt',
      'durationMs',
      'statusCode',
      'error',
      'responseBody',
    ]);
    return await this.db.query(
      `SELECT ${columns} FROM attempts WHERE delivery_id = $1 AND attempt > $2 ORDER BY attempt LIMIT $3`,
      [deliveryId, afterAttempt, limit],
    );
  }

  /**
   * A tenant's retention (ADR 0028): deletes at most `limit` attempts of deliveries to its endpoints
   * whose event was accepted before `cutoff`; how many.
   */
  async expireForTenant(tenant: string, cutoff: Date, limit: number): Promise<number> {
    const [, count] = await this.db.query<UpdateResult<unknown>>(
      `DELETE FROM attempts WHERE (delivery_id, attempt, event_received_at) IN (
         SELECT a.delivery_id, a.attempt, a.event_received_at FROM attempts a
           JOIN deliveries d ON d.id = a.delivery_id
          WHERE d.endpoint_id IN (SELECT id FROM endpoints WHERE tenant = $1) AND a.event_received_at < $2
          LIMIT $3)`,
      [tenant, cutoff.toISOString(), limit],
    );
    return count;
  }

  /** Erasure (ADR 0028): deletes the attempts of these deliveries. */
  async eraseFor(deliveryIds: string[]): Promise<void> {
    await this.db.query(`DELETE FROM attempts WHERE delivery_id = ANY($1::text[])`, [deliveryIds]);
  }
}
