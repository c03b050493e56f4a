import type { DataSource } from '@gateway/persistence';
import type { CursorPosition } from '../pagination';
import { exactTime, json, SqlConditions, type UpdateResult } from '../sql';
import type { CreateSource, UpdateSource } from './source.schemas';

export interface SourceRecord {
  id: string;
  name: string;
  provider: string;
  secrets: string[];
  toleranceSeconds: number;
  maxBodyBytes: number;
  dedupWindowSeconds: number;
  forward: { eventTypeFrom: string } | null;
  rateLimit: { perSecond: number; burst?: number } | null;
  options: Record<string, unknown> | null;
  createdAt: Date;
  updatedAt: Date;
  sortKey: string;
}

const columns = `id, name, provider, secrets, tolerance_seconds AS "toleranceSeconds", max_body_bytes AS "maxBodyBytes",
  dedup_window_seconds AS "dedupWindowSeconds", forward, rate_limit AS "rateLimit", options,
  created_at AS "createdAt", updated_at AS "updatedAt", ${exactTime('created_at')} AS "sortKey"`;

const updatable: { [K in keyof Required<UpdateSource>]: { column: string; jsonb?: true } } = {
  name: { column: 'name' },
  provider: { column: 'provider' },
  secrets: { column: 'secrets', jsonb: true },
  toleranceSeconds: { column: 'tolerance_seconds' },
  maxBodyBytes: { column: 'max_body_bytes' },
  dedupWindowSeconds: { column: 'dedup_window_seconds' },
  forward: { column: 'forward', jsonb: true },
  rateLimit: { column: 'rate_limit', jsonb: true },
  options: { column: 'options', jsonb: true },
};

export interface SourceListFilter {
  provider?: string;
  after?: CursorPosition;
  limit: number;
}

/**
 * The `sources` table. Every write fires the `sources_changed` NOTIFY (a trigger), so the ingress
 * and the router reload their in-memory copies within milliseconds.
 */
export class SourceStore {
  constructor(private readonly dataSource: DataSource) {}

  async insert(id: string, source: CreateSource): Promise<SourceRecord> {
    const rows = await this.dataSource.query<SourceRecord[]>(
      `INSERT INTO sources (id, name, provider, secrets, tolerance_seconds, max_body_bytes, dedup_window_seconds, forward, rate_limit, options)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8::jsonb, $9::jsonb, $10::jsonb)
       RETURNING ${columns}`,
      [
        id,
        source.name,
        source.provider,
        json(source.secrets),
        source.toleranceSeconds,
        source.maxBodyBytes,
        source.dedupWindowSeconds,
        json(source.forward),
        json(source.rateLimit),
        json(source.options),
      ],
    );
    return rows[0];
  }

  async find(id: string): Promise<SourceRecord | undefined> {
    const rows = await this.dataSource.query<SourceRecord[]>(`SELECT ${columns} FROM sources WHERE id = $1`, [
      id,
    ]);
    return rows[0];
  }

  /** Oldest first, in (created_at, id) order (sources_created_idx). */
  async list(filter: SourceListFilter): Promise<SourceRecord[]> {
    const sql = new SqlConditions();
    if (filter.provider !== undefined) sql.and(`provider = ${sql.param(filter.provider)}`);
    if (filter.after)
      sql.and(
        `(created_at, id) > (${sql.param(filter.after[0])}::timestamptz, ${sql.param(filter.after[1])})`,
      );
    const limit = sql.param(filter.limit);
    return await this.dataSource.query<SourceRecord[]>(
      `SELECT ${columns} FROM sources ${sql.where()} ORDER BY created_at, id LIMIT ${limit}`,
      sql.params,
    );
  }

  async update(id: string, patch: UpdateSource): Promise<SourceRecord | undefined> {
    const sql = new SqlConditions();
    const assignments: string[] = [];
    for (const field of Object.keys(updatable) as (keyof UpdateSource)[]) {
      const value = patch[field];
      if (value === undefined) continue;
      const { column, jsonb } = updatable[field];
      assignments.push(`${column} = ${jsonb ? `${sql.param(json(value))}::jsonb` : sql.param(value)}`);
    }
    assignments.push('updated_at = now()');
    const [rows] = await this.dataSource.query<UpdateResult<SourceRecord>>(
      `UPDATE sources SET ${assignments.join(', ')} WHERE id = ${sql.param(id)} RETURNING ${columns}`,
      sql.params,
    );
    return rows[0];
  }

  async delete(id: string): Promise<boolean> {
    const [, count] = await this.dataSource.query<UpdateResult<unknown>>(
      `DELETE FROM sources WHERE id = $1`,
      [id],
    );
    return count > 0;
  }
}
