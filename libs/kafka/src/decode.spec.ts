import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { jsonValue } from '@gateway/schemas';
import { decodeMessage } from './decode';

describe('decodeMessage', () => {
  const schema = z.object({ type: z.string(), data: jsonValue });

  it('refuses a value holding U+0000 anywhere, naming where (PostgreSQL cannot store it)', () => {
    const decoded = decodeMessage(
      schema,
      Buffer.from(JSON.stringify({ type: 'a', data: { list: ['x', 'y\u0000'] } })),
    );
    assert.deepEqual(decoded, {
      ok: false,
      reason: 'schema',
      errors: [{ path: 'data.list.1', message: 'contains U+0000 (NUL), which PostgreSQL cannot store' }],
    });
    const inKey = decodeMessage(schema, Buffer.from(JSON.stringify({ type: 'a', data: { 'k\u0000': 1 } })));
    assert.equal(inKey.ok ? '' : inKey.errors[0].path, 'data.k\\u0000');
  });

  it('accepts the six characters \\u0000 as text, and values without any', () => {
    assert.equal(decodeMessage(schema, Buffer.from(JSON.stringify({ type: 'a', data: '\\u0000' }))).ok, true);
    assert.equal(decodeMessage(schema, Buffer.from('{"type":"a","data":{"n":1}}')).ok, true);
  });

  it('refuses a tombstone, bytes that are not UTF-8, and a value over the size budget, never throwing', () => {
    assert.deepEqual(decodeMessage(schema, null), {
      ok: false,
      reason: 'not-json',
      errors: [{ path: '', message: 'no value (a tombstone)' }],
    });
    assert.deepEqual(decodeMessage(schema, Buffer.from([0x7b, 0xff, 0x7d])), {
      ok: false,
      reason: 'not-json',
      errors: [{ path: '', message: 'not UTF-8' }],
    });
    const big = Buffer.from(JSON.stringify({ type: 'a', data: 'x'.repeat(100) }));
    assert.deepEqual(decodeMessage(schema, big, { maxBytes: 50 }), {
      ok: false,
      reason: 'over-limit',
      errors: [{ path: '', message: `${big.length} bytes; the limit is 50` }],
    });
  });

  // Issue 19, defect 2: JSON.parse takes this, and the router then overflowed its stack on it.
  it('refuses a value nesting 5,000 levels deep as over-limit, naming the limit', () => {
    const decoded = decodeMessage(
      schema,
      Buffer.from(`{"type":"a","data":${'['.repeat(5000)}${']'.repeat(5000)}}`),
    );
    assert.deepEqual(decoded, {
      ok: false,
      reason: 'over-limit',
      errors: [{ path: '', message: 'JSON nests deeper than 72 levels' }],
    });
  });

  it('refuses a lone surrogate (PostgreSQL cannot store it), naming where', () => {
    const decoded = decodeMessage(schema, Buffer.from('{"type":"a","data":{"name":"\\udc00"}}'));
    assert.equal(decoded.ok ? '' : decoded.errors[0].path, 'data.name');
    assert.equal(
      decodeMessage(schema, Buffer.from('{"type":"a","data":"\\ud83d\\ude00"}')).ok,
      true,
      'a pair is a character',
    );
  });

  it('keeps prototype-named keys as plain data', () => {
    const decoded = decodeMessage(
      schema,
      Buffer.from('{"type":"a","data":{"__proto__":{"polluted":true},"constructor":1}}'),
    );
    assert.ok(decoded.ok);
    assert.equal(({} as { polluted?: boolean }).polluted, undefined);
  });
});
