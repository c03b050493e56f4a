import type { Database } from '../sql';

/**
 * The `endpoint_secrets` table. Its writes fire `endpoints_changed` too (the dispatcher's targets
 * carry the secrets). A rotation runs these statements in the endpoint's transaction
 * (EndpointsRepository.rotateSecret).
 */
export class EndpointSecretsRepository {
  constructor(private readonly db: Database) {}

  /** Adds `key` as the endpoint's newest secret. */
  async add(endpointId: string, key: string): Promise<void> {
    await this.db.query(`INSERT INTO endpoint_secrets (endpoint_id, key) VALUES ($1, $2)`, [endpointId, key]);
  }

  /** The newest secret of an endpoint; undefined when the endpoint has none (or does not exist). */
  async newest(endpointId: string): Promise<string | undefined> {
    const rows = await this.db.query<{ key: string }[]>(
      `SELECT key FROM endpoint_secrets WHERE endpoint_id = $1 ORDER BY id DESC LIMIT 1`,
      [endpointId],
    );
    return rows[0]?.key;
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
}
