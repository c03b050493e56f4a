import {
  columnsOf,
  exactTime,
  FieldWriter,
  idOfTenant,
  SqlConditions,
  type CursorPosition,
  type Database,
  type Sorted,
  type UpdateResult,
} from '../sql';
import {
  sourceRecord,
  type ForwardRuleRow,
  type IngressSourceRow,
  type SourceFields,
  type SourceRecord,
} from './sources.record';

/** A new source: the optional fields may be left out (stored as null). */
export type NewSource = Omit<SourceFields, 'forward' | 'rateLimit' | 'options' | 'tenant'> &
  Partial<SourceFields>;

export interface SourceListFilter {
  provider?: string;
  tenant?: string;
  after?: CursorPosition;
  limit: number;
}

const columns = columnsOf(sourceRecord);

const writer = new FieldWriter<SourceFields>({
  name: '',
  provider: '',
  secrets: '::jsonb',
  toleranceSeconds: '',
  maxBodyBytes: '',
  dedupWindowSeconds: '',
  forward: '::jsonb',
  rateLimit: '::jsonb',
  options: '::jsonb',
  tenant: '',
});

/**
 * The `sources` table. Every write fires the `sources_changed` NOTIFY (a trigger), so the ingress
 * and the router reload their in-memory copies within milliseconds.
 */
export class SourcesRepository {
  constructor(private readonly db: Database) {}

  async insert(id: string, source: NewSource): Promise<SourceRecord> {
    const sql = new SqlConditions();
    const key = sql.param(id);
    const fields = writer.insert(source, sql);
    const rows = await this.db.query<SourceRecord[]>(
      `INSERT INTO sources (id, ${fields.columns}) VALUES (${key}, ${fields.values}) RETURNING ${columns}`,
      sql.params,
    );
    return rows[0];
  }

  /** The source; with `tenant`, only if it is that tenant's (a tenant key's view). */
  async find(id: string, tenant?: string): Promise<SourceRecord | undefined> {
    const sql = idOfTenant(id, tenant);
    const rows = await this.db.query<SourceRecord[]>(
      `SELECT ${columns} FROM sources ${sql.where()}`,
      sql.params,
    );
    return rows[0];
  }

  /** Oldest first, in (created_at, id) order (sources_created_idx). */
  async list(filter: SourceListFilter): Promise<Sorted<SourceRecord>[]> {
    const sql = new SqlConditions();
    if (filter.provider !== undefined) sql.and(`provider = ${sql.param(filter.provider)}`);
    if (filter.tenant !== undefined) sql.and(`tenant = ${sql.param(filter.tenant)}`);
    sql.after(filter.after, 'created_at, id', 'oldest-first');
    const limit = sql.param(filter.limit);
    return await this.db.query<Sorted<SourceRecord>[]>(
      `SELECT ${columns}, ${exactTime('created_at')} AS "sortKey" FROM sources ${sql.where()}
       ORDER BY created_at, id LIMIT ${limit}`,
      sql.params,
    );
  }

  async update(id: string, patch: Partial<SourceFields>, tenant?: string): Promise<SourceRecord | undefined> {
    const sql = new SqlConditions();
    const assignments = [...writer.assignments(patch, sql), 'updated_at = now()'];
    const owner = tenant === undefined ? '' : `AND tenant = ${sql.param(tenant)}`;
    const [rows] = await this.db.query<UpdateResult<SourceRecord>>(
      `UPDATE sources SET ${assignments.join(', ')} WHERE id = ${sql.param(id)} ${owner} RETURNING ${columns}`,
      sql.params,
    );
    return rows[0];
  }

  async delete(id: string, tenant?: string): Promise<boolean> {
    const sql = idOfTenant(id, tenant);
    const [, count] = await this.db.query<UpdateResult<unknown>>(
      `DELETE FROM sources ${sql.where()}`,
      sql.params,
    );
    return count > 0;
  }

  /** Every source, secrets included, as the ingress verifies requests (they stay in its memory, never in logs). */
  async forIngress(): Promise<IngressSourceRow[]> {
    const fields: (keyof IngressSourceRow)[] = [
      'id',
      'provider',
      'secrets',
      'toleranceSeconds',
      'maxBodyBytes',
      'dedupWindowSeconds',
      'options',
      'rateLimit',
    ];
    return await this.db.query<IngressSourceRow[]>(
      `SELECT ${columnsOf(sourceRecord, undefined, fields)} FROM sources`,
    );
  }

  /** Every source's forwarding rule, for the router (no secrets are read). */
  async forwardRules(): Promise<ForwardRuleRow[]> {
    return await this.db.query<ForwardRuleRow[]>(`SELECT id, forward FROM sources`);
  }
}
