import type { SecretBox } from '@gateway/encryption';
import { EndpointSecretsRepository } from '../endpoint-secrets/endpoint-secrets.repository';
import { openedOrUnreadable, SecretColumn } from '../secret-column';
import {
  columnsOf,
  containing,
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
  endpointRecord,
  type EndpointFields,
  type EndpointRecord,
  type EndpointTargetRow,
  type SubscriptionRow,
} from './endpoints.record';

/** A new endpoint: the optional fields (and one of `url` and `destination`) may be left out (stored as null). */
export type NewEndpoint = Pick<EndpointFields, 'eventTypes' | 'ordered' | 'headers' | 'enabled'> &
  Partial<EndpointFields>;

export interface EndpointListFilter {
  tenant?: string;
  enabled?: boolean;
  /** Only endpoints whose id, url or description contains this text (any case). */
  search?: string;
  after?: CursorPosition;
  limit: number;
}

const columns = columnsOf(endpointRecord);

/** The columns of an endpoint that hold secrets, as stored. */
export type StoredEndpointSecrets = Pick<EndpointRecord, 'id' | 'headers' | 'destination'>;

/** The destination with its SASL password (a Kafka destination's one secret) mapped, if it has one. */
function withPassword(destination: unknown, map: (password: string) => string): unknown {
  const sasl = (destination as { sasl?: { password?: unknown } } | null | undefined)?.sasl;
  if (typeof sasl?.password !== 'string') return destination;
  return { ...(destination as object), sasl: { ...sasl, password: map(sasl.password) } };
}

const writer = new FieldWriter<EndpointFields>({
  url: '',
  destination: '::jsonb',
  description: '',
  eventTypes: '::text[]',
  filter: '::jsonb',
  tenant: '',
  ordered: '',
  retryPolicy: '::jsonb',
  rateLimit: '::jsonb',
  headers: '::jsonb',
  enabled: '',
});

/**
 * The `endpoints` table. Every write fires the `endpoints_changed` NOTIFY (a trigger), so the
 * router's subscriptions and the dispatcher's targets reload within milliseconds. Custom-header
 * values (`endpoints.headers:<id>:<name>`) and a Kafka destination's SASL password
 * (`endpoints.destination:<id>`) are encrypted at rest; callers see plaintext.
 */
export class EndpointsRepository {
  private readonly headers: SecretColumn;
  private readonly passwords: SecretColumn;

  constructor(
    private readonly db: Database,
    private readonly box?: SecretBox,
  ) {
    this.headers = new SecretColumn(box, 'endpoints.headers');
    this.passwords = new SecretColumn(box, 'endpoints.destination');
  }

  /** Inserts the endpoint and its first signing secret in one transaction. */
  insert(id: string, endpoint: NewEndpoint, secret: string): Promise<EndpointRecord> {
    return this.db.transaction(async (manager) => {
      const sql = new SqlConditions();
      const key = sql.param(id);
      const fields = writer.insert(this.sealed(endpoint, id), sql);
      const rows = await manager.query<EndpointRecord[]>(
        `INSERT INTO endpoints (id, ${fields.columns}) VALUES (${key}, ${fields.values}) RETURNING ${columns}`,
        sql.params,
      );
      await new EndpointSecretsRepository(manager, this.box).add(id, secret);
      return this.opened(rows[0]);
    });
  }

  /**
   * Adds `key` as the newest secret and lets every other live one expire `overlapSeconds` from
   * now; deletes those expired before. The endpoint's row is locked meanwhile, so two rotations
   * apply one after the other. False when the endpoint does not exist.
   */
  rotateSecret(id: string, key: string, overlapSeconds: number): Promise<boolean> {
    return this.db.transaction(async (manager) => {
      const found = await manager.query<unknown[]>(`SELECT id FROM endpoints WHERE id = $1 FOR UPDATE`, [id]);
      if (found.length === 0) return false;
      const secrets = new EndpointSecretsRepository(manager, this.box);
      await secrets.deleteExpired(id);
      await secrets.expireWithin(id, overlapSeconds);
      await secrets.add(id, key);
      return true;
    });
  }

  /** The endpoint; with `tenant`, only if it is that tenant's (a tenant key's view). */
  async find(id: string, tenant?: string): Promise<EndpointRecord | undefined> {
    const sql = idOfTenant(id, tenant);
    const rows = await this.db.query<EndpointRecord[]>(
      `SELECT ${columns} FROM endpoints ${sql.where()}`,
      sql.params,
    );
    return rows[0] && this.opened(rows[0]);
  }

  /** The ids of a tenant's endpoints (deleting the tenant disables each). */
  async tenantEndpointIds(tenant: string): Promise<string[]> {
    const rows = await this.db.query<{ id: string }[]>(`SELECT id FROM endpoints WHERE tenant = $1`, [
      tenant,
    ]);
    return rows.map((row) => row.id);
  }

  /** With `tenant`: only an endpoint of that tenant. */
  async exists(id: string, tenant?: string): Promise<boolean> {
    const sql = idOfTenant(id, tenant);
    return (await this.db.query<unknown[]>(`SELECT 1 FROM endpoints ${sql.where()}`, sql.params)).length > 0;
  }

  /** Oldest first, in (created_at, id) order, which the endpoints_created_idx index serves. */
  async list(filter: EndpointListFilter): Promise<Sorted<EndpointRecord>[]> {
    const sql = new SqlConditions();
    if (filter.tenant !== undefined) sql.and(`tenant = ${sql.param(filter.tenant)}`);
    if (filter.enabled !== undefined) sql.and(`enabled = ${sql.param(filter.enabled)}`);
    if (filter.search !== undefined) {
      const pattern = sql.param(containing(filter.search));
      sql.and(`(id ILIKE ${pattern} OR url ILIKE ${pattern} OR description ILIKE ${pattern})`);
    }
    sql.after(filter.after, 'created_at, id', 'oldest-first');
    const limit = sql.param(filter.limit);
    const rows = await this.db.query<Sorted<EndpointRecord>[]>(
      `SELECT ${columns}, ${exactTime('created_at')} AS "sortKey" FROM endpoints ${sql.where()}
       ORDER BY created_at, id LIMIT ${limit}`,
      sql.params,
    );
    return rows.map((row) => this.opened(row));
  }

  /** Writes the given fields; re-enabling clears the reason the gateway disabled it for. */
  async update(
    id: string,
    patch: Partial<EndpointFields>,
    tenant?: string,
  ): Promise<EndpointRecord | undefined> {
    const sql = new SqlConditions();
    const assignments = writer.assignments(this.sealed(patch, id), sql);
    if (patch.enabled === true) assignments.push('disabled_reason = NULL');
    // One target: a new URL replaces the destination, a new destination the URL.
    if (patch.url !== undefined && patch.destination === undefined) assignments.push('destination = NULL');
    if (patch.destination && patch.url === undefined) assignments.push('url = NULL');
    assignments.push('updated_at = now()');
    const [rows] = await this.db.query<UpdateResult<EndpointRecord>>(
      `UPDATE endpoints SET ${assignments.join(', ')} WHERE id = ${sql.param(id)}
       ${tenant === undefined ? '' : `AND tenant = ${sql.param(tenant)}`} RETURNING ${columns}`,
      sql.params,
    );
    return rows[0] && this.opened(rows[0]);
  }

  /** Deletes the endpoint (of `tenant` when given; its secrets go with it); false when there was none. */
  async delete(id: string, tenant?: string): Promise<boolean> {
    const sql = idOfTenant(id, tenant);
    const [, count] = await this.db.query<UpdateResult<unknown>>(
      `DELETE FROM endpoints ${sql.where()}`,
      sql.params,
    );
    return count > 0;
  }

  /** Disables the endpoint (410 Gone, a long outage), keeping why. */
  async disable(id: string, reason: string): Promise<void> {
    await this.db.query(
      `UPDATE endpoints SET enabled = false, disabled_reason = $2, updated_at = now() WHERE id = $1`,
      [id, reason],
    );
  }

  /** Marks the endpoint failing since now (kept if already failing), or healthy again (null). */
  async setFailing(id: string, failing: boolean): Promise<void> {
    await this.db.query(
      failing
        ? `UPDATE endpoints SET failing_since = COALESCE(failing_since, now()) WHERE id = $1 AND failing_since IS NULL`
        : `UPDATE endpoints SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL`,
      [id],
    );
  }

  /** Every endpoint's subscription (the router and a replay match events against them). */
  async subscriptions(): Promise<SubscriptionRow[]> {
    return await this.db.query<SubscriptionRow[]>(
      `SELECT ${columnsOf(endpointRecord, undefined, ['id', 'eventTypes', 'filter', 'tenant', 'enabled'])} FROM endpoints`,
    );
  }

  /**
   * Every endpoint the dispatcher can send to, with its signing secrets not yet expired; headers
   * and secrets opened here, once per load of the dispatcher's view, never per delivery.
   */
  async targets(): Promise<EndpointTargetRow[]> {
    const fields = columnsOf(endpointRecord, 'e', [
      'id',
      'url',
      'destination',
      'headers',
      'ordered',
      'enabled',
      'rateLimit',
      'retryPolicy',
    ]);
    const rows = await this.db.query<Omit<EndpointTargetRow, 'unreadable'>[]>(`
      SELECT ${fields}, ${exactTime('e.failing_since')} AS "failingSince",
             COALESCE(json_agg(json_build_object('key', s.key, 'expiresAt', s.expires_at) ORDER BY s.created_at DESC, s.id DESC)
               FILTER (WHERE s.key IS NOT NULL), '[]') AS secrets
      FROM endpoints e
      LEFT JOIN endpoint_secrets s ON s.endpoint_id = e.id AND (s.expires_at IS NULL OR s.expires_at > now())
      GROUP BY e.id`);
    const secrets = new EndpointSecretsRepository(this.db, this.box);
    // One row that does not open is marked, never a failed load: the view serves every endpoint.
    return rows.map((row) =>
      openedOrUnreadable<EndpointTargetRow>(
        () => ({
          ...this.opened(row),
          secrets: row.secrets.map((secret) => ({ ...secret, key: secrets.openKey(secret.key, row.id) })),
          unreadable: null,
        }),
        (reason) => ({ ...row, headers: {}, secrets: [], unreadable: reason }),
      ),
    );
  }

  /** Up to `limit` endpoints' stored (sealed) secrets after `afterId`, in id order, for re-encryption. */
  async storedSecretsAfter(afterId: string, limit: number): Promise<StoredEndpointSecrets[]> {
    return await this.db.query<StoredEndpointSecrets[]>(
      `SELECT id, headers, destination FROM endpoints WHERE id > $1 ORDER BY id LIMIT $2`,
      [afterId, limit],
    );
  }

  /**
   * Re-encrypts an endpoint's header values and destination password under the newest key unless
   * they changed since read (compare and swap); true when rewritten.
   */
  async resealSecrets(row: StoredEndpointSecrets): Promise<boolean> {
    const headers = this.headers.resealMap(row.headers, row.id);
    let resealedPassword = false;
    const destination = withPassword(row.destination, (password) => {
      const next = this.passwords.reseal(password, row.id);
      resealedPassword ||= next !== undefined;
      return next ?? password;
    });
    if (headers === undefined && !resealedPassword) return false;
    const [, count] = await this.db.query<UpdateResult<unknown>>(
      `UPDATE endpoints SET headers = $4::jsonb, destination = $5::jsonb
       WHERE id = $1 AND headers = $2::jsonb AND destination IS NOT DISTINCT FROM $3::jsonb`,
      [row.id, json(row.headers), json(row.destination), json(headers ?? row.headers), json(destination)],
    );
    return count > 0;
  }

  /** Fields about to be written, their secrets sealed. */
  private sealed<F extends Partial<Pick<EndpointFields, 'headers' | 'destination'>>>(
    fields: F,
    id: string,
  ): F {
    return {
      ...fields,
      ...(fields.headers && { headers: this.headers.sealMap(fields.headers, id) }),
      ...(fields.destination !== undefined && {
        destination: withPassword(fields.destination, (password) => this.passwords.seal(password, id)),
      }),
    };
  }

  /** A row as read, its secrets opened. */
  private opened<R extends StoredEndpointSecrets>(row: R): R {
    return {
      ...row,
      headers: this.headers.openMap(row.headers, row.id),
      destination: withPassword(row.destination, (password) => this.passwords.open(password, row.id)),
    };
  }

  /** Erasure (ADR 0028): deletes the tenant's endpoints (their secrets go with them); their ids. */
  async eraseTenant(tenant: string): Promise<string[]> {
    const [rows] = await this.db.query<UpdateResult<{ id: string }>>(
      `DELETE FROM endpoints WHERE tenant = $1 RETURNING id`,
      [tenant],
    );
    return rows.map((row) => row.id);
  }
}
