import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { consoleServingConfig } from '@gateway/control';
import { consoleHeaders } from './console';

describe('consoleHeaders', () => {
  const csp = (url: string, ancestors: string[]) => consoleHeaders(url, ancestors)['content-security-policy'];

  it('allows the configured origins to frame the portal only', () => {
    const origins = ['https://app.example.com', 'http://127.0.0.1:9000'];
    for (const url of ['/console/portal', '/console/portal/events', '/console/portal?x=1'])
      assert.match(
        csp(url, origins),
        /frame-ancestors https:\/\/app\.example\.com http:\/\/127\.0\.0\.1:9000$/,
        url,
      );
    for (const url of [
      '/console',
      '/console/',
      '/console/endpoints',
      '/console/portalx',
      '/console/assets/a.js',
    ])
      assert.match(csp(url, origins), /frame-ancestors 'none'$/, url);
    assert.match(csp('/console/portal', []), /frame-ancestors 'none'$/);
  });

  it('sends a strict policy without inline script or style, nosniff and no referrer', () => {
    const headers = consoleHeaders('/console', []);
    assert.match(headers['content-security-policy'], /script-src 'self';/);
    assert.match(headers['content-security-policy'], /style-src 'self';/);
    assert.doesNotMatch(headers['content-security-policy'], /unsafe-inline|unsafe-eval/);
    assert.equal(headers['x-content-type-options'], 'nosniff');
    assert.equal(headers['referrer-policy'], 'no-referrer');
  });
});

describe('PORTAL_FRAME_ANCESTORS', () => {
  const parse = (value: string | undefined) => consoleServingConfig.PORTAL_FRAME_ANCESTORS.safeParse(value);

  it('reads space-separated origins, empty by default', () => {
    assert.deepEqual(parse(undefined).data, []);
    assert.deepEqual(parse(' https://a.example  http://localhost:8080 ').data, [
      'https://a.example',
      'http://localhost:8080',
    ]);
  });

  it('refuses anything but an origin', () => {
    for (const value of [
      'a.example',
      'https://a.example/path',
      "'self'",
      'javascript:alert(1)',
      'https://a.example;',
    ])
      assert.equal(parse(value).success, false, value);
  });
});
