import { stringifyJson } from '@gateway/schemas';
import {
  columnsOf,
  exactTime,
  idOfTenant,
  SqlConditions,
  type CursorPosition,
  type Database,
  type Sorted,
  type UpdateResult,
} from '../sql';
import type { DeliveryStatus } from '../deliveries/deliveries.record';
import { eventRecord, type EventRecord, type NewEvent } from './events.record';

export interface EventListFilter {
  type?: string;
  tenant?: string;
  since?: string;
  until?: string;
  /** Only events with at least one delivery in this status. */
  status?: DeliveryStatus;
  after?: CursorPosition;
  limit: number;
}

const columns = columnsOf(eventRecord);

/** The `events` table, which the router writes (DeliveriesRepository.recordAndClaim) and the API reads. */
export class EventsRepository {
  constructor(private readonly db: Database) {}

  /** Newest first in (received_at, id) order, which events_received_idx serves backwards. */
  async list(filter: EventListFilter): Promise<Sorted<EventRecord>[]> {
    const sql = new SqlConditions();
    if (filter.type !== undefined) sql.and(`type = ${sql.param(filter.type)}`);
    if (filter.tenant !== undefined) sql.and(`tenant = ${sql.param(filter.tenant)}`);
    if (filter.since !== undefined) sql.and(`received_at >= ${sql.param(filter.since)}::timestamptz`);
    if (filter.until !== undefined) sql.and(`received_at < ${sql.param(filter.until)}::timestamptz`);
    // A delivery is stored in its event's partition (created_at = received_at, ADR 0028): the
    // equality lets each probe read one partition's event index instead of every partition's.
    if (filter.status !== undefined)
      sql.and(`EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = events.id
        AND d.created_at = events.received_at AND d.status = ${sql.param(filter.status)})`);
    sql.after(filter.after, 'received_at, id', 'newest-first');
    const limit = sql.param(filter.limit);
    return await this.db.query<Sorted<EventRecord>[]>(
      `SELECT ${columns}, ${exactTime('received_at')} AS "sortKey" FROM events ${sql.where()}
       ORDER BY received_at DESC, id DESC LIMIT ${limit}`,
      sql.params,
    );
  }

  /** The event; with `tenant`, only if it is that tenant's (a tenant key's view). */
  async find(id: string, tenant?: string): Promise<EventRecord | undefined> {
    const sql = idOfTenant(id, tenant);
    const rows = await this.db.query<EventRecord[]>(
      `SELECT ${columns} FROM events ${sql.where()}`,
      sql.params,
    );
    return rows[0];
  }

  async exists(id: string, tenant?: string): Promise<boolean> {
    const sql = idOfTenant(id, tenant);
    return (await this.db.query<unknown[]>(`SELECT 1 FROM events ${sql.where()}`, sql.params)).length > 0;
  }

  /** Records one event written by the API itself (a test event); the router records the others. */
  async insert(event: NewEvent): Promise<void> {
    await this.db.query(
      `INSERT INTO events (id, type, tenant, data, occurred_at, received_at)
       VALUES ($1, $2, $3, $4::json, $5::timestamptz, $6::timestamptz)
       ON CONFLICT (id, received_at) DO NOTHING`,
      [event.id, event.type, event.tenant, stringifyJson(event.data), event.occurredAt, event.receivedAt],
    );
  }

  /** A tenant's retention (ADR 0028): deletes at most `limit` of its events accepted before `cutoff`; how many. */
  async expireForTenant(tenant: string, cutoff: Date, limit: number): Promise<number> {
    const [, count] = await this.db.query<UpdateResult<unknown>>(
      `DELETE FROM events WHERE (id, received_at) IN (
         SELECT id, received_at FROM events WHERE tenant = $1 AND received_at < $2 LIMIT $3)`,
      [tenant, cutoff.toISOString(), limit],
    );
    return count;
  }

  /** Erasure (ADR 0028): deletes the tenant's events; their ids. */
  async eraseTenant(tenant: string): Promise<string[]> {
    const [rows] = await this.db.query<UpdateResult<{ id: string }>>(
      `DELETE FROM events WHERE tenant = $1 RETURNING id`,
      [tenant],
    );
    return rows.map((row) => row.id);
  }
}
