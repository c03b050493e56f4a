import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { responseExcerpt } from './response-excerpt';

describe('responseExcerpt', () => {
  it('keeps a UTF-8 body as it is', () => {
    assert.equal(responseExcerpt(Buffer.from('{"ok":true} ünïcödé ✓')), '{"ok":true} ünïcödé ✓');
  });

  it('marks and escapes a body holding NUL (PostgreSQL cannot store it; issue 19)', () => {
    assert.equal(responseExcerpt(Buffer.from('ok\u0000')), '[binary, escaped] ok\\x00');
  });

  it('marks and escapes bytes that are not UTF-8, a backslash doubled so the escapes stay unambiguous', () => {
    assert.equal(
      responseExcerpt(Buffer.from([0x6f, 0x6b, 0xff, 0xfe, 0x5c, 0x0a])),
      '[binary, escaped] ok\\xff\\xfe\\\\\\x0a',
    );
  });

  it('does not take a character cut at the excerpt limit for binary', () => {
    const cut = Buffer.from('abc✓').subarray(0, 5); // ✓ is 3 bytes: 2 of them kept
    assert.equal(responseExcerpt(cut), 'abc');
  });

  it('gives valid UTF-8 without NUL for any bytes', () => {
    for (let seed = 0; seed < 200; seed++) {
      const bytes = Buffer.from(Array.from({ length: 64 }, (_, i) => (seed * 131 + i * 197) % 256));
      const text = responseExcerpt(bytes);
      assert.ok(!text.includes('\u0000'));
      assert.ok(
        Buffer.from(text, 'utf8').toString('utf8') === text &&
          !/[\uD800-\uDFFF]/.test(text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '')),
      );
    }
  });
});
