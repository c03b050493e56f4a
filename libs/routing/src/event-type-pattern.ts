import { z } from 'zod';

/**
 * An event type pattern: an exact type (`invoice.paid`), a prefix wildcard (`invoice.*`, which
 * matches `invoice.paid` and `invoice.payment.failed` but not `invoice` itself), or `*` (every
 * type). Matching is case-sensitive. The characters are those of an event type, so any type an
 * event may carry can be subscribed to exactly.
 */
export const eventTypePattern = z
  .string()
  .min(1)
  .max(200)
  .regex(/^(?:\*|[A-Za-z0-9_.:-]+(?:\.\*)?)$/, 'expected an event type, "prefix.*" or "*"')
  .describe('Event type pattern: "invoice.paid", "invoice.*" (one or more further segments) or "*".');

/** A list of patterns reduced to what matching needs; covered patterns are dropped. */
export interface TypePatternSet {
  all: boolean;
  exact: string[];
  /** Each ends with "." (`invoice.*` is kept as `invoice.`). */
  prefixes: string[];
}

/**
 * Reduces patterns so that at most one of them can match any type: `*` absorbs everything, a prefix
 * absorbs the exact types and longer prefixes under it. The matcher relies on this to return each
 * endpoint once without a per-event "seen" set. A string that is not a valid pattern (the API
 * rejects those) is kept as an exact type, which no event can carry, so it never matches.
 */
export function reduceTypePatterns(patterns: readonly string[]): TypePatternSet {
  if (patterns.includes('*')) return { all: true, exact: [], prefixes: [] };
  const candidates = new Set<string>();
  const exact = new Set<string>();
  for (const pattern of patterns) {
    if (pattern.length > 2 && pattern.endsWith('.*')) candidates.add(pattern.slice(0, -1));
    else exact.add(pattern);
  }
  const prefixes = [...candidates].filter(
    (prefix) => ![...candidates].some((other) => other !== prefix && prefix.startsWith(other)),
  );
  const covered = (type: string) => prefixes.some((prefix) => prefixMatches(prefix, type));
  return { all: false, exact: [...exact].filter((type) => !covered(type)), prefixes };
}

/** `invoice.` matches `invoice.paid`, not `invoice.` itself: the wildcard stands for a segment. */
export function prefixMatches(prefix: string, type: string): boolean {
  return type.length > prefix.length && type.startsWith(prefix);
}

/** Compiles patterns once into a predicate that does a set lookup and a few `startsWith` per call. */
export function compileTypePatterns(patterns: readonly string[]): (type: string) => boolean {
  const { all, exact, prefixes } = reduceTypePatterns(patterns);
  if (all) return () => true;
  const exactTypes = new Set(exact);
  if (prefixes.length === 0) return (type) => exactTypes.has(type);
  return (type) => {
    if (exactTypes.has(type)) return true;
    for (const prefix of prefixes) if (prefixMatches(prefix, type)) return true;
    return false;
  };
}
