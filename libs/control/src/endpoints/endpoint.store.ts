import type { DataSource } from '@gateway/persistence';
import type { CursorPosition } from '../pagination';
import { exactTime, json, SqlConditions, type UpdateResult } from '../sql';
import type { CreateEndpoint, EndpointView, UpdateEndpoint } from './endpoint.schemas';

export type EndpointRow = Omit<EndpointView, 'createdAt' | 'updatedAt'> & {
  createdAt: Date;
  updatedAt: Date;
  sortKey: string;
};

const columns = `id, url, description, event_types AS "eventTypes", filter, tenant, ordered,
  retry_policy AS "retryPolicy", rate_limit AS "rateLimit", headers, enabled,
  disabled_reason AS "disabledReason", created_at AS "createdAt", updated_at AS "updatedAt",
  ${exactTime('created_at')} AS "sortKey"`;

/** How each updatable field is written. */
const updatable: {
  [K in keyof Required<UpdateEndpoint>]: {
    column: string;
    cast?: string;
    encode?: (value: UpdateEndpoint[K]) => unknown;
  };
} = {
  url: { column: 'url' },
  description: { column: 'description' },
  eventTypes: { column: 'event_types', cast: 'text[]' },
  filter: { column: 'filter', cast: 'jsonb', encode: json },
  tenant: { column: 'tenant' },
  ordered: { column: 'ordered' },
  retryPolicy: { column: 'retry_policy', cast: 'jsonb', encode: json },
  rateLimit: { column: 'rate_limit', cast: 'jsonb', encode: json },
  headers: { column: 'headers', cast: 'jsonb', encode: json },
  enabled: { column: 'enabled' },
};

export interface EndpointListFilter {
  tenant?: string;
  enabled?: boolean;
  after?: CursorPosition;
  limit: number;
}

/** The `endpoints` table and, on create, the endpoint's first secret. */
export class EndpointStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts the endpoint and its first secret in one transaction. */
  insert(id: string, endpoint: CreateEndpoint, secret: string): Promise<EndpointRow> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await manager.query<EndpointRow[]>(
        `INSERT INTO endpoints (id, url, description, event_types, filter, tenant, ordered, retry_policy, rate_limit, headers, enabled)
         VALUES ($1, $2, $3, $4::text[], $5::jsonb, $6, $7, $8::jsonb, $9::jsonb, $10::jsonb, $11)
         RETURNING ${columns}`,
        [
          id,
          endpoint.url,
          endpoint.description ?? null,
          endpoint.eventTypes,
          json(endpoint.filter),
          endpoint.tenant ?? null,
          endpoint.ordered,
          json(endpoint.retryPolicy),
          json(endpoint.rateLimit),
          json(endpoint.headers),
          endpoint.enabled,
        ],
      );
      await manager.query(`INSERT INTO endpoint_secrets (endpoint_id, key) VALUES ($1, $2)`, [id, secret]);
      return rows[0];
    });
  }

  async find(id: string): Promise<EndpointRow | undefined> {
    const rows = await this.dataSource.query<EndpointRow[]>(
      `SELECT ${columns} FROM endpoints WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  /** Oldest first, in (created_at, id) order, which the endpoints_created_idx index serves. */
  async list(filter: EndpointListFilter): Promise<EndpointRow[]> {
    const sql = new SqlConditions();
    if (filter.tenant !== undefined) sql.and(`tenant = ${sql.param(filter.tenant)}`);
    if (filter.enabled !== undefined) sql.and(`enabled = ${sql.param(filter.enabled)}`);
    if (filter.after)
      sql.and(
        `(created_at, id) > (${sql.param(filter.after[0])}::timestamptz, ${sql.param(filter.after[1])})`,
      );
    const limit = sql.param(filter.limit);
    return await this.dataSource.query<EndpointRow[]>(
      `SELECT ${columns} FROM endpoints ${sql.where()} ORDER BY created_at, id LIMIT ${limit}`,
      sql.params,
    );
  }

  /** Writes the given fields; re-enabling clears the reason the gateway disabled it for. */
  async update(id: string, patch: UpdateEndpoint): Promise<EndpointRow | undefined> {
    const sql = new SqlConditions();
    const assignments: string[] = [];
    for (const field of Object.keys(updatable) as (keyof UpdateEndpoint)[]) {
      const value = patch[field];
      if (value === undefined) continue;
      const { column, cast, encode } = updatable[field] as {
        column: string;
        cast?: string;
        encode?: (value: unknown) => unknown;
      };
      assignments.push(`${column} = ${sql.param(encode ? encode(value) : value)}${cast ? `::${cast}` : ''}`);
    }
    if (patch.enabled === true) assignments.push('disabled_reason = NULL');
    assignments.push('updated_at = now()');
    const [rows] = await this.dataSource.query<UpdateResult<EndpointRow>>(
      `UPDATE endpoints SET ${assignments.join(', ')} WHERE id = ${sql.param(id)} RETURNING ${columns}`,
      sql.params,
    );
    return rows[0];
  }

  /** Deletes the endpoint (its secrets go with it); false when there was none. */
  async delete(id: string): Promise<boolean> {
    const [, count] = await this.dataSource.query<UpdateResult<unknown>>(
      `DELETE FROM endpoints WHERE id = $1`,
      [id],
    );
    return count > 0;
  }
}
