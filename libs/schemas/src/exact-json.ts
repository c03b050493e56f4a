import { parse as parseLossless } from 'lossless-json';
import { checkJsonDepth, JSON_MAX_DEPTH } from './json-budget';

/** What an ExactNumber becomes inside JSON.stringify's output, until stringifyJson puts the literal back. */
const MARK = '\u0000exact:';
const MARKED = /"\\u0000exact:(-?[0-9.eE+-]+)"/g;
/**
 * A number literal that a double may not hold: 16 or more significant digits (a decimal point may
 * sit among them), or an exponent of three digits (beyond 1e308 or below 5e-324).
 */
const MAY_NOT_FIT = /(?:\d\.?){16}|\d[eE][+-]?\d{3}/;
const INTEGER = /^-?\d+$/;
const ZERO = 48;
const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * A decimal literal as its value's one spelling: sign, significant digits, exponent
 * (`-1.50e3` and `-1500` both give `-15e2`). Comparing two of them compares exact values.
 */
export function canonicalDecimal(literal: string): string {
  const match = DECIMAL.exec(literal);
  if (!match) return literal;
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  const digits = `${whole}${fraction}`;
  // Index loops, not /0+$/: a regular expression retries every zero of a long run (quadratic).
  let first = 0;
  while (first < digits.length && digits.charCodeAt(first) === ZERO) first++;
  if (first === digits.length) return '0';
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === ZERO) end--;
  return `${sign}${digits.slice(first, end)}e${BigInt(exponent) - BigInt(fraction.length) + BigInt(digits.length - end)}`;
}

/**
 * The first ExactNumber in `value` that a double cannot even approach (beyond 1.8e308, or a
 * non-zero value below 5e-324): places that must compute with numbers refuse these.
 */
export function numberBeyondDoubleRange(value: unknown): ExactNumber | undefined {
  if (value instanceof ExactNumber) {
    const approximate = Number(value.digits);
    return !Number.isFinite(approximate) || (approximate === 0 && canonicalDecimal(value.digits) !== '0')
      ? value
      : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    const found = numberBeyondDoubleRange(item);
    if (found) return found;
  }
  return undefined;
}

/**
 * A number a double cannot hold, carried as its literal so that a payload leaves as it came:
 * JSON.parse would round 12345678901234567890 to 12345678901234567000, 0.12345678901234567890123
 * to 0.12345678901234568, and make 1e400 Infinity (written `null`). Compares as an approximate
 * Number (valueOf); `equals` compares exact values.
 */
export class ExactNumber {
  constructor(readonly digits: string) {}

  valueOf(): number {
    return Number(this.digits);
  }

  toString(): string {
    return this.digits;
  }

  /** The same value, however written (`1.50e3` equals `1500.0`), also as a Number (`1e16`). */
  equals(other: ExactNumber | number): boolean {
    return canonicalDecimal(this.digits) === canonicalDecimal(String(other));
  }

  /**
   * A marked string that stringifyJson turns back into the literal. The mark starts with NUL,
   * which no accepted value holds: every boundary refuses it (ADR 0003), and that refusal is what
   * keeps this mark unambiguous now that event data is stored as `json`, which could hold one.
   */
  toJSON(): string {
    return `${MARK}${this.digits}`;
  }
}

/** A Number where it holds the literal's exact value (a safe integer, or a decimal it spells back), else an ExactNumber. */
function numberOf(literal: string): number | ExactNumber {
  const value = Number(literal);
  if (INTEGER.test(literal)) return Number.isSafeInteger(value) ? value : new ExactNumber(literal);
  return Number.isFinite(value) && canonicalDecimal(String(value)) === canonicalDecimal(literal)
    ? value
    : new ExactNumber(literal);
}

/** Whether JSON text may hold a number a double cannot (16 significant digits, or a 3-digit exponent). */
export const mayHoldExactNumbers = (text: string): boolean => MAY_NOT_FIT.test(text);

/**
 * JSON.parse, except that numbers a double cannot hold become ExactNumbers. Text without 16 digits
 * in a row (a decimal point aside) or a 3-digit exponent cannot hold one and takes JSON.parse itself.
 * Text nesting deeper than `maxDepth` is refused first (JsonBudgetError), before anything recurses
 * into it: the one decoder of JSON from outside, for Kafka values, HTTP bodies and forwarded bodies.
 */
export function parseJson(text: string, maxDepth = JSON_MAX_DEPTH): unknown {
  checkJsonDepth(text, maxDepth);
  if (!mayHoldExactNumbers(text)) return JSON.parse(text);
  // As JSON.parse: a repeated key keeps its last value.
  return parseLossless(text, null, { parseNumber: numberOf, onDuplicateKey: ({ newValue }) => newValue });
}

/** JSON.stringify that writes ExactNumbers as their literals. */
export function stringifyJson(value: unknown): string {
  const text = JSON.stringify(value);
  return text.includes('\\u0000exact:') ? text.replace(MARKED, '$1') : text;
}
