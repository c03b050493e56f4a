import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseJson } from '@gateway/schemas';
import { compilePath, jsonEqual } from './json-path';

void describe('compilePath', () => {
  void it('reads nested fields and array indices', () => {
    const data = { customer: { country: 'DE' }, items: [{ sku: 'a' }, { sku: 'b' }] };
    assert.equal(compilePath('customer.country')(data), 'DE');
    assert.equal(compilePath('items.1.sku')(data), 'b');
    assert.equal(compilePath('items.2.sku')(data), undefined);
  });

  void it('treats anything it cannot walk as missing', () => {
    assert.equal(compilePath('a.b')({ a: 'text' }), undefined);
    assert.equal(compilePath('a.b')({ a: null }), undefined);
    assert.equal(compilePath('a')(null), undefined);
    assert.equal(compilePath('items.length')({ items: [1] }), undefined);
    assert.equal(compilePath('items.01')({ items: [1, 2] }), undefined);
  });

  void it('never reads inherited properties', () => {
    assert.equal(compilePath('constructor')({}), undefined);
    assert.equal(compilePath('a.toString')({ a: {} }), undefined);
    assert.equal(compilePath('__proto__')({}), undefined);
  });
});

void describe('jsonEqual', () => {
  void it('compares structurally', () => {
    assert.equal(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }), true);
    assert.equal(jsonEqual([1, 2], [2, 1]), false);
    assert.equal(jsonEqual({ a: 1 }, { a: 1, b: 2 }), false);
    assert.equal(jsonEqual({ a: undefined }, { b: undefined }), false);
    assert.equal(jsonEqual([], {}), false);
    assert.equal(jsonEqual(null, {}), false);
    assert.equal(jsonEqual('1', 1), false);
  });
});

void describe('integers beyond 2^53 (ExactNumber)', () => {
  void it('equal only the same digits, and are not walked into', () => {
    const data = parseJson('{"n":12345678901234567890,"o":{"digits":"12345678901234567890"}}') as Record<
      string,
      unknown
    >;
    const same = parseJson('12345678901234567890');
    assert.equal(jsonEqual(data.n, same), true);
    assert.equal(jsonEqual(data.n, parseJson('12345678901234567891')), false);
    assert.equal(jsonEqual(data.o, same), false, 'an object with a digits field is not the number');
    assert.equal(compilePath('n.digits')(data), undefined);
  });

  void it('equal by value however written, decimals too', () => {
    assert.equal(
      jsonEqual(parseJson('0.123456789012345678901'), parseJson('1.23456789012345678901000e-1')),
      true,
    );
    assert.equal(
      jsonEqual(parseJson('0.123456789012345678901'), parseJson('0.123456789012345678902')),
      false,
    );
    assert.equal(
      jsonEqual(1e16, parseJson('10000000000000000')),
      true,
      'a Number and an ExactNumber of one value',
    );
    assert.equal(jsonEqual(parseJson('10000000000000000'), 1e16), true);
    assert.equal(jsonEqual(parseJson('10000000000000001'), 1e16), false);
  });
});
