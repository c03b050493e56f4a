import type { SecretBox } from '@gateway/encryption';
import { SecretColumn } from '../secret-column';
import type { Database, UpdateResult } from '../sql';

/** A stored secret as re-encryption reads it: sealed (or a plaintext from before encryption). */
export interface StoredEndpointSecret {
  id: string;
  endpointId: string;
  key: string;
}

/**
 * The `endpoint_secrets` table. Its writes fire `endpoints_changed` too (the dispatcher's targets
 * carry the secrets). A rotation runs these statements in the endpoint's transaction
 * (EndpointsRepository.rotateSecret). `key` is encrypted at rest (`endpoint_secrets.key:<endpointId>`).
 */
export class EndpointSecretsRepository {
  private readonly keys: SecretColumn;

  constructor(
    private readonly db: Database,
    box?: SecretBox,
  ) {
    this.keys = new SecretColumn(box, 'endpoint_secrets.key');
  }

  /** Opens a stored key of the endpoint (the endpoint view opens its secrets with this). */
  openKey(stored: string, endpointId: string): string {
    return this.keys.open(stored, endpointId);
  }

  /** Adds `key` as the endpoint's newest secret. */
  async add(endpointId: string, key: string): Promise<void> {
    await this.db.query(`INSERT INTO endpoint_secrets (endpoint_id, key) VALUES ($1, $2)`, [
      endpointId,
      this.keys.seal(key, endpointId),
    ]);
  }

  /** The newest secret of an endpoint; undefined when the endpoint has none (or does not exist). */
  async newest(endpointId: string): Promise<string | undefined> {
    const rows = await this.db.query<{ key: string }[]>(
      `SELECT key FROM endpoint_secrets WHERE endpoint_id = $1 ORDER BY id DESC LIMIT 1`,
      [endpointId],
    );
    return rows[0] && this.keys.open(rows[0].key, endpointId);
  }

  /** Deletes the endpoint's secrets that have expired, so old key material does not pile up. */
  async deleteExpired(endpointId: string): Promise<void> {
    await this.db.query(`DELETE FROM endpoint_secrets WHERE endpoint_id = $1 AND expires_at <= now()`, [
      endpointId,
    ]);
  }

  /** Lets every live secret of the endpoint expire `seconds` from now (one expiring sooner keeps its time). */
  async expireWithin(endpointId: string, seconds: number): Promise<void> {
    await this.db.query(
      `UPDATE endpoint_secrets SET expires_at = now() + make_interval(secs => $2)
       WHERE endpoint_id = $1 AND (expires_at IS NULL OR expires_at > now() + make_interval(secs => $2))`,
      [endpointId, seconds],
    );
  }

  /** Up to `limit` stored secrets after id `afterId` (bigserial as text), in id order. */
  async storedAfter(afterId: string, limit: number): Promise<StoredEndpointSecret[]> {
    return await this.db.query<StoredEndpointSecret[]>(
      `SELECT id, endpoint_id AS "endpointId", key FROM endpoint_secrets WHERE id > $1 ORDER BY id LIMIT $2`,
      [afterId, limit],
    );
  }

  /**
   * Re-encrypts one stored secret under the newest key, unless it already is or it changed since
   * it was read (compare and swap). True when it was rewritten.
   */
  async reseal(row: StoredEndpointSecret): Promise<boolean> {
    const next = this.keys.reseal(row.key, row.endpointId);
    if (next === undefined) return false;
    const [, count] = await this.db.query<UpdateResult<unknown>>(
      `UPDATE endpoint_secrets SET key = $3 WHERE id = $1 AND key = $2`,
      [row.id, row.key, next],
    );
    return count > 0;
  }
}
