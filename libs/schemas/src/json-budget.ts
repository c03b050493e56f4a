/**
 * Budgets of every JSON text the gateway parses from outside (ADR 0018). Deep nesting is the one
 * shape that turns a small input into a crash: JSON.stringify, lossless-json and any recursive walk
 * exhaust the stack at a few thousand levels, and a consumer that throws on a message is handed it
 * again. So the depth is bounded before anything recurses, in one place (`parseJson`).
 */

/** Nesting levels event data may have (`{}` and `[]` are one level, a scalar none). */
export const EVENT_DATA_MAX_DEPTH = 64;

/**
 * Nesting levels of any JSON text the gateway parses: event data at its limit inside the deepest
 * envelope that carries it (a retry task's `task.event.data`, three levels), with room to spare.
 */
export const JSON_MAX_DEPTH = EVENT_DATA_MAX_DEPTH + 8;

/** Bytes of one JSON text from Kafka: the broker's default `message.max.bytes` (1 MiB). */
export const JSON_MAX_BYTES = 1024 * 1024;

/** Bytes of one event as JSON: under JSON_MAX_BYTES with room for the envelope of its delivery task. */
export const EVENT_MAX_BYTES = 1_000_000;

/** JSON over one of the budgets above; `limit` names which. */
export class JsonBudgetError extends Error {
  constructor(
    readonly limit: 'depth' | 'size',
    message: string,
  ) {
    super(message);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * Whether JSON text opens more than `maxDepth` arrays or objects inside each other (brackets
 * inside strings do not count). One pass, no recursion, for any text, valid or not: it runs before
 * the parser, so a malformed text is still left to the parser to name.
 */
export function nestsDeeperThan(text: string, maxDepth: number): boolean {
  // Each level opens with a character of its own.
  if (text.length <= maxDepth) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Skip to the closing quote: the next one not escaped by an odd run of backslashes.
      for (;;) {
        const end = text.indexOf('"', i + 1);
        if (end < 0) return false;
        let slashes = 0;
        while (text.charCodeAt(end - 1 - slashes) === BACKSLASH) slashes++;
        i = end;
        if (slashes % 2 === 0) break;
      }
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}

/** Throws JsonBudgetError when `text` nests deeper than `maxDepth`. */
export function checkJsonDepth(text: string, maxDepth: number): void {
  if (nestsDeeperThan(text, maxDepth))
    throw new JsonBudgetError('depth', `JSON nests deeper than ${maxDepth} levels`);
}

/**
 * Whether a parsed value nests deeper than `maxDepth` levels. Iterative (an explicit stack), and
 * it stops at the first level too deep, so it is cheap for the usual shallow value.
 */
export function valueNestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    if (!isContainer(next.value)) continue;
    const depth = next.depth + 1;
    if (depth > maxDepth) return true;
    for (const item of Array.isArray(next.value) ? next.value : Object.values(next.value)) {
      if (isContainer(item)) stack.push({ value: item, depth });
    }
  }
  return false;
}

/** An array or a plain object (not a leaf such as an ExactNumber). */
function isContainer(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return true;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
