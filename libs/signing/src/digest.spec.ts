import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { hmac } from './digest';

const raw = (key: string | Buffer, ...parts: string[]) => {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
};

/** `hmac` keeps its keys as KeyObjects (one per key); the digests are those of the raw keys. */
describe('hmac', () => {
  it('gives the digest of the raw key, for string (UTF-8) and byte keys alike', () => {
    for (const key of ['secret', 'sécrét ✓', '', Buffer.from([0, 1, 2, 255]), Buffer.alloc(0)]) {
      assert.deepEqual(hmac('sha256', key, 'a.', 'b'), raw(key, 'a.', 'b'));
      assert.deepEqual(hmac('sha256', key, 'a.', 'b'), raw(key, 'a.', 'b'), 'the remembered key too');
    }
  });

  it('tells a string key from the bytes of the same characters, and a view from its whole buffer', () => {
    const bytes = Buffer.from('key', 'latin1');
    assert.deepEqual(hmac('sha256', 'key', 'x'), raw('key', 'x'));
    assert.deepEqual(hmac('sha256', bytes, 'x'), raw(bytes, 'x'));
    const whole = Buffer.from('0123456789');
    const view = whole.subarray(2, 5);
    assert.deepEqual(hmac('sha256', whole, 'x'), raw(whole, 'x'));
    assert.deepEqual(hmac('sha256', view, 'x'), raw(Buffer.from('234'), 'x'));
  });

  it('stays right past the number of keys it remembers', () => {
    for (let i = 0; i < 5000; i++) hmac('sha256', `k${i}`, 'x');
    assert.deepEqual(hmac('sha256', 'k0', 'x'), raw('k0', 'x'));
    assert.deepEqual(hmac('sha256', 'k4999', 'x'), raw('k4999', 'x'));
  });
});
