import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { z } from 'zod';
import { createEndpointBody, updateEndpointBody } from './endpoint.schemas';

const paths = (input: unknown, schema: z.ZodType = createEndpointBody): string[] => {
  const result = schema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
};

describe('endpoint schemas', () => {
  it('fills the defaults of a minimal endpoint', () => {
    assert.deepEqual(createEndpointBody.parse({ url: 'https://r.example/in' }), {
      url: 'https://r.example/in',
      eventTypes: ['*'],
      ordered: false,
      headers: {},
      enabled: true,
    });
  });

  it('accepts http and https URLs only', () => {
    assert.deepEqual(paths({ url: 'http://127.0.0.1:8080/x' }), []);
    for (const url of ['ftp://x.example', 'javascript:alert(1)', 'file:///etc/passwd', '/relative']) {
      assert.deepEqual(paths({ url }), ['url'], url);
    }
  });

  it('refuses hop-by-hop, framing and webhook-* header names, in any case', () => {
    for (const name of [
      'Connection',
      'keep-alive',
      'TE',
      'Transfer-Encoding',
      'Upgrade',
      'Host',
      'Content-Length',
      'Webhook-Signature',
    ]) {
      assert.deepEqual(
        paths({ url: 'https://r.example', headers: { [name]: 'x' } }),
        [`headers.${name}`],
        name,
      );
    }
    assert.deepEqual(paths({ url: 'https://r.example', headers: { 'X-A': '1', 'x-a': '2' } }), [
      'headers.x-a',
    ]);
    assert.deepEqual(paths({ url: 'https://r.example', headers: { 'X-A': 'line\r\nInjected: 1' } }), [
      'headers.X-A',
    ]);
    assert.deepEqual(paths({ url: 'https://r.example', headers: { 'Bad Name': '1' } }), ['headers.Bad Name']);
    assert.deepEqual(
      paths({ url: 'https://r.example', headers: { Authorization: 'Bearer t', 'X-Team': 'a' } }),
      [],
    );
  });

  it('accepts whsec_ secrets of 24 to 64 bytes only', () => {
    const secret = (bytes: number) => `whsec_${Buffer.alloc(bytes, 1).toString('base64')}`;
    assert.deepEqual(paths({ url: 'https://r.example', secret: secret(24) }), []);
    assert.deepEqual(paths({ url: 'https://r.example', secret: secret(64) }), []);
    assert.deepEqual(paths({ url: 'https://r.example', secret: secret(16) }), ['secret']);
    assert.deepEqual(paths({ url: 'https://r.example', secret: 'hunter2-but-much-longer-than-that' }), [
      'secret',
    ]);
  });

  it('lets an update clear optional fields with null but not the url or the secret', () => {
    assert.deepEqual(
      paths(
        { filter: null, tenant: null, retryPolicy: null, rateLimit: null, description: null },
        updateEndpointBody,
      ),
      [],
    );
    assert.deepEqual(paths({ url: null }, updateEndpointBody), ['url']);
    assert.deepEqual(paths({ secret: 'whsec_x' }, updateEndpointBody), ['']);
  });
});
