import { z } from 'zod';

/** An `inbound_dedup` row: a claim on a provider's event id within a source's dedup window. */
export const inboundDedupRecord = z.object({
  sourceId: z.string(),
  dedupKey: z.string(),
  inboundId: z.string(),
  firstSeenAt: z.date(),
  expiresAt: z.date(),
  /** Set once Kafka acknowledged the claim's inbound webhook: later copies are duplicates. */
  publishedAt: z.date().nullable(),
});
export type InboundDedupRecord = z.infer<typeof inboundDedupRecord>;

/** A claim's key. */
export type DedupRef = Pick<InboundDedupRecord, 'sourceId' | 'dedupKey'>;

/** A claim to make: its window starts when the copy was received (ISO text, as the journal has it). */
export type DedupClaim = Pick<InboundDedupRecord, 'sourceId' | 'dedupKey' | 'inboundId'> & {
  receivedAt: string;
  expiresAt: string;
};

/** A claim's key as one string (what `claim` answers with). */
export const claimRef = (ref: DedupRef): string => `${ref.sourceId}\n${ref.dedupKey}`;
