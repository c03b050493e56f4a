import type { DataSource } from '@gateway/persistence';
import type { CursorPosition } from '../pagination';
import { exactTime, SqlConditions } from '../sql';
import type { AttemptView, DeliveryView, EventView } from './event.schemas';

export type EventRow = Omit<EventView, 'occurredAt' | 'receivedAt'> & {
  occurredAt: Date;
  receivedAt: Date;
  sortKey: string;
};
export type DeliveryRow = Omit<DeliveryView, 'createdAt' | 'updatedAt' | 'nextAttemptAt'> & {
  createdAt: Date;
  updatedAt: Date;
  nextAttemptAt: Date | null;
  sortKey: string;
};
export type AttemptRow = Omit<AttemptView, 'startedAt'> & { startedAt: Date };

export interface EventListFilter {
  type?: string;
  tenant?: string;
  since?: string;
  until?: string;
  after?: CursorPosition;
  limit: number;
}

const eventColumns = `id, type, tenant, data, occurred_at AS "occurredAt", received_at AS "receivedAt",
  ${exactTime('received_at')} AS "sortKey"`;
const deliveryColumns = `id, event_id AS "eventId", endpoint_id AS "endpointId", status, attempts,
  next_attempt_at AS "nextAttemptAt", created_at AS "createdAt", updated_at AS "updatedAt",
  ${exactTime('created_at')} AS "sortKey"`;

/** Reads the event log the router and dispatcher write: events, their deliveries, attempts. */
export class EventLogStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Newest first in (received_at, id) order, which events_received_idx serves backwards. */
  async listEvents(filter: EventListFilter): Promise<EventRow[]> {
    const sql = new SqlConditions();
    if (filter.type !== undefined) sql.and(`type = ${sql.param(filter.type)}`);
    if (filter.tenant !== undefined) sql.and(`tenant = ${sql.param(filter.tenant)}`);
    if (filter.since !== undefined) sql.and(`received_at >= ${sql.param(filter.since)}::timestamptz`);
    if (filter.until !== undefined) sql.and(`received_at < ${sql.param(filter.until)}::timestamptz`);
    if (filter.after)
      sql.and(
        `(received_at, id) < (${sql.param(filter.after[0])}::timestamptz, ${sql.param(filter.after[1])})`,
      );
    const limit = sql.param(filter.limit);
    return await this.dataSource.query<EventRow[]>(
      `SELECT ${eventColumns} FROM events ${sql.where()} ORDER BY received_at DESC, id DESC LIMIT ${limit}`,
      sql.params,
    );
  }

  async findEvent(id: string): Promise<EventRow | undefined> {
    const rows = await this.dataSource.query<EventRow[]>(`SELECT ${eventColumns} FROM events WHERE id = $1`, [
      id,
    ]);
    return rows[0];
  }

  /** An event's deliveries, oldest first. */
  async listDeliveries(
    eventId: string,
    after: CursorPosition | undefined,
    limit: number,
  ): Promise<DeliveryRow[]> {
    const sql = new SqlConditions();
    sql.and(`event_id = ${sql.param(eventId)}`);
    if (after) sql.and(`(created_at, id) > (${sql.param(after[0])}::timestamptz, ${sql.param(after[1])})`);
    return await this.dataSource.query<DeliveryRow[]>(
      `SELECT ${deliveryColumns} FROM deliveries ${sql.where()} ORDER BY created_at, id LIMIT ${sql.param(limit)}`,
      sql.params,
    );
  }

  async eventExists(id: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(`SELECT 1 FROM events WHERE id = $1`, [id]);
    return rows.length > 0;
  }

  async deliveryExists(id: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(`SELECT 1 FROM deliveries WHERE id = $1`, [id]);
    return rows.length > 0;
  }

  /** A delivery's attempts in order, after attempt number `afterAttempt`. */
  async listAttempts(deliveryId: string, afterAttempt: number, limit: number): Promise<AttemptRow[]> {
    return await this.dataSource.query<AttemptRow[]>(
      `SELECT attempt, started_at AS "startedAt", duration_ms AS "durationMs", status_code AS "statusCode", error,
         response_body AS "responseBody"
       FROM attempts WHERE delivery_id = $1 AND attempt > $2 ORDER BY attempt LIMIT $3`,
      [deliveryId, afterAttempt, limit],
    );
  }
}
