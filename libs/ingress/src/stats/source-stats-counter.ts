import type { SourceStatsDelta } from '@gateway/persistence';
import type { IngressOutcome } from '../http/outcome';

/** (source, minute) rows kept while the database is away; beyond them new counts are dropped. */
const MAX_ROWS = 10_000;
const MINUTE_MS = 60_000;

/**
 * What a request counts as in a source's stats: verified, a duplicate, or refused with its reason
 * (the signature's reason, or the outcome: too-large, rate-limited, kafka-unavailable, ...).
 * Handshakes are neither; an unknown source has no stats.
 */
export function statsKindOf(
  outcome: IngressOutcome,
): { kind: 'verified' | 'duplicate' } | { kind: 'refused'; reason: string } | undefined {
  switch (outcome.kind) {
    case 'accepted':
      return { kind: 'verified' };
    case 'duplicate':
      return { kind: 'duplicate' };
    case 'handshake':
    case 'not-found':
      return undefined;
    case 'unauthorized':
      return { kind: 'refused', reason: outcome.reason };
    case 'unsupported-media-type':
    case 'too-large':
    case 'body-timeout':
    case 'rate-limited':
    case 'overloaded':
    case 'kafka-unavailable':
    case 'misconfigured':
    case 'source-unreadable':
    case 'error':
      return { kind: 'refused', reason: outcome.kind };
  }
}

/**
 * Per-source, per-minute request counters kept in memory (ADR 0030): `note` is a map update on the
 * request path, `take` hands the rows to one batched upsert every few seconds. Best-effort: rows a
 * failed upsert gives back are kept up to MAX_ROWS, and lost if the process ends first.
 */
export class SourceStatsCounter {
  private rows = new Map<string, SourceStatsDelta>();

  note(sourceId: string, outcome: IngressOutcome, now: number): void {
    const kind = statsKindOf(outcome);
    if (!kind) return;
    const minute = now - (now % MINUTE_MS);
    const row = this.row(sourceId, minute);
    if (!row) return;
    if (kind.kind === 'refused') {
      row.refused++;
      row.refusedByReason[kind.reason] = (row.refusedByReason[kind.reason] ?? 0) + 1;
    } else if (kind.kind === 'verified') row.verified++;
    else row.duplicates++;
  }

  /** Every row counted since the last take; the counters start again from nothing. */
  take(): SourceStatsDelta[] {
    const rows = [...this.rows.values()];
    this.rows = new Map();
    return rows;
  }

  /** Adds back rows an upsert could not write (they go with the next one). */
  giveBack(rows: SourceStatsDelta[]): void {
    for (const back of rows) {
      const row = this.row(back.sourceId, back.minute);
      if (!row) return;
      row.verified += back.verified;
      row.duplicates += back.duplicates;
      row.refused += back.refused;
      for (const [reason, count] of Object.entries(back.refusedByReason)) {
        row.refusedByReason[reason] = (row.refusedByReason[reason] ?? 0) + count;
      }
    }
  }

  private row(sourceId: string, minute: number): SourceStatsDelta | undefined {
    const key = `${sourceId}\u0000${minute}`;
    let row = this.rows.get(key);
    if (!row) {
      if (this.rows.size >= MAX_ROWS) return undefined;
      row = { sourceId, minute, verified: 0, duplicates: 0, refused: 0, refusedByReason: {} };
      this.rows.set(key, row);
    }
    return row;
  }
}
