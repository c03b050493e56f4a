import { stringifyJson } from '@gateway/schemas';

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

  where(): string {
    return this.parts.length === 0 ? '' : `WHERE ${this.parts.join(' AND ')}`;
  }
}

/**
 * A timestamp as exact UTC text with microseconds: a cursor built from it finds its row again,
 * which a JavaScript Date (milliseconds) would not.
 */
export const exactTime = (column: string): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** TypeORM's `query` answers UPDATE and DELETE with `[rows, rowCount]` (other commands with rows). */
export type UpdateResult<R> = [rows: R[], rowCount: number];

/** jsonb parameters go as JSON text: pg would otherwise send a JS array as a PostgreSQL array. */
export const json = (value: unknown): string | null =>
  value === null || value === undefined ? null : stringifyJson(value);
