import fc from 'fast-check';

/**
 * Hostile inputs for the fuzz suite (issue 19, ADR 0018): the shapes that broke or could break a
 * boundary, mixed with ordinary values so that deeper code is reached too.
 */

/** Nested arrays or objects `levels` deep, as JSON text (built, not stringified: JSON.stringify overflows). */
export const nestedText = (levels: number, object: boolean): string =>
  object ? `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}` : `${'['.repeat(levels)}${']'.repeat(levels)}`;

/** Strings a boundary must survive: NUL, lone surrogates, long, odd, prototype names, or plain. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\uD800',
    'x\uDC00y',
    '\uDBFF\uDFFF',
    '__proto__',
    'constructor',
    'prototype',
    '',
    ' ',
    '%00',
    '%FF',
    '../../etc/passwd',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '1e400',
    '-0',
    'NaN',
  ),
  fc.integer({ min: 1000, max: 200_000 }).map((length) => 'x'.repeat(length)),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** JSON values (as parsed values) with hostile leaves and keys, shallow enough to stringify. */
export const hostileJsonValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    fc.double(),
    fc.constantFrom(0, -1, 2 ** 31, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, 1e308, true, false, null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(
      hostileString.filter((key) => key.length < 200),
      tie('value'),
      { maxKeys: 5 },
    ),
    fc
      .integer({ min: 1000, max: 20_000 })
      .map((count) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i]))),
  ),
})).value;

/** JSON text a parser must survive: deep, huge, escaped NUL and surrogates, prototype keys, or plain. */
export const hostileJsonText: fc.Arbitrary<string> = fc.oneof(
  hostileJsonValue.map((value) => JSON.stringify(value) ?? 'null'),
  fc
    .tuple(fc.integer({ min: 60, max: 20_000 }), fc.boolean())
    .map(([levels, object]) => nestedText(levels, object)),
  fc.constantFrom(
    '{"a":"\\u0000"}',
    '{"a":"\\ud800"}',
    '{"__proto__":{"polluted":true}}',
    '{"constructor":{"prototype":{"x":1}}}',
    '[1e400, -1e-400, 123456789012345678901234567890]',
    '{',
    '',
    'null',
    '"text"',
    '{"a":1,"a":2}',
  ),
);

/** Bytes that are usually not UTF-8, or not JSON. */
export const hostileBytes: fc.Arbitrary<Buffer> = fc
  .uint8Array({ maxLength: 300 })
  .map((bytes) => Buffer.from(bytes));

/**
 * A Kafka value for a topic whose valid messages look like `template`: bytes, a tombstone, JSON
 * that is not an object, deep nesting, or the template with one field (at any depth) replaced by a
 * hostile value.
 */
export function hostileKafkaValue(template: Record<string, unknown>): fc.Arbitrary<Buffer | null> {
  const paths = fieldPaths(template);
  return fc.oneof(
    hostileBytes,
    fc.constant(null),
    hostileJsonText.map((text) => Buffer.from(text)),
    fc
      .tuple(fc.constantFrom(...paths), hostileJsonValue)
      .map(([path, value]) => Buffer.from(JSON.stringify(replaced(template, path, value)))),
    fc
      .tuple(fc.constantFrom(...paths), fc.integer({ min: 60, max: 20_000 }), fc.boolean())
      .map(([path, levels, object]) => {
        return Buffer.from(
          JSON.stringify(replaced(template, path, DEEP)).replace(`"${DEEP}"`, nestedText(levels, object)),
        );
      }),
  );
}

/** Stands for deep nesting in a template until the text is built. */
const DEEP = '__deep_nesting_here__';

function fieldPaths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return [
    prefix,
    ...Object.entries(value).flatMap(([key, item]) => fieldPaths(item, [...prefix, key])),
  ].filter((path) => path.length > 0);
}

function replaced(
  template: Record<string, unknown>,
  path: string[],
  value: unknown,
): Record<string, unknown> {
  const copy = structuredClone(template);
  let at: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[path[path.length - 1]] = value;
  return copy;
}

/** Runs per boundary (FUZZ_RUNS multiplies them), and the seed to replay a failure (FUZZ_SEED). */
export function fuzzParameters(runs: number): fc.Parameters<unknown> {
  const scale = Number(process.env.FUZZ_RUNS_SCALE ?? '1');
  const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
  // A failure on the real stack is reported as found (with its seed), not shrunk: shrinking would re-run it against services for minutes.
  return {
    numRuns: Math.max(1, Math.round(runs * scale)),
    endOnFailure: true,
    ...(seed === undefined ? {} : { seed }),
  };
}
