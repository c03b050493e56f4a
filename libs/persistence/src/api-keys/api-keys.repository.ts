import {
  columnsOf,
  exactTime,
  SqlConditions,
  type CursorPosition,
  type Database,
  type Sorted,
  type UpdateResult,
} from '../sql';
import { apiKeyRecord, type ApiKeyRecord, type NewApiKey } from './api-keys.record';

export interface ApiKeyListFilter {
  tenant?: string;
  after?: CursorPosition;
  limit: number;
}

const columns = columnsOf(apiKeyRecord);

/**
 * The `api_keys` table. Every change of a key's validity NOTIFYs `api_keys_changed` with its
 * prefix (a trigger), so the api instances' key caches drop it at once.
 */
export class ApiKeysRepository {
  constructor(private readonly db: Database) {}

  async insert(id: string, key: NewApiKey): Promise<ApiKeyRecord> {
    const rows = await this.db.query<ApiKeyRecord[]>(
      `INSERT INTO api_keys (id, name, tenant, scopes, prefix, hash, expires_at)
       VALUES ($1, $2, $3, $4::text[], $5, $6, $7) RETURNING ${columns}`,
      [id, key.name, key.tenant, key.scopes, key.prefix, key.hash, key.expiresAt],
    );
    return rows[0];
  }

  /** The key of a prefix, revoked or not (the caller decides). */
  async findByPrefix(prefix: string): Promise<ApiKeyRecord | undefined> {
    const rows = await this.db.query<ApiKeyRecord[]>(`SELECT ${columns} FROM api_keys WHERE prefix = $1`, [
      prefix,
    ]);
    return rows[0];
  }

  /** Newest first. */
  async list(filter: ApiKeyListFilter): Promise<Sorted<ApiKeyRecord>[]> {
    const sql = new SqlConditions();
    if (filter.tenant !== undefined) sql.and(`tenant = ${sql.param(filter.tenant)}`);
    sql.after(filter.after, 'created_at, id', 'newest-first');
    const limit = sql.param(filter.limit);
    return await this.db.query<Sorted<ApiKeyRecord>[]>(
      `SELECT ${columns}, ${exactTime('created_at')} AS "sortKey" FROM api_keys ${sql.where()}
       ORDER BY created_at DESC, id DESC LIMIT ${limit}`,
      sql.params,
    );
  }

  /** Revokes the key (of `tenant` when given); undefined when there is none. Revoking twice keeps the first time. */
  async revoke(id: string, tenant?: string): Promise<ApiKeyRecord | undefined> {
    const sql = new SqlConditions();
    sql.and(`id = ${sql.param(id)}`);
    if (tenant !== undefined) sql.and(`tenant = ${sql.param(tenant)}`);
    const [rows] = await this.db.query<UpdateResult<ApiKeyRecord>>(
      `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) ${sql.where()} RETURNING ${columns}`,
      sql.params,
    );
    return rows[0];
  }

  /** Revokes every key of a tenant (the tenant is being deleted). */
  async revokeForTenant(tenant: string): Promise<void> {
    await this.db.query(`UPDATE api_keys SET revoked_at = now() WHERE tenant = $1 AND revoked_at IS NULL`, [
      tenant,
    ]);
  }

  /** Records that these keys were used now (one statement for a whole batch). */
  async touch(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query(`UPDATE api_keys SET last_used_at = now() WHERE id = ANY($1::text[])`, [ids]);
  }

  /** Erasure (ADR 0028): deletes the tenant's keys (revoked or not); their ids. */
  async eraseTenant(tenant: string): Promise<string[]> {
    const [rows] = await this.db.query<UpdateResult<{ id: string }>>(
      `DELETE FROM api_keys WHERE tenant = $1 RETURNING id`,
      [tenant],
    );
    return rows.map((row) => row.id);
  }
}
