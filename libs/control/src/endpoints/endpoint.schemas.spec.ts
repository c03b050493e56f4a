import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { z } from 'zod';
import { createEndpointBody, gatewayTopicIssue, updateEndpointBody } from './endpoint.schemas';

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

  it('takes either a url or a destination, never both or neither', () => {
    const kafka = { type: 'kafka', topic: 'orders' };
    assert.deepEqual(paths({ destination: kafka }), []);
    assert.deepEqual(paths({ url: 'https://r.example', destination: kafka }), ['url']);
    assert.deepEqual(paths({}), ['url']);
    assert.deepEqual(paths({ destination: { type: 'kafka', topic: 'a b' } }), ['destination.topic']);
    const patch = (input: unknown) => paths(input, updateEndpointBody);
    assert.deepEqual(patch({ destination: kafka }), []);
    assert.deepEqual(patch({ url: 'https://r.example', destination: null }), []);
    assert.deepEqual(patch({ url: 'https://r.example', destination: kafka }), ['url']);
    assert.deepEqual(patch({ destination: null }), ['destination'], 'no target would be left');
  });

  it('refuses a topic of the gateway itself on its own cluster, not on another', () => {
    const topics = ['webhooks.events', 'webhooks.deliveries'];
    assert.deepEqual(gatewayTopicIssue({ type: 'kafka', topic: 'webhooks.events' }, topics), {
      path: 'destination.topic',
      message: "one of the gateway's own topics",
    });
    assert.equal(gatewayTopicIssue({ type: 'kafka', topic: 'orders' }, topics), undefined);
    assert.equal(
      gatewayTopicIssue({ type: 'kafka', topic: 'webhooks.events', brokers: ['other:9092'] }, topics),
      undefined,
    );
    assert.equal(gatewayTopicIssue(undefined, topics), undefined);
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
