import {
  columnsOf,
  exactTime,
  json,
  SqlConditions,
  type CursorPosition,
  type Database,
  type Sorted,
} from '../sql';
import { auditEntryRecord, type AuditEntryRecord, type NewAuditEntry } from './audit-log.record';

export interface AuditLogFilter {
  actor?: string;
  resourceType?: string;
  resourceId?: string;
  tenant?: string;
  since?: Date;
  until?: Date;
  after?: CursorPosition;
  limit: number;
}

const columns = columnsOf(auditEntryRecord).replace(/^id,/, 'id::text AS id,');

/** The `audit_log` table: appended to, never changed. */
export class AuditLogRepository {
  constructor(private readonly db: Database) {}

  async append(entry: NewAuditEntry): Promise<void> {
    await this.db.query(
      `INSERT INTO audit_log (actor, action, resource_type, resource_id, tenant, summary)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
      [entry.actor, entry.action, entry.resourceType, entry.resourceId, entry.tenant, json(entry.summary)],
    );
  }

  /** Newest first. */
  async list(filter: AuditLogFilter): Promise<Sorted<AuditEntryRecord>[]> {
    const sql = new SqlConditions();
    if (filter.actor !== undefined) sql.and(`actor = ${sql.param(filter.actor)}`);
    if (filter.resourceType !== undefined) sql.and(`resource_type = ${sql.param(filter.resourceType)}`);
    if (filter.resourceId !== undefined) sql.and(`resource_id = ${sql.param(filter.resourceId)}`);
    if (filter.tenant !== undefined) sql.and(`tenant = ${sql.param(filter.tenant)}`);
    if (filter.since !== undefined) sql.and(`at >= ${sql.param(filter.since)}`);
    if (filter.until !== undefined) sql.and(`at < ${sql.param(filter.until)}`);
    sql.after(filter.after, 'at, id::text', 'newest-first');
    const limit = sql.param(filter.limit);
    return await this.db.query<Sorted<AuditEntryRecord>[]>(
      `SELECT ${columns}, ${exactTime('at')} AS "sortKey" FROM audit_log ${sql.where()}
       ORDER BY at DESC, id::text DESC LIMIT ${limit}`,
      sql.params,
    );
  }

  /**
   * Erasure (ADR 0028), the one deletion from the log: the entries of the tenant and those about
   * its resources. The erasure's own entry is appended after it.
   */
  async eraseAbout(tenant: string, resourceIds: string[]): Promise<void> {
    await this.db.query(`DELETE FROM audit_log WHERE tenant = $1 OR resource_id = ANY($2::text[])`, [
      tenant,
      resourceIds,
    ]);
  }
}
