import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import type { DeliveryTask } from '@gateway/schemas';
import { createAddressPolicy } from '../../address-policy';
import { signMessage } from '../../outbound-request';
import { HttpDestination } from './http-destination';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const task: DeliveryTask = {
  deliveryId: 'dlv_http_1',
  endpointId: 'ep_1',
  attempt: 1,
  event: {
    id: 'evt_1',
    type: 'invoice.paid',
    data: { n: 1 },
    tenant: null,
    occurredAt: '2026-01-01T00:00:00Z',
  },
  orderingKey: null,
  publishedAt: 0,
};

describe('HTTP destination', () => {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString() });
      response.writeHead(204).end();
    });
  });
  const destination = new HttpDestination({
    policy: createAddressPolicy(['127.0.0.0/8']),
    timeoutMs: 2000,
    connectTimeoutMs: 1000,
    userAgent: 'webhook-gateway/test',
  });
  let url = '';

  before(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });

  after(async () => {
    await destination.close();
    server.close();
  });

  it('POSTs the signed message with the endpoint’s headers; a Standard Webhooks library verifies it', async () => {
    const message = signMessage({
      task,
      secrets: [secret],
      traceparent: undefined,
      nowSeconds: Math.floor(Date.now() / 1000),
    });
    const result = await destination.deliver(
      { type: 'http', url, headers: { 'X-Team': 'billing' } },
      message,
    );
    assert.equal(result.statusCode, 204);
    const [request] = received;
    assert.equal(request.headers['x-team'], 'billing');
    assert.equal(request.headers['user-agent'], 'webhook-gateway/test');
    assert.equal(request.headers['content-type'], 'application/json');
    const verified = new Webhook(secret).verify(request.body, {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    });
    assert.deepEqual(verified, { type: 'invoice.paid', timestamp: '2026-01-01T00:00:00Z', data: { n: 1 } });
  });
});
