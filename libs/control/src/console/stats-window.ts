import type { StatsWindow } from '@gateway/persistence';
import type { StatsQuery } from './console.schemas';

/** A stats answer spans at most this many buckets. */
export const MAX_BUCKETS = 500;
const DEFAULT_SPAN_MS = 24 * 60 * 60 * 1000;

/**
 * The window a stats query asks for: from `since` (default 24 h before `now`) up to `now`, in
 * `bucketSeconds` steps; a string when it would span more than MAX_BUCKETS buckets.
 */
export function statsWindow(query: StatsQuery, now: Date): StatsWindow | string {
  const since = query.since === undefined ? new Date(now.getTime() - DEFAULT_SPAN_MS) : new Date(query.since);
  const bucketMs = query.bucketSeconds * 1000;
  const count = Math.max(0, Math.ceil((now.getTime() - since.getTime()) / bucketMs));
  if (count > MAX_BUCKETS) {
    return `since and bucketSeconds span ${count} buckets up to now; at most ${MAX_BUCKETS}`;
  }
  return { since, until: new Date(since.getTime() + count * bucketMs), bucketSeconds: query.bucketSeconds };
}

/** Every bucket of the window, oldest first: the found ones as found, the others from `empty`. */
export function everyBucket<B extends { start: Date }, V>(
  window: StatsWindow,
  found: B[],
  view: (bucket: B) => V,
  empty: (start: string) => V,
): V[] {
  const byStart = new Map(found.map((bucket) => [bucket.start.getTime(), bucket]));
  const buckets: V[] = [];
  const step = window.bucketSeconds * 1000;
  for (let at = window.since.getTime(); at < window.until.getTime(); at += step) {
    const bucket = byStart.get(at);
    buckets.push(bucket ? view(bucket) : empty(new Date(at).toISOString()));
  }
  return buckets;
}
