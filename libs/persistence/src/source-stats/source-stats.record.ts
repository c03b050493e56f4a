import { z } from 'zod';

/** A `source_stats` row: what the ingress made of one source's requests in one minute (ADR 0030). */
export const sourceStatsRecord = z.object({
  sourceId: z.string(),
  /** The minute's start. */
  minute: z.date(),
  verified: z.number().int().describe('Requests whose signature verified, first copies.'),
  duplicates: z.number().int().describe('Verified copies of an inbound webhook already accepted.'),
  refused: z.number().int().describe('Requests not accepted (bad signature, too large, rate-limited, ...).'),
  refusedByReason: z.record(z.string(), z.number().int()),
});
export type SourceStatsRecord = z.infer<typeof sourceStatsRecord>;

/** Counts to add to a (source, minute) row. */
export type SourceStatsDelta = Omit<SourceStatsRecord, 'minute'> & { minute: number };

/** One bucket of a source's stats, as the API answers it. */
export type SourceStatsBucket = Omit<SourceStatsRecord, 'sourceId' | 'minute'> & { start: Date };
