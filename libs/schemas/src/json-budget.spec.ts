import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJson } from './exact-json';
import {
  EVENT_DATA_MAX_DEPTH,
  JSON_MAX_DEPTH,
  JsonBudgetError,
  nestsDeeperThan,
  valueNestsDeeperThan,
} from './json-budget';

const nested = (levels: number, open = '[', close = ']') => `${open.repeat(levels)}${close.repeat(levels)}`;

describe('JSON depth budget', () => {
  it('counts the levels of arrays and objects, not brackets inside strings', () => {
    assert.equal(nestsDeeperThan(nested(3), 3), false);
    assert.equal(nestsDeeperThan(nested(4), 3), true);
    assert.equal(nestsDeeperThan('{"a":{"b":[1]}}', 3), false);
    assert.equal(nestsDeeperThan('{"a":{"b":[[1]]}}', 3), true);
    assert.equal(nestsDeeperThan('{"a":"[[[[[[[[{{{{{{"}', 2), false, 'brackets in a string');
    assert.equal(
      nestsDeeperThan('{"a":"\\"[[[[[[\\\\","b":[[1]]}', 2),
      true,
      'an escaped quote does not end the string, an escaped backslash does not escape it',
    );
    assert.equal(nestsDeeperThan('"unterminated [[[[', 1), false, 'left to the parser to refuse');
  });

  it('refuses text nesting deeper than the budget before parsing it (no stack overflow at 100,000 levels)', () => {
    assert.throws(
      () => parseJson(nested(100_000)),
      (error: unknown) =>
        error instanceof JsonBudgetError &&
        error.limit === 'depth' &&
        /deeper than 72 levels/.test(error.message),
    );
    // The exact-number parser recursed too (lossless-json): now also bounded first.
    assert.throws(
      () => parseJson(`${'['.repeat(5000)}12345678901234567890${']'.repeat(5000)}`),
      JsonBudgetError,
    );
    assert.deepEqual(parseJson(nested(JSON_MAX_DEPTH)), JSON.parse(nested(JSON_MAX_DEPTH)));
    assert.throws(() => parseJson(nested(5), 4), JsonBudgetError);
  });

  it('measures a parsed value without recursion, leaves (numbers, strings) adding no level', () => {
    assert.equal(valueNestsDeeperThan(JSON.parse(nested(EVENT_DATA_MAX_DEPTH)), EVENT_DATA_MAX_DEPTH), false);
    assert.equal(
      valueNestsDeeperThan(JSON.parse(nested(EVENT_DATA_MAX_DEPTH + 1)), EVENT_DATA_MAX_DEPTH),
      true,
    );
    assert.equal(
      valueNestsDeeperThan(parseJson('{"a":[12345678901234567890]}'), 2),
      false,
      'an ExactNumber is a leaf',
    );
    assert.equal(valueNestsDeeperThan('text', 0), false);
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    assert.equal(valueNestsDeeperThan(deep, 64), true);
  });
});
