import { stringifyJson } from '@gateway/schemas';
import type { Database, UpdateResult } from '../sql';
import type { SourceStatsBucket, SourceStatsDelta } from './source-stats.record';

/** A window of buckets: `[since, until)` in `bucketSeconds` steps, aligned on `since`. */
export interface StatsWindow {
  since: Date;
  until: Date;
  bucketSeconds: number;
}

/**
 * The `source_stats` table: the ingress adds its in-memory counters in one upsert every few
 * seconds (best-effort, ADR 0030); the API reads them in buckets.
 */
export class SourceStatsRepository {
  constructor(private readonly db: Database) {}

  /** Adds the counts to their (source, minute) rows, in one statement; reasons are summed key by key. */
  async add(deltas: SourceStatsDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    await this.db.query(
      `INSERT INTO source_stats AS s (source_id, minute, verified, duplicates, refused, refused_by_reason)
       SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::int[], $4::int[], $5::int[], $6::jsonb[])
       ON CONFLICT (source_id, minute) DO UPDATE SET
         verified = s.verified + EXCLUDED.verified,
         duplicates = s.duplicates + EXCLUDED.duplicates,
         refused = s.refused + EXCLUDED.refused,
         refused_by_reason = COALESCE(
           (SELECT jsonb_object_agg(key, total) FROM (
              SELECT key, sum(value::int) AS total
              FROM (SELECT * FROM jsonb_each_text(s.refused_by_reason)
                    UNION ALL SELECT * FROM jsonb_each_text(EXCLUDED.refused_by_reason)) AS both_sides
              GROUP BY key) AS summed),
           '{}'::jsonb)`,
      [
        deltas.map((row) => row.sourceId),
        deltas.map((row) => new Date(row.minute).toISOString()),
        deltas.map((row) => row.verified),
        deltas.map((row) => row.duplicates),
        deltas.map((row) => row.refused),
        deltas.map((row) => stringifyJson(row.refusedByReason)),
      ],
    );
  }

  /** The source's non-empty buckets of the window, oldest first (the primary key serves the range). */
  async buckets(sourceId: string, window: StatsWindow): Promise<SourceStatsBucket[]> {
    return await this.db.query<SourceStatsBucket[]>(
      `WITH binned AS (
         SELECT date_bin($4 * interval '1 second', minute, $2::timestamptz) AS start, verified, duplicates, refused,
                refused_by_reason
         FROM source_stats WHERE source_id = $1 AND minute >= $2::timestamptz AND minute < $3::timestamptz
       ), reasons AS (
         SELECT start, r.key, sum(r.value::int)::int AS n FROM binned, jsonb_each_text(refused_by_reason) AS r
         GROUP BY start, r.key
       )
       SELECT b.start, sum(b.verified)::int AS verified, sum(b.duplicates)::int AS duplicates,
              sum(b.refused)::int AS refused,
              COALESCE((SELECT jsonb_object_agg(key, n) FROM reasons WHERE reasons.start = b.start), '{}'::jsonb)
                AS "refusedByReason"
       FROM binned b GROUP BY b.start ORDER BY b.start`,
      [sourceId, window.since.toISOString(), window.until.toISOString(), window.bucketSeconds],
    );
  }

  /** Retention: deletes at most `limit` rows of minutes before `cutoff` (source_stats_minute_idx); how many. */
  async expire(cutoff: Date, limit: number): Promise<number> {
    const [, count] = await this.db.query<UpdateResult<unknown>>(
      `DELETE FROM source_stats WHERE (source_id, minute) IN
         (SELECT source_id, minute FROM source_stats WHERE minute < $1 ORDER BY minute LIMIT $2)`,
      [cutoff.toISOString(), limit],
    );
    return count;
  }

  /** Erasure (ADR 0028): the counters of these sources. */
  async eraseFor(sourceIds: string[]): Promise<void> {
    await this.db.query(`DELETE FROM source_stats WHERE source_id = ANY($1::text[])`, [sourceIds]);
  }
}
