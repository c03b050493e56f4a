/**
 * Text from outside that PostgreSQL is to keep (ADR 0003, 0018). Two kinds of JavaScript string
 * cannot be stored faithfully: one holding U+0000 (NUL), which `text` and `jsonb` refuse (22P05,
 * 22P02) and `json` keeps only as an escape no query can read back; and one holding a lone UTF-16
 * surrogate, which `jsonb` refuses and the driver's UTF-8 encoding silently turns into U+FFFD (an
 * id stored that way no longer matches itself). Input that must stay exact (events, API bodies) is
 * refused naming where (`unstorableTextAt`); text that is only a record (what a receiver answered)
 * is made storable (`storableText`).
 */

export const NUL_CHARACTER_MESSAGE = 'contains U+0000 (NUL), which PostgreSQL cannot store';
export const LONE_SURROGATE_MESSAGE =
  'contains a lone UTF-16 surrogate (not a Unicode character), which PostgreSQL cannot store';

/** Where a value holds text PostgreSQL cannot store, and why. */
export interface UnstorableText {
  /** Dotted path of the string or key ('' for the value itself). */
  path: string;
  message: string;
}

/** Whether JSON text may decode to such a string: only its escapes can carry NUL or a lone surrogate. */
const ESCAPE = /\\u(?:0000|[dD][89abAB][0-9a-fA-F]{2}|[dD][c-fC-F][0-9a-fA-F]{2})/;
export const mayHoldUnstorableText = (jsonText: string): boolean => ESCAPE.test(jsonText);

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

function problemOf(text: string): string | null {
  if (text.includes('\u0000')) return NUL_CHARACTER_MESSAGE;
  return LONE_SURROGATE.test(text) ? LONE_SURROGATE_MESSAGE : null;
}

const escapeKey = (key: string): string => key.replaceAll('\u0000', '\\u0000');

/** A value met in the walk, with the way to it (built into a path only when it is reported). */
interface Step {
  value: unknown;
  key: string;
  parent: Step | undefined;
}

function pathOf(step: Step, last?: string): string {
  const names: string[] = last === undefined ? [] : [last];
  for (let at: Step | undefined = step; at?.parent !== undefined; at = at.parent) names.push(at.key);
  return names.reverse().join('.');
}

/**
 * The first string or key in `value` that PostgreSQL cannot store, or null. Iterative and linear:
 * the value may be anything a caller sent.
 */
export function unstorableTextAt(value: unknown): UnstorableText | null {
  const stack: Step[] = [{ value, key: '', parent: undefined }];
  for (let step = stack.pop(); step !== undefined; step = stack.pop()) {
    const current = step.value;
    if (typeof current === 'string') {
      const message = problemOf(current);
      if (message) return { path: pathOf(step), message };
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    const array = Array.isArray(current);
    const entries: [string, unknown][] = array
      ? current.map((item, index) => [String(index), item])
      : Object.entries(current);
    // Pushed in reverse, so the first offending field in document order is found first.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, item] = entries[i];
      const message = array ? null : problemOf(key);
      if (message) return { path: pathOf(step, escapeKey(key)), message };
      stack.push({ value: item, key, parent: step });
    }
  }
  return null;
}

/**
 * Text made storable: NUL and lone surrogates become U+FFFD, and it is cut to `maxLength`
 * characters, marked with "…" when cut (a surrogate pair cut in two becomes U+FFFD).
 */
export function storableText(text: string, maxLength: number): string {
  let safe = text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
  if (safe.length > maxLength) safe = `${safe.slice(0, Math.max(0, maxLength - 1))}…`;
  return safe.replace(LONE_SURROGATES, '\uFFFD');
}
