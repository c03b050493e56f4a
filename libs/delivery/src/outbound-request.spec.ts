import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeliveryTask } from '@gateway/schemas';
import { requestHeaders, signMessage } from './outbound-request';

const task: DeliveryTask = {
  deliveryId: 'dlv_1',
  endpointId: 'ep_1',
  attempt: 1,
  event: {
    id: 'evt_1',
    type: 'test.headers',
    data: { n: 1 },
    tenant: null,
    occurredAt: new Date(0).toISOString(),
  },
  orderingKey: null,
  publishedAt: 0,
};

const message = signMessage({
  task,
  secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
  traceparent: undefined,
  nowSeconds: 1_700_000_000,
});

const headersWith = (customHeaders: Record<string, string>) =>
  requestHeaders(customHeaders, 'webhook-gateway/1', message);

describe('outbound request headers', () => {
  it("sends the gateway's User-Agent, or the endpoint's own instead of it (never both)", () => {
    assert.equal(headersWith({})['user-agent'], 'webhook-gateway/1');
    const custom = headersWith({ 'User-Agent': 'acme-allowlisted/2', 'X-Team': 'billing' });
    assert.deepEqual(
      Object.keys(custom)
        .filter((name) => name.toLowerCase() === 'user-agent')
        .map((name) => custom[name]),
      ['acme-allowlisted/2'],
    );
    assert.equal(custom['X-Team'], 'billing');
  });

  it('drops custom values of the headers the gateway sets', () => {
    const headers = headersWith({ 'Content-Type': 'text/plain', 'webhook-id': 'forged' });
    assert.equal(headers['content-type'], 'application/json');
    assert.equal(headers['webhook-id'], 'dlv_1');
    assert.equal(headers['Content-Type'], undefined);
  });

  it('keeps the order of a request: custom, content type, user agent, then the signed headers', () => {
    assert.deepEqual(Object.keys(headersWith({ 'X-Team': 'billing' })), [
      'X-Team',
      'content-type',
      'user-agent',
      'webhook-id',
      'webhook-timestamp',
      'webhook-signature',
    ]);
  });
});

describe('signed message', () => {
  it('is keyed by the ordering key, else the event id, and carries traceparent only when traced', () => {
    assert.equal(message.key, 'evt_1');
    assert.equal(message.headers.traceparent, undefined);
    const traced = signMessage({
      task: { ...task, orderingKey: 'customer-7' },
      secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      nowSeconds: 1_700_000_000,
    });
    assert.equal(traced.key, 'customer-7');
    assert.equal(traced.headers.traceparent, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
  });
});
