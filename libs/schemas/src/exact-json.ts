import { parse as parseLossless } from 'lossless-json';

/** What an ExactNumber becomes inside JSON.stringify's output, until stringifyJson puts the digits back. */
const MARK = '\u0000exact:';
const MARKED = /"\\u0000exact:(-?\d+)"/g;
/** A number literal that may not fit a double exactly has at least 16 digits in a row. */
const LONG_DIGITS = /\d{16}/;
const INTEGER = /^-?\d+$/;

/**
 * An integer beyond Number's exact range (2^53), carried as its digits so that a payload leaves as
 * it came: JSON.parse would round 12345678901234567890 to 12345678901234567000. Compares as an
 * approximate Number (valueOf).
 */
export class ExactNumber {
  constructor(readonly digits: string) {}

  valueOf(): number {
    return Number(this.digits);
  }

  toString(): string {
    return this.digits;
  }

  /**
   * A marked string that stringifyJson turns back into the bare digits. The mark starts with NUL,
   * which no accepted value holds (PostgreSQL cannot store it; every boundary refuses it).
   */
  toJSON(): string {
    return `${MARK}${this.digits}`;
  }
}

const numberOf = (literal: string): number | ExactNumber =>
  INTEGER.test(literal) && !Number.isSafeInteger(Number(literal)) ? new ExactNumber(literal) : Number(literal);

/** Whether JSON text may hold an integer beyond 2^53 (a run of 16 digits). */
export const mayHoldExactNumbers = (text: string): boolean => LONG_DIGITS.test(text);

/**
 * JSON.parse, except that integers beyond 2^53 become ExactNumbers. Text without a run of 16 digits
 * cannot hold one and takes JSON.parse itself.
 */
export function parseJson(text: string): unknown {
  if (!mayHoldExactNumbers(text)) return JSON.parse(text);
  // As JSON.parse: a repeated key keeps its last value.
  return parseLossless(text, null, { parseNumber: numberOf, onDuplicateKey: ({ newValue }) => newValue });
}

/** JSON.stringify that writes ExactNumbers as their digits. */
export function stringifyJson(value: unknown): string {
  const text = JSON.stringify(value);
  return text.includes('\\u0000exact:') ? text.replace(MARKED, '$1') : text;
}
