import {
  columnsOf,
  exactTime,
  FieldWriter,
  SqlConditions,
  type CursorPosition,
  type Database,
  type Sorted,
  type UpdateResult,
} from '../sql';
import {
  eventTypeRecord,
  type EventTypeFields,
  type EventTypeRecord,
  type EventTypeSchemaRow,
} from './event-types.record';

export interface EventTypeListFilter {
  after?: CursorPosition;
  limit: number;
}

const columns = columnsOf(eventTypeRecord);

const writer = new FieldWriter<EventTypeFields>({
  description: '',
  schema: '::jsonb',
  examples: '::jsonb',
  deprecated: '',
});

/**
 * The `event_types` table (the catalog). Every write fires the `event_types_changed` NOTIFY (a
 * trigger), so the API's and the router's in-memory catalogs reload within milliseconds.
 */
export class EventTypesRepository {
  constructor(private readonly db: Database) {}

  /** Undefined when a type of that name exists already. */
  async insert(name: string, fields: EventTypeFields): Promise<EventTypeRecord | undefined> {
    const sql = new SqlConditions();
    const key = sql.param(name);
    const values = writer.insert(fields, sql);
    const rows = await this.db.query<EventTypeRecord[]>(
      `INSERT INTO event_types (name, ${values.columns}) VALUES (${key}, ${values.values})
       ON CONFLICT (name) DO NOTHING RETURNING ${columns}`,
      sql.params,
    );
    return rows[0];
  }

  async find(name: string): Promise<EventTypeRecord | undefined> {
    const rows = await this.db.query<EventTypeRecord[]>(
      `SELECT ${columns} FROM event_types WHERE name = $1`,
      [name],
    );
    return rows[0];
  }

  /** Oldest first, in (created_at, name) order (event_types_created_idx). */
  async list(filter: EventTypeListFilter): Promise<Sorted<EventTypeRecord>[]> {
    const sql = new SqlConditions();
    sql.after(filter.after, 'created_at, name', 'oldest-first');
    const limit = sql.param(filter.limit);
    return await this.db.query<Sorted<EventTypeRecord>[]>(
      `SELECT ${columns}, ${exactTime('created_at')} AS "sortKey" FROM event_types ${sql.where()}
       ORDER BY created_at, name LIMIT ${limit}`,
      sql.params,
    );
  }

  async update(name: string, patch: Partial<EventTypeFields>): Promise<EventTypeRecord | undefined> {
    const sql = new SqlConditions();
    const assignments = [...writer.assignments(patch, sql), 'updated_at = clock_timestamp()'];
    const [rows] = await this.db.query<UpdateResult<EventTypeRecord>>(
      `UPDATE event_types SET ${assignments.join(', ')} WHERE name = ${sql.param(name)} RETURNING ${columns}`,
      sql.params,
    );
    return rows[0];
  }

  async delete(name: string): Promise<boolean> {
    const [, count] = await this.db.query<UpdateResult<unknown>>(`DELETE FROM event_types WHERE name = $1`, [
      name,
    ]);
    return count > 0;
  }

  /** Every type's schema and version, for the in-memory catalogs. */
  async schemas(): Promise<EventTypeSchemaRow[]> {
    return await this.db.query<EventTypeSchemaRow[]>(
      `SELECT ${columnsOf(eventTypeRecord, undefined, ['name', 'schema', 'updatedAt'])} FROM event_types`,
    );
  }

  /** Every type, for the AsyncAPI document (oldest first). */
  async all(): Promise<EventTypeRecord[]> {
    return await this.db.query<EventTypeRecord[]>(
      `SELECT ${columns} FROM event_types ORDER BY created_at, name`,
    );
  }

  /**
   * Of an endpoint's type patterns, those naming no type of the catalog: an exact type not in it, or
   * a `prefix.*` matching none (`*` always matches).
   */
  async unknownPatterns(patterns: readonly string[]): Promise<string[]> {
    const rows = await this.db.query<{ pattern: string }[]>(
      `SELECT p AS pattern FROM unnest($1::text[]) WITH ORDINALITY AS u(p, i)
       WHERE p <> '*' AND NOT EXISTS (
         SELECT 1 FROM event_types
         WHERE CASE WHEN p LIKE '%.*' THEN starts_with(name, left(p, -1)) ELSE name = p END)
       ORDER BY i`,
      [patterns],
    );
    return rows.map((row) => row.pattern);
  }
}
