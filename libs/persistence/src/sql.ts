import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { stringifyJson } from '@gateway/schemas';

/**
 * What a repository runs its statements on: the data source, or the manager of a transaction that
 * another repository opened (so statements of several tables commit together).
 */
export interface Database {
  query<T = unknown>(sql: string, params?: unknown[]): Promise<T>;
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T>;
}

/** A position in a keyset-ordered list: the row's sort key (exact text) and its id. */
export type CursorPosition = [sortKey: string, id: string];

/** A listed row carries its sort key, from which the next page's cursor is made. */
export type Sorted<R> = R & { sortKey: string };

/** Collects `AND`-ed conditions and their positional parameters for one query. */
export class SqlConditions {
  readonly params: unknown[] = [];
  private readonly parts: string[] = [];

  /** Adds a parameter and returns its placeholder (`$n`). */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  and(condition: string): this {
    this.parts.push(condition);
    return this;
  }

  /**
   * Keeps the rows past a cursor position in keyset order: `(time, id) > (position)`, or `<` for a
   * newest-first list. `keys` names the time and id columns.
   */
  after(position: CursorPosition | undefined, keys: string, order: 'oldest-first' | 'newest-first'): this {
    if (!position) return this;
    const [time, id] = position;
    return this.and(
      `(${keys}) ${order === 'oldest-first' ? '>' : '<'} (${this.param(time)}::timestamptz, ${this.param(id)})`,
    );
  }

  where(): string {
    return this.parts.length === 0 ? '' : `WHERE ${this.parts.join(' AND ')}`;
  }
}

/**
 * An ILIKE pattern that finds `text` anywhere in a value: its `%`, `_` and `\` match themselves
 * (escaped with `\`, PostgreSQL's default escape character), so a search is never a wildcard.
 */
export const containing = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The row of this id, and of this tenant when one is given (a tenant key's view of a table with a `tenant` column). */
export function idOfTenant(id: string, tenant: string | undefined): SqlConditions {
  const sql = new SqlConditions();
  sql.and(`id = ${sql.param(id)}`);
  if (tenant !== undefined) sql.and(`tenant = ${sql.param(tenant)}`);
  return sql;
}

/**
 * A timestamp as exact UTC text with microseconds: a cursor built from it finds its row again,
 * which a JavaScript Date (milliseconds) would not.
 */
export const exactTime = (column: string): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** TypeORM's `query` answers UPDATE and DELETE with `[rows, rowCount]` (other commands with rows). */
export type UpdateResult<R> = [rows: R[], rowCount: number];

/** The rows of an answer, whichever of TypeORM's two shapes it has. */
export function returnedRows<T>(result: unknown): T[] {
  return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
}

/** jsonb parameters go as JSON text: pg would otherwise send a JS array as a PostgreSQL array. */
export const json = (value: unknown): string | null =>
  value === null || value === undefined ? null : stringifyJson(value);

/** The column of a record's field: `eventTypes` is `event_types`. */
export const columnOf = (field: string): string => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * The select list of a record's fields (`event_types AS "eventTypes", ...`), so a table's columns
 * are named once, by its record; `alias` qualifies them (`e.event_types`).
 */
export function columnsOf<Shape extends z.ZodRawShape>(
  record: z.ZodObject<Shape>,
  alias?: string,
  fields: (keyof Shape & string)[] = Object.keys(record.shape),
): string {
  return fields
    .map((field) => {
      const column = columnOf(field);
      const qualified = alias ? `${alias}.${column}` : column;
      return column === field && !alias ? column : `${qualified} AS "${field}"`;
    })
    .join(', ');
}

/** How a field is written: as it is, as a text array, or as JSON text cast to jsonb. */
export type Cast = '' | '::text[]' | '::jsonb';

/**
 * Writes the fields an operator sets, for an insert and an update alike: each field's column comes
 * from its name, its cast from `casts`; an absent optional field is stored as null.
 */
export class FieldWriter<F extends object> {
  private readonly fields: (keyof F & string)[];

  constructor(private readonly casts: { [K in keyof F]-?: Cast }) {
    this.fields = Object.keys(casts) as (keyof F & string)[];
  }

  /** The column list and the matching `VALUES` list of a new row; parameters go to `sql`. */
  insert(row: Partial<F>, sql: SqlConditions): { columns: string; values: string } {
    return {
      columns: this.fields.map(columnOf).join(', '),
      values: this.fields.map((field) => this.placeholder(field, row[field], sql)).join(', '),
    };
  }

  /** `column = $n` for each field `patch` sets (null clears it); parameters go to `sql`. */
  assignments(patch: Partial<F>, sql: SqlConditions): string[] {
    return this.fields
      .filter((field) => patch[field] !== undefined)
      .map((field) => `${columnOf(field)} = ${this.placeholder(field, patch[field], sql)}`);
  }

  private placeholder(field: keyof F, value: unknown, sql: SqlConditions): string {
    const cast = this.casts[field];
    return `${sql.param(cast === '::jsonb' ? json(value) : (value ?? null))}${cast}`;
  }
}
