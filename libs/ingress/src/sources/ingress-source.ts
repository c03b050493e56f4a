import type { IngressSourceRow } from '@gateway/persistence';
import { providerKeySchema, type InboundSettings, type ProviderKey } from '@gateway/signing';
import { MAX_BODY_BYTES_LIMIT } from './source-limits';

/**
 * A source's rate limit: `perSecond` sustained requests (per ingress process), `burst` at once
 * after a quiet spell (default one second's worth).
 */
export type RateLimit = NonNullable<IngressSourceRow['rateLimit']>;

/** A source ready for the request path: everything a request needs, computed once per reload. */
export interface IngressSource {
  id: string;
  provider: ProviderKey;
  settings: InboundSettings;
  maxBodyBytes: number;
  dedupWindowSeconds: number;
  rateLimit: RateLimit | null;
  /** Why its stored secrets do not open (ADR 0027): requests get 503 until fixed; null when readable. */
  unreadable: string | null;
}

/** null for a row naming a provider this build does not know (it answers 404 rather than guess). */
export function toIngressSource(row: IngressSourceRow): IngressSource | null {
  const provider = providerKeySchema.safeParse(row.provider);
  if (!provider.success) return null;
  return {
    id: row.id,
    provider: provider.data,
    settings: {
      secrets: row.secrets,
      toleranceSeconds: row.toleranceSeconds,
      ...(row.options ? { options: row.options } : {}),
    },
    maxBodyBytes: Math.min(row.maxBodyBytes, MAX_BODY_BYTES_LIMIT),
    dedupWindowSeconds: row.dedupWindowSeconds,
    rateLimit: row.rateLimit,
    unreadable: row.unreadable,
  };
}

/** The in-memory copy of the sources the request path reads (no PostgreSQL per request). */
export class SourceRegistry {
  private sources = new Map<string, IngressSource>();
  private skipped: string[] = [];

  /** Replaces the whole view; returns the ids of rows with a provider this build does not know. */
  replace(rows: IngressSourceRow[]): string[] {
    const next = new Map<string, IngressSource>();
    const skipped: string[] = [];
    for (const row of rows) {
      const source = toIngressSource(row);
      if (source) next.set(source.id, source);
      else skipped.push(row.id);
    }
    this.sources = next;
    this.skipped = skipped;
    return skipped;
  }

  /** Adds or replaces one source (tests and tools; the services reload whole views). */
  put(source: IngressSource): void {
    this.sources.set(source.id, source);
  }

  get(id: string): IngressSource | undefined {
    return this.sources.get(id);
  }

  get size(): number {
    return this.sources.size;
  }

  get unusable(): readonly string[] {
    return this.skipped;
  }
}
