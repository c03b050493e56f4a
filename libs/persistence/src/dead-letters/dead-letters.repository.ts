import { DeliveriesRepository } from '../deliveries/deliveries.repository';
import type { ReplayRow } from '../deliveries/deliveries.record';
import {
  columnsOf,
  exactTime,
  SqlConditions,
  type CursorPosition,
  type Database,
  type Sorted,
  type UpdateResult,
} from '../sql';
import { deadLetterRecord, type DeadLetterRecord, type DeadLetterRow } from './dead-letters.record';

/** Which dead letters a list or a redrive takes. */
export interface DeadLetterFilter {
  endpointId?: string;
  since?: string;
  until?: string;
  /** Only dead letters of this tenant's endpoints (a tenant key's view). */
  tenant?: string;
}

/** The fields the API lists (not the task). */
export type ListedDeadLetter = Omit<DeadLetterRecord, 'task'>;

const listedColumns = columnsOf(deadLetterRecord, undefined, [
  'deliveryId',
  'eventId',
  'endpointId',
  'attempt',
  'deadAt',
  'lastError',
  'lastStatusCode',
  'redrivenAt',
]);

function filtered(filter: DeadLetterFilter): SqlConditions {
  const sql = new SqlConditions();
  if (filter.endpointId !== undefined) sql.and(`endpoint_id = ${sql.param(filter.endpointId)}`);
  if (filter.since !== undefined) sql.and(`dead_at >= ${sql.param(filter.since)}::timestamptz`);
  if (filter.until !== undefined) sql.and(`dead_at < ${sql.param(filter.until)}::timestamptz`);
  if (filter.tenant !== undefined) {
    sql.and(`endpoint_id IN (SELECT id FROM endpoints WHERE tenant = ${sql.param(filter.tenant)})`);
  }
  return sql;
}

/** The `dead_letters` table: the scheduler records them, the API lists and redrives them. */
export class DeadLettersRepository {
  constructor(private readonly db: Database) {}

  /** Records dead letters for listing and redrive (a duplicate is ignored). */
  async record(rows: DeadLetterRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.query(
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

  /** Newest first, in (dead_at, delivery_id) order. */
  async list(
    filter: DeadLetterFilter & { after?: CursorPosition; limit: number },
  ): Promise<Sorted<ListedDeadLetter>[]> {
    const sql = filtered(filter).after(filter.after, 'dead_at, delivery_id', 'newest-first');
    return await this.db.query<Sorted<ListedDeadLetter>[]>(
      `SELECT ${listedColumns}, ${exactTime('dead_at')} AS "sortKey"
       FROM dead_letters ${sql.where()} ORDER BY dead_at DESC, delivery_id DESC LIMIT ${sql.param(filter.limit)}`,
      sql.params,
    );
  }

  /**
   * Marks matching dead letters redriven and hands their deliveries to `send`, a chunk at a time,
   * each chunk in its own transaction: if sending fails (Kafka did not acknowledge), that chunk
   * stays unmarked and a later redrive finds it again (earlier chunks were sent and stay marked).
   * A commit that fails after the send leaves its chunk unmarked too: sent twice at worst. Chunks
   * keep each transaction's locks short; a concurrent redrive skips the rows one holds.
   */
  async redrive(
    filter: DeadLetterFilter,
    send: (rows: ReplayRow[]) => Promise<void>,
    chunk = 500,
  ): Promise<number> {
    const sql = filtered(filter).and('redriven_at IS NULL');
    const limit = sql.param(chunk);
    let count = 0;
    for (;;) {
      const sent = await this.db.transaction(async (manager) => {
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

  /** Erasure (ADR 0028): deletes the dead letters to these endpoints or of these events. */
  async eraseFor(endpointIds: string[], eventIds: string[]): Promise<void> {
    await this.db.query(
      `DELETE FROM dead_letters WHERE endpoint_id = ANY($1::text[]) OR event_id = ANY($2::text[])`,
      [endpointIds, eventIds],
    );
  }

  /** Retention (ADR 0028): deletes at most `limit` dead letters that died before `cutoff`, oldest first; how many. */
  async expire(cutoff: Date, limit: number): Promise<number> {
    const [, count] = await this.db.query<UpdateResult<unknown>>(
      `DELETE FROM dead_letters WHERE (delivery_id, attempt) IN
         (SELECT delivery_id, attempt FROM dead_letters WHERE dead_at < $1 ORDER BY dead_at LIMIT $2)`,
      [cutoff, limit],
    );
    return count;
  }
}
