import type { SecretBox } from '@gateway/encryption';
import { openedOrUnreadable, SecretColumn } from '../secret-column';
import {
  columnsOf,
  exactTime,
  FieldWriter,
  json,
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

type StoredIngressSource = Omit<IngressSourceRow, 'unreadable'>;

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
 * and the router reload their in-memory copies within milliseconds. `secrets` are encrypted at
 * rest (`sources.secrets:<id>`); callers see plaintext.
 */
export class SourcesRepository {
  private readonly secrets: SecretColumn;

  constructor(
    private readonly db: Database,
    box?: SecretBox,
  ) {
    this.secrets = new SecretColumn(box, 'sources.secrets');
  }

  async insert(id: string, source: NewSource): Promise<SourceRecord> {
    const sql = new SqlConditions();
    const key = sql.param(id);
    const fields = writer.insert({ ...source, secrets: this.sealed(source.secrets, id) }, sql);
    const rows = await this.db.query<SourceRecord[]>(
      `INSERT INTO sources (id, ${fields.columns}) VALUES (${key}, ${fields.values}) RETURNING ${columns}`,
      sql.params,
    );
    return this.opened(rows[0]);
  }

  /** The source; with `tenant`, only if it is that tenant's (a tenant key's view). */
  async find(id: string, tenant?: string): Promise<SourceRecord | undefined> {
    const sql = idOfTenant(id, tenant);
    const rows = await this.db.query<SourceRecord[]>(
      `SELECT ${columns} FROM sources ${sql.where()}`,
      sql.params,
    );
    return rows[0] && this.opened(rows[0]);
  }

  /** Oldest first, in (created_at, id) order (sources_created_idx). */
  async list(filter: SourceListFilter): Promise<Sorted<SourceRecord>[]> {
    const sql = new SqlConditions();
    if (filter.provider !== undefined) sql.and(`provider = ${sql.param(filter.provider)}`);
    if (filter.tenant !== undefined) sql.and(`tenant = ${sql.param(filter.tenant)}`);
    sql.after(filter.after, 'created_at, id', 'oldest-first');
    const limit = sql.param(filter.limit);
    const rows = await this.db.query<Sorted<SourceRecord>[]>(
      `SELECT ${columns}, ${exactTime('created_at')} AS "sortKey" FROM sources ${sql.where()}
       ORDER BY created_at, id LIMIT ${limit}`,
      sql.params,
    );
    return rows.map((row) => this.opened(row));
  }

  async update(id: string, patch: Partial<SourceFields>, tenant?: string): Promise<SourceRecord | undefined> {
    const sql = new SqlConditions();
    const sealed = patch.secrets ? { ...patch, secrets: this.sealed(patch.secrets, id) } : patch;
    const assignments = [...writer.assignments(sealed, sql), 'updated_at = now()'];
    const owner = tenant === undefined ? '' : `AND tenant = ${sql.param(tenant)}`;
    const [rows] = await this.db.query<UpdateResult<SourceRecord>>(
      `UPDATE sources SET ${assignments.join(', ')} WHERE id = ${sql.param(id)} ${owner} RETURNING ${columns}`,
      sql.params,
    );
    return rows[0] && this.opened(rows[0]);
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
    const fields: (keyof StoredIngressSource)[] = [
      'id',
      'provider',
      'secrets',
      'toleranceSeconds',
      'maxBodyBytes',
      'dedupWindowSeconds',
      'options',
      'rateLimit',
    ];
    const rows = await this.db.query<StoredIngressSource[]>(
      `SELECT ${columnsOf(sourceRecord, undefined, fields)} FROM sources`,
    );
    // One row that does not open is marked, never a failed load: the ingress serves every source.
    return rows.map((row) =>
      openedOrUnreadable<IngressSourceRow>(
        () => ({ ...this.opened(row), unreadable: null }),
        (reason) => ({ ...row, secrets: [], unreadable: reason }),
      ),
    );
  }

  /** Every source's forwarding rule, for the router (no secrets are read). */
  async forwardRules(): Promise<ForwardRuleRow[]> {
    return await this.db.query<ForwardRuleRow[]>(`SELECT id, forward, tenant FROM sources`);
  }

  /** Up to `limit` sources' stored (sealed) secrets after `afterId`, in id order, for re-encryption. */
  async storedSecretsAfter(afterId: string, limit: number): Promise<Pick<SourceRecord, 'id' | 'secrets'>[]> {
    return await this.db.query<Pick<SourceRecord, 'id' | 'secrets'>[]>(
      `SELECT id, secrets FROM sources WHERE id > $1 ORDER BY id LIMIT $2`,
      [afterId, limit],
    );
  }

  /** Re-encrypts a source's secrets under the newest key unless they changed since read; true when rewritten. */
  async resealSecrets(row: Pick<SourceRecord, 'id' | 'secrets'>): Promise<boolean> {
    const resealed = row.secrets.map((secret) => this.secrets.reseal(secret, row.id));
    if (resealed.every((secret) => secret === undefined)) return false;
    const next = resealed.map((secret, index) => secret ?? row.secrets[index]);
    const [, count] = await this.db.query<UpdateResult<unknown>>(
      `UPDATE sources SET secrets = $3::jsonb WHERE id = $1 AND secrets = $2::jsonb`,
      [row.id, json(row.secrets), json(next)],
    );
    return count > 0;
  }

  private sealed<S extends string[] | undefined>(secrets: S, id: string): S {
    return secrets?.map((secret) => this.secrets.seal(secret, id)) as S;
  }

  private opened<R extends Pick<SourceRecord, 'id' | 'secrets'>>(row: R): R {
    return { ...row, secrets: row.secrets.map((secret) => this.secrets.open(secret, row.id)) };
  }

  /** Erasure (ADR 0028): deletes the tenant's sources; their ids. */
  async eraseTenant(tenant: string): Promise<string[]> {
    const [rows] = await this.db.query<UpdateResult<{ id: string }>>(
      `DELETE FROM sources WHERE tenant = $1 RETURNING id`,
      [tenant],
    );
    return rows.map((row) => row.id);
  }
}
