import type { DataSource } from '@gateway/persistence';
import type { CursorPosition } from '../pagination';
import { exactTime, SqlConditions, type UpdateResult } from '../sql';

/** What a replay needs of a delivery: its event and the next attempt number. */
export interface ReplayRow {
  deliveryId: string;
  endpointId: string;
  eventId: string;
  type: string;
  tenant: string | null;
  data: unknown;
  occurredAt: Date;
  nextAttempt: number;
}

const replayColumns = `d.id AS "deliveryId", d.endpoint_id AS "endpointId", e.id AS "eventId", e.type, e.tenant, e.data,
  e.occurred_at AS "occurredAt",
  GREATEST(d.attempts, COALESCE((SELECT max(a.attempt) FROM attempts a WHERE a.delivery_id = d.id), 0)) + 1 AS "nextAttempt"`;

/** Reads retries and dead letters, and the deliveries a replay sends again. */
export class ReplayStore {
  constructor(private readonly dataSource: DataSource) {}

  async delivery(id: string): Promise<ReplayRow | undefined> {
    const rows = await this.dataSource.query<ReplayRow[]>(
      `SELECT ${replayColumns} FROM deliveries d JOIN events e ON e.id = d.event_id WHERE d.id = $1`,
      [id],
    );
    return rows[0];
  }

  /**
   * One page of an endpoint's failed deliveries created in the window, oldest first: retrying,
   * dead, or cancelled (cancelled when their endpoint was disabled, after a long outage or a 410,
   * or had no signing secret; once it is fixed and enabled again, recover is how they are sent).
   * `after` is the last page's `position`: a window of a million deliveries is read a page at a
   * time, with the memory of one page (issue 19).
   */
  async failedDeliveries(
    endpointId: string,
    window: { since: string; until?: string },
    after: CursorPosition | undefined,
    limit: number,
  ): Promise<{ rows: ReplayRow[]; position: CursorPosition | undefined }> {
    const sql = new SqlConditions();
    sql.and(`d.endpoint_id = ${sql.param(endpointId)}`).and(`d.status IN ('retrying', 'dead', 'cancelled')`);
    sql.and(`d.created_at >= ${sql.param(window.since)}::timestamptz`);
    if (window.until !== undefined) sql.and(`d.created_at < ${sql.param(window.until)}::timestamptz`);
    if (after)
      sql.and(`(d.created_at, d.id) > (${sql.param(after[0])}::timestamptz, ${sql.param(after[1])})`);
    const rows = await this.dataSource.query<(ReplayRow & { sortKey: string })[]>(
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
        const rows = await manager.query<ReplayRow[]>(
          `SELECT ${replayColumns} FROM deliveries d JOIN events e ON e.id = d.event_id WHERE d.id = ANY($1::text[]) ORDER BY d.created_at`,
          [ids],
        );
        await send(rows);
        return rows.length;
      });
      if (sent === undefined) return count;
      count += sent;
    }
  }

  async eventDeliveries(eventId: string): Promise<ReplayRow[]> {
    return this.dataSource.query<ReplayRow[]>(
      `SELECT ${replayColumns} FROM deliveries d JOIN events e ON e.id = d.event_id WHERE e.id = $1`,
      [eventId],
    );
  }

  async event(
    eventId: string,
  ): Promise<Omit<ReplayRow, 'deliveryId' | 'endpointId' | 'nextAttempt'> | undefined> {
    const rows = await this.dataSource.query<Omit<ReplayRow, 'deliveryId' | 'endpointId' | 'nextAttempt'>[]>(
      `SELECT id AS "eventId", type, tenant, data, occurred_at AS "occurredAt" FROM events WHERE id = $1`,
      [eventId],
    );
    return rows[0];
  }

  /** Records new deliveries (replay to a subscriber added after the event); existing ones are kept. */
  async ensureDeliveries(rows: { id: string; eventId: string; endpointId: string }[]): Promise<void> {
    if (rows.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO deliveries (id, event_id, endpoint_id, routed_at) SELECT u.id, u.event_id, u.endpoint_id, now()
       FROM unnest($1::text[], $2::text[], $3::text[]) AS u(id, event_id, endpoint_id) ON CONFLICT (id) DO NOTHING`,
      [rows.map((row) => row.id), rows.map((row) => row.eventId), rows.map((row) => row.endpointId)],
    );
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
