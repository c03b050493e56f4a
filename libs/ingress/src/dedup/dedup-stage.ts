import { metrics } from '@gateway/observability';
import type { InboundMessage } from '@gateway/schemas';
import { dedupKeysOf } from './dedup-key';
import { claimRef, type DedupClaim, type DedupRef } from '@gateway/persistence';

export interface JournalEntry {
  message: InboundMessage;
  traceparent: string | undefined;
}

export interface DedupPorts {
  claim(claims: DedupClaim[]): Promise<Set<string>>;
  /** Publishes to the inbound topic; resolves on the Kafka ack. */
  publish(entries: JournalEntry[]): Promise<void>;
  markPublished(refs: DedupRef[]): Promise<void>;
  /** The source's dedup window (0: no dedup); a deleted source gets the default. */
  windowSeconds(sourceId: string): number;
}

/**
 * How the dedup consumer gathers its journal batches: every batch costs it a claim, a produce and a
 * mark, so after a batch of fewer than 32 webhooks that caught up with the journal it waits
 * `waitMs` before the next fetch (ADR 0006). 0: no wait.
 */
export function journalGather(waitMs: number): { belowBatch: number; waitMs: number } | undefined {
  return waitMs > 0 ? { belowBatch: 32, waitMs } : undefined;
}

const keysOf = (message: InboundMessage): string[] =>
  dedupKeysOf(
    message.provider,
    message.providerEventId,
    Buffer.from(message.bodyBase64, 'base64'),
    message.contentType,
  );

/**
 * The step between the ingress journal and the inbound topic that makes "published once" hold
 * across replicas. Every copy of one event has the same source, so the same journal partition,
 * so one consumer sees them in order; the claim table carries that knowledge across restarts and
 * rebalances. Per batch: drop in-batch copies, claim in one statement, publish the winners, mark
 * them published. A failure anywhere rejects, and the batch is consumed again.
 */
export class DedupStage {
  constructor(private readonly ports: DedupPorts) {}

  async handle(entries: JournalEntry[]): Promise<void> {
    // Each message's claims: one per dedup key (two where the provider's id is unsigned); none
    // without a window. It wins only with every one of them.
    const candidates: { entry: JournalEntry; claims: DedupClaim[] }[] = [];
    const seen = new Set<string>();
    let duplicates = 0;
    for (const entry of entries) {
      const { message } = entry;
      const window = this.ports.windowSeconds(message.sourceId);
      if (window <= 0) {
        candidates.push({ entry, claims: [] });
        continue;
      }
      const refs = keysOf(message).map((dedupKey) => ({ sourceId: message.sourceId, dedupKey }));
      if (refs.some((ref) => seen.has(claimRef(ref)))) {
        duplicates++;
        continue;
      }
      for (const ref of refs) seen.add(claimRef(ref));
      const receivedMs = Date.parse(message.receivedAt);
      const expiresAt = new Date(receivedMs + window * 1000).toISOString();
      candidates.push({
        entry,
        claims: refs.map((ref) => ({
          ...ref,
          inboundId: message.id,
          receivedAt: message.receivedAt,
          expiresAt,
        })),
      });
    }
    const won = await this.ports.claim(candidates.flatMap((candidate) => candidate.claims));
    const winners = candidates.filter((candidate) =>
      candidate.claims.every((claim) => won.has(claimRef(claim))),
    );
    duplicates += candidates.length - winners.length;
    if (winners.length > 0) await this.ports.publish(winners.map((winner) => winner.entry));
    const marked = winners.flatMap((winner) => winner.claims);
    await this.ports.markPublished(marked.map(({ sourceId, dedupKey }) => ({ sourceId, dedupKey })));
    if (winners.length > 0) metrics.inboundDedup.inc({ outcome: 'published' }, winners.length);
    if (duplicates > 0) metrics.inboundDedup.inc({ outcome: 'duplicate' }, duplicates);
  }
}
