import { ExactNumber } from '@gateway/schemas';

/** A dotted path compiled once into a reader; `undefined` means "missing" (JSON has no undefined). */
export function compilePath(path: string): (data: unknown) => unknown {
  // Array indices are recognised once here, so the reader does no parsing per call.
  const steps = path.split('.').map((name) => (/^(?:0|[1-9]\d*)$/.test(name) ? Number(name) : name));
  return (data) => {
    let current = data;
    for (const step of steps) {
      // An ExactNumber is a number, not an object to walk into.
      if (typeof current !== 'object' || current === null || current instanceof ExactNumber) return undefined;
      if (Array.isArray(current)) {
        if (typeof step !== 'number') return undefined;
        current = current[step] as unknown;
      } else {
        // Own properties only: "constructor" or "__proto__" must not reach the prototype.
        const record = current as Record<string, unknown>;
        current = Object.hasOwn(record, step) ? record[step] : undefined;
      }
    }
    return current;
  };
}

/** Structural equality of JSON values: arrays in order, objects by key regardless of key order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // A number a double cannot hold equals another number of the same value, however written.
  if (a instanceof ExactNumber) return (b instanceof ExactNumber || typeof b === 'number') && a.equals(b);
  if (b instanceof ExactNumber) return typeof a === 'number' && b.equals(a);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => jsonEqual(item, b[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  return keys.every((key) => Object.hasOwn(right, key) && jsonEqual(left[key], right[key]));
}
