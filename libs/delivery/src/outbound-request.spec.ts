import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeliveryTask } from '@gateway/schemas';
import { buildBody, buildHeaders } from './outbound-request';

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

const headersWith = (customHeaders: Record<string, string>) =>
  buildHeaders({
    task,
    body: buildBody(task),
    secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    customHeaders,
    userAgent: 'webhook-gateway/1',
    traceparent: undefined,
    nowSeconds: 1_700_000_000,
  });

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
});
