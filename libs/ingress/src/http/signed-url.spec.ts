import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePublicBase, signedUrl } from './signed-url';

describe('signedUrl', () => {
  const base = parsePublicBase('https://hooks.example.com/gateway/');

  it('puts the received path and query, byte for byte, under PUBLIC_BASE_URL', () => {
    assert.equal(
      signedUrl(base, '/in/src_1?b=%2B1&a=x y', {}, false),
      'https://hooks.example.com/gateway/in/src_1?b=%2B1&a=x y',
    );
    assert.equal(
      signedUrl(parsePublicBase('http://127.0.0.1:8081'), '/in/s', {}, false),
      'http://127.0.0.1:8081/in/s',
    );
  });

  it('ignores forwarded headers unless they are trusted', () => {
    const headers = {
      'x-forwarded-proto': 'http',
      'x-forwarded-host': 'evil.example',
      'x-forwarded-uri': '/x',
    };
    assert.equal(signedUrl(base, '/in/s', headers, false), 'https://hooks.example.com/gateway/in/s');
  });

  it('lets each trusted forwarded header replace its part of the base', () => {
    assert.equal(
      signedUrl(
        base,
        '/in/s?q=1',
        { 'x-forwarded-proto': 'http, https', 'x-forwarded-host': 'a.example' },
        true,
      ),
      'http://a.example/gateway/in/s?q=1',
    );
    assert.equal(
      signedUrl(base, '/in/s', { 'x-forwarded-host': 'a.example', 'x-forwarded-port': '8443' }, true),
      'https://a.example:8443/gateway/in/s',
    );
    assert.equal(
      signedUrl(base, '/in/s', { 'x-forwarded-host': 'a.example', 'x-forwarded-port': '443' }, true),
      'https://a.example/gateway/in/s',
    );
    assert.equal(
      signedUrl(base, '/in/s', { 'x-forwarded-prefix': '/p/' }, true),
      'https://hooks.example.com/p/in/s',
    );
    assert.equal(
      signedUrl(
        base,
        '/in/s',
        { 'x-forwarded-uri': '/myapp.php?foo=1&bar=2', 'x-forwarded-host': 'mycompany.com' },
        true,
      ),
      'https://mycompany.com/myapp.php?foo=1&bar=2',
    );
  });

  it('reads RFC 7239 Forwarded (first element, quoted values) before X-Forwarded-*', () => {
    assert.equal(
      signedUrl(
        base,
        '/in/s',
        {
          forwarded: 'for=1.2.3.4;proto=http;host="b.example:8080", for=5.6.7.8',
          'x-forwarded-host': 'c.example',
        },
        true,
      ),
      'http://b.example:8080/gateway/in/s',
    );
  });

  it('drops malformed forwarded values instead of building a URL from them', () => {
    assert.equal(
      signedUrl(
        base,
        '/in/s',
        { 'x-forwarded-proto': 'javascript', 'x-forwarded-host': 'a b', 'x-forwarded-uri': 'nope' },
        true,
      ),
      'https://hooks.example.com/gateway/in/s',
    );
  });
});
