import type { DataSource } from '@gateway/persistence';

/** The `endpoint_secrets` table. The dispatcher signs with every secret not yet expired. */
export class SecretStore {
  constructor(private readonly dataSource: DataSource) {}

  /** The newest secret of an endpoint; undefined when the endpoint has none (or does not exist). */
  async newest(endpointId: string): Promise<string | undefined> {
    const rows = await this.dataSource.query<{ key: string }[]>(
      `SELECT key FROM endpoint_secrets WHERE endpoint_id = $1 ORDER BY id DESC LIMIT 1`,
      [endpointId],
    );
    return rows[0]?.key;
  }

  /**
   * Adds `key` as the newest secret and lets every other live one expire `overlapSeconds` from now
   * (one that already expires sooner keeps its time). Secrets expired before are deleted, so old
   * key material does not pile up. False when the endpoint does not exist.
   */
  rotate(endpointId: string, key: string, overlapSeconds: number): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      // Locks the endpoint so two concurrent rotations apply one after the other.
      const found = await manager.query<unknown[]>(`SELECT id FROM endpoints WHERE id = $1 FOR UPDATE`, [
        endpointId,
      ]);
      if (found.length === 0) return false;
      await manager.query(`DELETE FROM endpoint_secrets WHERE endpoint_id = $1 AND expires_at <= now()`, [
        endpointId,
      ]);
      await manager.query(
        `UPDATE endpoint_secrets SET expires_at = now() + make_interval(secs => $2)
         WHERE endpoint_id = $1 AND (expires_at IS NULL OR expires_at > now() + make_interval(secs => $2))`,
        [endpointId, overlapSeconds],
      );
      await manager.query(`INSERT INTO endpoint_secrets (endpoint_id, key) VALUES ($1, $2)`, [
        endpointId,
        key,
      ]);
      return true;
    });
  }
}
