import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { insertEndpoint, type EndpointFixture } from '../support/endpoints';
import { startOutbound, type OutboundStack } from '../support/outbound';
import { Receiver } from '../support/receiver';
import { waitFor } from '../support/wait-for';

const token = 'exact-numbers-admin-token-0123456789';
/**
 * Beyond 2^53: JSON.parse would turn these into 12345678901234567000 and 9007199254740992; and
 * decimals beyond a double's 15-17 digits, which it would turn into 1234567890.1234567 and
 * -0.00012345678901234568.
 */
const data =
  '{"id":12345678901234567890,"list":[9007199254740993,-98765432109876543210],"small":1.5,"price":1234567890.123456789012,"rate":-0.000123456789012345678901}';

describe('numbers a double cannot hold in event data arrive digit for digit', () => {
  let stack: OutboundStack;
  let failFirst = true;
  const flaky = new Receiver(() => {
    if (!failFirst) return { status: 200 };
    failFirst = false;
    return { status: 500 };
  });
  const filtered = new Receiver();
  let flakyEndpoint: EndpointFixture;

  const api = (method: string, path: string, body?: string) =>
    fetch(`${stack.services.api.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body,
    });

  before(async () => {
    await flaky.start();
    await filtered.start();
    stack = await startOutbound(
      ['api', 'router', 'dispatcher', 'scheduler'],
      { ADMIN_TOKEN: token },
      async () => {
        flakyEndpoint = await insertEndpoint({
          url: flaky.url,
          eventTypes: ['big.*'],
          retryPolicy: { maxAttempts: 3, baseSeconds: 0.5, factor: 1, capSeconds: 0.5 },
        });
      },
    );
    await stack.routerSees(1);
  });

  after(async () => {
    await stack?.stop();
    await flaky.stop();
    await filtered.stop();
  });

  it('through Kafka, the router, a failed attempt, the retry scheduler and the dispatcher, signed over the exact bytes, the retry byte for byte the first attempt', async () => {
    await stack.producer.send({
      topic: stack.topics.events,
      messages: [{ value: `{"type":"big.kafka","id":"evt_big_kafka","data":${data}}` }],
    });
    await waitFor('the first attempt and its retry', 20000, () => flaky.requests.length === 2);
    for (const request of flaky.requests) {
      assert.ok(request.body.endsWith(`"data":${data}}`), request.body);
      assert.doesNotThrow(() => new Webhook(flakyEndpoint.secret).verify(request.body, request.headers));
    }
  });

  it('through POST /v1/events, the event log, and a payload filter comparing such an integer', async () => {
    const created = await api(
      'POST',
      '/v1/endpoints',
      JSON.stringify({
        url: filtered.url,
        eventTypes: ['big.*'],
        filter: { id: { $gt: 12345678901234560000 } },
      }),
    );
    assert.equal(created.status, 201, await created.clone().text());
    const published = await api('POST', '/v1/events', `{"type":"big.api","id":"evt_big_api","data":${data}}`);
    assert.equal(published.status, 202, await published.clone().text());
    await waitFor('the delivery through the filter', 20000, () => filtered.requests.length === 1);
    assert.ok(filtered.requests[0].body.endsWith(`"data":${data}}`), filtered.requests[0].body);
    const logged = await (await api('GET', '/v1/events/evt_big_api')).text();
    assert.ok(
      logged.includes(`"data":${data}`),
      `the event log keeps the digits and the key order: ${logged}`,
    );
  });
});
