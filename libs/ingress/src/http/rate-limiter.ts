import type { RateLimit } from '../sources/ingress-source';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Token buckets per key (a source, or a source's unsigned requests), in this process (N replicas
 * admit N times the rate; the limit protects each process, it is not a global quota). The limit is
 * passed on each call, so a changed source takes effect on the next request without resetting its
 * bucket.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  /** Takes a token if there is one. */
  take(key: string, limit: RateLimit | null, nowMs: number): RateDecision {
    const decision = this.check(key, limit, nowMs);
    if (decision.allowed) this.spend(key, limit, nowMs);
    return decision;
  }

  /** Whether a token is there, taking none (a request that may or may not come to count). */
  check(key: string, limit: RateLimit | null, nowMs: number): RateDecision {
    const bucket = this.refilled(key, limit, nowMs);
    if (!bucket || !limit || bucket.tokens >= 1) return { allowed: true };
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond)),
    };
  }

  /**
   * Takes a token for a request that counts, after the fact: requests checked at once may all
   * spend, leaving the bucket in debt, which later requests wait out.
   */
  spend(key: string, limit: RateLimit | null, nowMs: number): void {
    const bucket = this.refilled(key, limit, nowMs);
    if (bucket) bucket.tokens -= 1;
  }

  private refilled(key: string, limit: RateLimit | null, nowMs: number): Bucket | undefined {
    if (!limit) return undefined;
    const capacity = Math.max(1, limit.burst ?? Math.ceil(limit.perSecond));
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: capacity, updatedAt: nowMs };
      this.buckets.set(key, bucket);
    }
    const elapsed = Math.max(0, nowMs - bucket.updatedAt) / 1000;
    bucket.tokens = Math.min(capacity, bucket.tokens + elapsed * limit.perSecond);
    bucket.updatedAt = nowMs;
    return bucket;
  }
}
