import type { RateLimit } from '../sources/ingress-source';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Token buckets per source, in this process (N replicas admit N times the rate; the limit protects
 * each process, it is not a global quota). The limit is passed on each call, so a changed source
 * takes effect on the next request without resetting its bucket.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  take(sourceId: string, limit: RateLimit | null, nowMs: number): RateDecision {
    if (!limit) return { allowed: true };
    const capacity = Math.max(1, limit.burst ?? Math.ceil(limit.perSecond));
    let bucket = this.buckets.get(sourceId);
    if (!bucket) {
      bucket = { tokens: capacity, updatedAt: nowMs };
      this.buckets.set(sourceId, bucket);
    }
    const elapsed = Math.max(0, nowMs - bucket.updatedAt) / 1000;
    bucket.tokens = Math.min(capacity, bucket.tokens + elapsed * limit.perSecond);
    bucket.updatedAt = nowMs;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond)) };
  }
}
