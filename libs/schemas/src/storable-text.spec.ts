import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  LONE_SURROGATE_MESSAGE,
  mayHoldUnstorableText,
  NUL_CHARACTER_MESSAGE,
  storableText,
  unstorableTextAt,
} from './storable-text';

describe('text PostgreSQL can store', () => {
  it('names the first string or key holding NUL or a lone surrogate, in document order', () => {
    assert.deepEqual(unstorableTextAt({ a: 'fine', list: ['x', 'y\u0000', '\uD800'] }), {
      path: 'list.1',
      message: NUL_CHARACTER_MESSAGE,
    });
    assert.deepEqual(unstorableTextAt({ a: { b: 'lone \uDC00 low' } }), {
      path: 'a.b',
      message: LONE_SURROGATE_MESSAGE,
    });
    assert.deepEqual(unstorableTextAt({ 'k\u0000': 1 }), {
      path: 'k\\u0000',
      message: NUL_CHARACTER_MESSAGE,
    });
    assert.deepEqual(unstorableTextAt('\uD83D'), { path: '', message: LONE_SURROGATE_MESSAGE });
    assert.equal(
      unstorableTextAt({ emoji: '😀', text: '\\u0000 as six characters', n: 1, none: null }),
      null,
    );
  });

  it('walks without recursion (any depth)', () => {
    let deep: unknown = 'a\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.equal(unstorableTextAt(deep)?.message, NUL_CHARACTER_MESSAGE);
  });

  it('tells from JSON text whether a walk is needed: only escapes carry such characters', () => {
    assert.equal(mayHoldUnstorableText('{"a":"\\u0000"}'), true);
    assert.equal(mayHoldUnstorableText('{"a":"\\uD800"}'), true);
    assert.equal(mayHoldUnstorableText('{"a":"\\udfff"}'), true);
    assert.equal(
      mayHoldUnstorableText('{"a":"\\u00e9 \\ud83d\\ude00"}'),
      true,
      'a pair too (the walk then finds nothing)',
    );
    assert.equal(mayHoldUnstorableText('{"a":"\\u00e9 plain"}'), false);
  });

  it('makes any text storable: NUL and lone surrogates become U+FFFD, cut at the length with a mark', () => {
    assert.equal(storableText('ok\u0000', 100), 'ok\uFFFD');
    assert.equal(storableText('a\uD800b\uDC00😀', 100), 'a\uFFFDb\uFFFD😀');
    assert.equal(storableText('abcdef', 4), 'abc…');
    assert.equal(storableText('ab😀', 3), 'ab…');
    assert.equal(storableText('a😀', 2), 'a…');
  });
});
