import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  canonicalDecimal,
  ExactNumber,
  numberBeyondDoubleRange,
  parseJson,
  stringifyJson,
} from './exact-json';

describe('exact JSON numbers', () => {
  it('keeps integers beyond 2^53 digit for digit, through parse and stringify', () => {
    const text = '{"id":12345678901234567890,"neg":-98765432109876543210,"list":[9007199254740993,1]}';
    const value = parseJson(text) as { id: ExactNumber; list: unknown[] };
    assert.ok(value.id instanceof ExactNumber);
    assert.equal(stringifyJson(value), text);
    assert.equal(stringifyJson({ data: value }), `{"data":${text}}`, 'also nested in a new envelope');
  });

  it('leaves every other number a Number, as JSON.parse does', () => {
    const text =
      '{"safe":9007199254740991,"float":1234567890123456.5,"round":0.30000000000000004,"exp":1e300,"small":-0.25,"digits":"12345678901234567890"}';
    assert.deepEqual(parseJson(text), JSON.parse(text));
    assert.equal(stringifyJson(parseJson(text)), JSON.stringify(JSON.parse(text)));
  });

  it('keeps decimals a double cannot hold, and exponents beyond its range, as written', () => {
    const text =
      '{"price":1234567890.123456789012,"rate":-0.000123456789012345678901,"tiny":1e-400,"huge":-1.5E+400,"list":[0.1,0.0025]}';
    const value = parseJson(text) as { price: unknown; list: unknown[] };
    assert.ok(value.price instanceof ExactNumber);
    assert.deepEqual(value.list, [0.1, 0.0025], 'a decimal a double spells back stays a Number');
    assert.equal(stringifyJson(value), text);
    assert.equal(
      JSON.stringify(JSON.parse(text)).includes('null'),
      true,
      'JSON.parse alone would write 1e400 as null',
    );
  });

  it('spells a decimal value one way (canonicalDecimal)', () => {
    assert.equal(canonicalDecimal('-1.50e3'), '-15e2');
    assert.equal(canonicalDecimal('-1500'), '-15e2');
    assert.equal(canonicalDecimal('0.000'), '0');
    assert.equal(canonicalDecimal('0.0025'), '25e-4');
    assert.equal(canonicalDecimal(String(2.5e-3)), '25e-4');
  });

  it(
    'reads a literal with a long run of zeros in linear time (a regular expression took minutes)',
    { timeout: 30_000 },
    () => {
      const literal = `1.${'0'.repeat(200_000)}1`;
      const value = parseJson(`{"n":${literal}}`) as { n: ExactNumber };
      assert.equal(value.n.digits, literal);
      assert.equal(canonicalDecimal(literal), `1${'0'.repeat(200_000)}1e-200001`);
    },
  );

  it('keeps exponents beyond a double exact, and finds numbers beyond its range', () => {
    assert.notEqual(canonicalDecimal('1e99999999999999999999'), canonicalDecimal('1e99999999999999999998'));
    assert.equal(numberBeyondDoubleRange(parseJson('{"a":[1e300,{"b":1e400}]}'))?.digits, '1e400');
    assert.equal(numberBeyondDoubleRange(parseJson('{"a":-1e-400}'))?.digits, '-1e-400');
    assert.equal(
      numberBeyondDoubleRange(parseJson('{"a":[0.0e-500,12345678901234567890,1e-300]}')),
      undefined,
    );
  });

  it('compares an exact number as its approximate value', () => {
    const { n } = parseJson('{"n":12345678901234567890}') as { n: ExactNumber };
    assert.ok((n as unknown as number) > 1e19);
    assert.equal(Number(n), 12345678901234567000);
  });

  it('keeps the last value of a repeated key, as JSON.parse does, on the exact path too', () => {
    const value = parseJson('{"a":1,"a":2,"card":"4111111111111111","n":12345678901234567890}') as {
      a: number;
    };
    assert.equal(value.a, 2);
  });

  it('refuses invalid JSON on both paths', () => {
    assert.throws(() => parseJson('{"a":'));
    assert.throws(() => parseJson('{"a":12345678901234567890'));
  });

  it('keeps __proto__ an own key on the exact path', () => {
    const value = parseJson('{"__proto__":{"polluted":true},"n":12345678901234567890}') as Record<
      string,
      unknown
    >;
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
