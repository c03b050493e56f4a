import { DeliveriesRepository, type DataSource, type ReplayRow } from '@gateway/persistence';
import type { CursorPosition } from '../pagination';
import { exactTime, SqlConditions, type UpdateResult } from '../sql';

/** Reads retries and dead letters. */
export class ReplayStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Marks matching dead letters redriven and hands their deliveries to `send`, a chunk at a time,
   * each chunk in its own transaction: if sending fails (Kafka did not acknowledge), that chunk
   * stays unmarked and a later redrive finds it again (earlier chunks were sent and stay marked).
   * A commit that fails after the send leaves its chunk unmarked too: sent twice at worst. Chunks
   * keep each transaction's locks short; a concurrent redrive skips the rows one holds.
   */
  async redriveDeadLetters(
    filter: { endpointId?: string; since?: string; until?: string },
    send: (rows: ReplayRow[]) => Promise<void>,
    chunk = 500,
  ): Promise<number> {
    const sql = new SqlConditions();
    sql.and('redriven_at IS NULL');
    if (filter.endpointId !== undefined) sql.and(`endpoint_id = ${sql.param(filter.endpointId)}`);
    if (filter.since !== undefined) sql.and(`dead_at >= ${sql.param(filter.since)}::timestamptz`);
    if (filter.until !== undefined) sql.and(`dead_at < ${sql.param(filter.until)}::timestamptz`);
    const limit = sql.param(chunk);
    let count = 0;
    for (;;) {
      const sent = await this.dataSource.transaction(async (manager) => {
        const [taken] = await manager.query<UpdateResult<{ deliveryId: string }>>(
          `UPDATE dead_letters SET redriven_at = now()
           WHERE (delivery_id, attempt) IN (
             SELECT delivery_id, attempt FROM dead_letters ${sql.where()} ORDER BY dead_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
           RETURNING delivery_id AS "deliveryId"`,
          sql.params,
        );
        const ids = [...new Set(taken.map((row) => row.deliveryId))];
        if (ids.length === 0) return undefined;
        const rows = await new DeliveriesRepository(manager).manyForReplay(ids);
        await send(rows);
        return rows.length;
      });
      if (sent === undefined) return count;
      count += sent;
    }
  }

  /**
   * An endpoint's pending retries, by due time: the scheduler's, and an ordered endpoint's head,
   * which its dispatcher retries in place (known from the delivery row and its last attempt).
   */
  listRetries(endpointId: string, after: CursorPosition | undefined, limit: number) {
    const sql = new SqlConditions();
    const endpoint = sql.param(endpointId);
    if (after)
      sql.and(`("dueAt", "deliveryId") > (${sql.param(after[0])}::timestamptz, ${sql.param(after[1])})`);
    return this.dataSource.query<
      {
        deliveryId: string;
        eventId: string;
        attempt: number;
        dueAt: Date;
        lastError: string | null;
        lastStatusCode: number | null;
        sortKey: string;
      }[]
    >(
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

  listDeadLetters(filter: {
    endpointId?: string;
    since?: string;
    until?: string;
    after?: CursorPosition;
    limit: number;
  }) {
    const sql = new SqlConditions();
    if (filter.endpointId !== undefined) sql.and(`endpoint_id = ${sql.param(filter.endpointId)}`);
    if (filter.since !== undefined) sql.and(`dead_at >= ${sql.param(filter.since)}::timestamptz`);
    if (filter.until !== undefined) sql.and(`dead_at < ${sql.param(filter.until)}::timestamptz`);
    if (filter.after)
      sql.and(
        `(dead_at, delivery_id) < (${sql.param(filter.after[0])}::timestamptz, ${sql.param(filter.after[1])})`,
      );
    return this.dataSource.query<
      {
        deliveryId: string;
        eventId: string;
        endpointId: string;
        attempts: number;
        deadAt: Date;
        lastError: string;
        lastStatusCode: number | null;
        redrivenAt: Date | null;
        sortKey: string;
      }[]
    >(
      `SELECT delivery_id AS "deliveryId", event_id AS "eventId", endpoint_id AS "endpointId", attempt AS attempts, dead_at AS "deadAt",
              last_error AS "lastError", last_status_code AS "lastStatusCode", redriven_at AS "redrivenAt", ${exactTime('dead_at')} AS "sortKey"
       FROM dead_letters ${sql.where()} ORDER BY dead_at DESC, delivery_id DESC LIMIT ${sql.param(filter.limit)}`,
      sql.params,
    );
  }
}
