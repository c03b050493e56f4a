import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { jsonValue } from '@gateway/schemas';
import { decodeMessage } from './decode';

describe('decodeMessage', () => {
  const schema = z.object({ type: z.string(), data: jsonValue });

  it('refuses a value holding U+0000 anywhere, naming where (PostgreSQL cannot store it)', () => {
    const decoded = decodeMessage(schema, Buffer.from(JSON.stringify({ type: 'a', data: { list: ['x', 'y\u0000'] } })));
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
});
