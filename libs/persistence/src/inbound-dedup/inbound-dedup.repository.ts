import type { Database, UpdateResult } from '../sql';
import { claimRef, type DedupClaim, type DedupRef } from './inbound-dedup.record';

/** The `inbound_dedup` table, written in batches by the ingress's journal consumer (never on the request path). */
export class InboundDedupRepository {
  constructor(private readonly db: Database) {}

  /**
   * Claims keys, one statement per batch. A claim is won by a new key, by a key whose window
   * ended, and by a key claimed before but never marked published (its batch failed or the
   * process died before the mark: publishing again is the at-least-once side of the trade).
   * Returns the won refs (see claimRef).
   */
  async claim(claims: DedupClaim[]): Promise<Set<string>> {
    if (claims.length === 0) return new Set();
    const rows = await this.db.query<DedupRef[]>(
      `INSERT INTO inbound_dedup (source_id, dedup_key, inbound_id, first_seen_at, expires_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[])
       ON CONFLICT (source_id, dedup_key) DO UPDATE
         SET inbound_id = EXCLUDED.inbound_id, first_seen_at = EXCLUDED.first_seen_at,
             expires_at = EXCLUDED.expires_at, published_at = NULL
         WHERE inbound_dedup.published_at IS NULL OR inbound_dedup.expires_at <= EXCLUDED.first_seen_at
       RETURNING source_id AS "sourceId", dedup_key AS "dedupKey"`,
      [
        claims.map((claim) => claim.sourceId),
        claims.map((claim) => claim.dedupKey),
        claims.map((claim) => claim.inboundId),
        claims.map((claim) => claim.receivedAt),
        claims.map((claim) => claim.expiresAt),
      ],
    );
    return new Set(rows.map(claimRef));
  }

  /** Marks claims whose inbound webhooks Kafka acknowledged: later copies are duplicates. */
  async markPublished(refs: DedupRef[]): Promise<void> {
    if (refs.length === 0) return;
    await this.db.query(
      `UPDATE inbound_dedup SET published_at = now()
       FROM unnest($1::text[], $2::text[]) AS t(source_id, dedup_key)
       WHERE inbound_dedup.source_id = t.source_id AND inbound_dedup.dedup_key = t.dedup_key`,
      [refs.map((ref) => ref.sourceId), refs.map((ref) => ref.dedupKey)],
    );
  }

  /** Deletes up to `limit` claims whose window ended over an hour ago; returns how many. */
  async purgeExpired(limit = 10_000): Promise<number> {
    const [, count] = await this.db.query<UpdateResult<unknown>>(
      `DELETE FROM inbound_dedup WHERE (source_id, dedup_key) IN (
         SELECT source_id, dedup_key FROM inbound_dedup WHERE expires_at < now() - interval '1 hour' LIMIT $1)`,
      [limit],
    );
    return count;
  }

  /** Erasure (ADR 0028): deletes the dedup keys of these sources. */
  async eraseFor(sourceIds: string[]): Promise<void> {
    await this.db.query(`DELETE FROM inbound_dedup WHERE source_id = ANY($1::text[])`, [sourceIds]);
  }
}
