import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExactNumber, parseJson, stringifyJson } from './exact-json';

describe('exact JSON numbers', () => {
  it('keeps integers beyond 2^53 digit for digit, through parse and stringify', () => {
    const text = '{"id":12345678901234567890,"neg":-98765432109876543210,"list":[9007199254740993,1]}';
    const value = parseJson(text) as { id: ExactNumber; list: unknown[] };
    assert.ok(value.id instanceof ExactNumber);
    assert.equal(stringifyJson(value), text);
    assert.equal(stringifyJson({ data: value }), `{"data":${text}}`, 'also nested in a new envelope');
  });

  it('leaves every other number a Number, as JSON.parse does', () => {
    const text = '{"safe":9007199254740991,"float":1234567890123456.5,"exp":1e400,"small":-0.25,"digits":"12345678901234567890"}';
    assert.deepEqual(parseJson(text), JSON.parse(text));
    assert.equal(stringifyJson(parseJson(text)), JSON.stringify(JSON.parse(text)));
  });

  it('compares an exact number as its approximate value', () => {
    const { n } = parseJson('{"n":12345678901234567890}') as { n: ExactNumber };
    assert.ok((n as unknown as number) > 1e19);
    assert.equal(Number(n), 12345678901234567000);
  });

  it('keeps the last value of a repeated key, as JSON.parse does, on the exact path too', () => {
    const value = parseJson('{"a":1,"a":2,"card":"4111111111111111","n":12345678901234567890}') as { a: number };
    assert.equal(value.a, 2);
  });

  it('refuses invalid JSON on both paths', () => {
    assert.throws(() => parseJson('{"a":'));
    assert.throws(() => parseJson('{"a":12345678901234567890'));
  });

  it('keeps __proto__ an own key on the exact path', () => {
    const value = parseJson('{"__proto__":{"polluted":true},"n":12345678901234567890}') as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
