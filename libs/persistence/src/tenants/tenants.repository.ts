import { ApiKeysRepository } from '../api-keys/api-keys.repository';
import { AttemptsRepository } from '../attempts/attempts.repository';
import { AuditLogRepository } from '../audit-log/audit-log.repository';
import { DeadLettersRepository } from '../dead-letters/dead-letters.repository';
import { DeliveriesRepository } from '../deliveries/deliveries.repository';
import { EndpointsRepository } from '../endpoints/endpoints.repository';
import { EventsRepository } from '../events/events.repository';
import { InboundDedupRepository } from '../inbound-dedup/inbound-dedup.repository';
import { RetriesRepository } from '../retries/retries.repository';
import { SourcesRepository } from '../sources/sources.repository';
import { SourceStatsRepository } from '../source-stats/source-stats.repository';
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
import { tenantRecord, type TenantFields, type TenantRecord } from './tenants.record';

/** What an erasure removed, counted per table. */
export interface ErasedRows {
  endpoints: number;
  sources: number;
  events: number;
  deliveries: number;
  apiKeys: number;
}

export interface TenantListFilter {
  /** Only this tenant (a tenant's key sees itself only). */
  id?: string;
  after?: CursorPosition;
  limit: number;
}

const columns = columnsOf(tenantRecord);
const writer = new FieldWriter<TenantFields>({
  name: '',
  metadata: '::jsonb',
  branding: '::jsonb',
  retentionDays: '',
});

/** The `tenants` table. A deleted tenant keeps its row (`deleted_at`), so its history stays attributable. */
export class TenantsRepository {
  constructor(private readonly db: Database) {}

  /** Inserts the tenant; undefined when the id is taken. */
  async insert(id: string, tenant: TenantFields): Promise<TenantRecord | undefined> {
    const sql = new SqlConditions();
    const key = sql.param(id);
    const fields = writer.insert(tenant, sql);
    const rows = await this.db.query<TenantRecord[]>(
      `INSERT INTO tenants (id, ${fields.columns}) VALUES (${key}, ${fields.values})
       ON CONFLICT (id) DO NOTHING RETURNING ${columns}`,
      sql.params,
    );
    return rows[0];
  }

  /** A tenant not deleted. */
  async find(id: string): Promise<TenantRecord | undefined> {
    const rows = await this.db.query<TenantRecord[]>(
      `SELECT ${columns} FROM tenants WHERE id = $1 AND deleted_at IS NULL`,
      [id],
    );
    return rows[0];
  }

  /** Tenants (not deleted) with a retention of their own (ADR 0028). */
  async withRetention(): Promise<Pick<TenantRecord, 'id' | 'retentionDays'>[]> {
    return await this.db.query(
      `SELECT id, retention_days AS "retentionDays" FROM tenants WHERE retention_days IS NOT NULL AND deleted_at IS NULL`,
    );
  }

  /** Tenants not deleted, oldest first. */
  async list(filter: TenantListFilter): Promise<Sorted<TenantRecord>[]> {
    const sql = new SqlConditions().and('deleted_at IS NULL');
    if (filter.id !== undefined) sql.and(`id = ${sql.param(filter.id)}`);
    sql.after(filter.after, 'created_at, id', 'oldest-first');
    const limit = sql.param(filter.limit);
    return await this.db.query<Sorted<TenantRecord>[]>(
      `SELECT ${columns}, ${exactTime('created_at')} AS "sortKey" FROM tenants ${sql.where()}
       ORDER BY created_at, id LIMIT ${limit}`,
      sql.params,
    );
  }

  async update(id: string, patch: Partial<TenantFields>): Promise<TenantRecord | undefined> {
    const sql = new SqlConditions();
    const assignments = writer.assignments(patch, sql);
    assignments.push('updated_at = now()');
    const [rows] = await this.db.query<UpdateResult<TenantRecord>>(
      `UPDATE tenants SET ${assignments.join(', ')} WHERE id = ${sql.param(id)} AND deleted_at IS NULL
       RETURNING ${columns}`,
      sql.params,
    );
    return rows[0];
  }

  /** Marks the tenant deleted and revokes its keys in one transaction; false when there was none. */
  markDeleted(id: string): Promise<boolean> {
    return this.db.transaction(async (manager) => {
      const [, count] = await manager.query<UpdateResult<unknown>>(
        `UPDATE tenants SET deleted_at = now(), updated_at = now() WHERE id = $1 AND deleted_at IS NULL`,
        [id],
      );
      if (count === 0) return false;
      await new ApiKeysRepository(manager).revokeForTenant(id);
      return true;
    });
  }

  /**
   * Erasure (ADR 0028), in one transaction: every row of the tenant and of its resources, in every
   * table, goes; the tenant's row stays as a tombstone holding only its id (name and metadata
   * wiped), so the id is not reused. Undefined when the tenant never existed. The repositories of
   * other tables are built over the transaction's manager; they take no SecretBox as they only delete.
   */
  erase(id: string): Promise<ErasedRows | undefined> {
    return this.db.transaction(async (manager) => {
      const [, count] = await manager.query<UpdateResult<unknown>>(
        `UPDATE tenants SET name = '', metadata = '{}', branding = NULL, deleted_at = COALESCE(deleted_at, now()), updated_at = now()
         WHERE id = $1`,
        [id],
      );
      if (count === 0) return undefined;
      const endpointsRepo = new EndpointsRepository(manager);
      const sourcesRepo = new SourcesRepository(manager);
      const endpointIds = await endpointsRepo.tenantEndpointIds(id);
      const eventIds = await new EventsRepository(manager).eraseTenant(id);
      const deliveryIds = await new DeliveriesRepository(manager).eraseFor(endpointIds, eventIds);
      await new AttemptsRepository(manager).eraseFor(deliveryIds);
      await new RetriesRepository(manager).eraseFor(endpointIds, deliveryIds);
      await new DeadLettersRepository(manager).eraseFor(endpointIds, eventIds);
      await endpointsRepo.eraseTenant(id);
      const sourceIds = await sourcesRepo.eraseTenant(id);
      await new InboundDedupRepository(manager).eraseFor(sourceIds);
      await new SourceStatsRepository(manager).eraseFor(sourceIds);
      const keyIds = await new ApiKeysRepository(manager).eraseTenant(id);
      await new AuditLogRepository(manager).eraseAbout(id, [
        ...endpointIds,
        ...sourceIds,
        ...eventIds,
        ...deliveryIds,
        ...keyIds,
      ]);
      return {
        endpoints: endpointIds.length,
        sources: sourceIds.length,
        events: eventIds.length,
        deliveries: deliveryIds.length,
        apiKeys: keyIds.length,
      };
    });
  }
}
