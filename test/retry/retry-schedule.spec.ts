import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Consumer } from 'kafkajs';
import { insertEndpoint, testDatabase, type EndpointFixture } from '../support/endpoints';
import { collect } from '../support/gateway';
import { startOutbound, type OutboundStack } from '../support/outbound';
import { Receiver } from '../support/receiver';
import { waitFor } from '../support/wait-for';

describe('retries: schedule, dead letters, circuit breaker, operational events', () => {
  let stack: OutboundStack;
  let events: { consumer: Consumer; messages: { value: string }[] };
  const flaky = new Receiver((_request, index) => (index < 2 ? { status: 503 } : { status: 200 }));
  let deadFixed = false;
  const dead = new Receiver(() => (deadFixed ? { status: 200 } : { status: 500 }));
  let breakerHealthy = false;
  const breaker = new Receiver(() => (breakerHealthy ? { status: 200 } : { status: 502 }));
  let deadEndpoint: EndpointFixture;
  let breakerEndpoint: EndpointFixture;

  before(async () => {
    for (const receiver of [flaky, dead, breaker]) await receiver.start();
    stack = await startOutbound(
      ['router', 'dispatcher', 'scheduler'],
      {
        BREAKER_FAILURE_THRESHOLD: '3',
        BREAKER_OPEN_MS: '1500',
        BREAKER_MAX_OPEN_MS: '3000',
        DELIVERY_CONCURRENCY_PER_ENDPOINT: '4',
      },
      async () => {
        await insertEndpoint({ url: flaky.url, eventTypes: ['flaky.*'] });
        deadEndpoint = await insertEndpoint({
          url: dead.url,
          eventTypes: ['dead.*'],
          retryPolicy: { maxAttempts: 3, baseSeconds: 0.2, factor: 1, capSeconds: 0.2 },
        });
        breakerEndpoint = await insertEndpoint({
          url: breaker.url,
          eventTypes: ['breaker.*'],
          retryPolicy: { maxAttempts: 20, baseSeconds: 0.2, factor: 1, capSeconds: 0.2 },
        });
      },
    );
    await stack.routerSees(3);
    events = await collect(stack.topics.events);
  });

  after(async () => {
    await events?.consumer.disconnect();
    await stack?.stop();
    for (const receiver of [flaky, dead, breaker]) await receiver.stop();
  });

  it('retries on the default schedule (about immediately, then 5 s) with the same webhook-id', async () => {
    await stack.publish([{ type: 'flaky.one', data: { n: 1 }, id: 'evt_flaky_1' }]);
    await waitFor('the third attempt', 20000, () => flaky.requests.length === 3);
    const [first, second, third] = flaky.requests as [
      (typeof flaky.requests)[0],
      (typeof flaky.requests)[0],
      (typeof flaky.requests)[0],
    ];
    assert.equal(new Set(flaky.requests.map((request) => request.headers['webhook-id'])).size, 1);
    const secondGap = second.receivedAt - first.receivedAt;
    const thirdGap = third.receivedAt - second.receivedAt;
    assert.ok(secondGap < 1500, `second attempt about immediately (${secondGap} ms)`);
    assert.ok(
      thirdGap >= 4500 && thirdGap <= 9000,
      `third attempt 5 s +-10% later, plus delivery time (up to 3.5 s on a slow machine) (${thirdGap} ms)`,
    );
    const db = await testDatabase();
    await waitFor('delivered after three attempts', 5000, async () => {
      const rows = await db.query<{ status: string; attempts: number }[]>(
        `SELECT status, attempts FROM deliveries WHERE event_id = 'evt_flaky_1'`,
      );
      return rows[0]?.status === 'delivered' && rows[0].attempts === 3;
    });
  });

  it("dead-letters a delivery that always fails after the policy's max attempts, with its history", async () => {
    await stack.publish([{ type: 'dead.one', data: { n: 1 }, id: 'evt_dead_1' }]);
    const db = await testDatabase();
    const row = await waitFor('a dead letter', 20000, async () => {
      const rows = await db.query<
        { endpointId: string; attempt: number; lastError: string; lastStatusCode: number }[]
      >(
        `SELECT endpoint_id AS "endpointId", attempt, last_error AS "lastError", last_status_code AS "lastStatusCode" FROM dead_letters WHERE event_id = 'evt_dead_1'`,
      );
      return rows[0];
    });
    assert.equal(row.endpointId, deadEndpoint.id);
    assert.equal(row.attempt, 3);
    assert.equal(row.lastStatusCode, 500);
    assert.equal(dead.requests.length, 3, 'exactly max attempts were made');
    const attempts = await waitFor('three attempts on record', 5000, async () => {
      const rows = await db.query<{ attempt: number }[]>(
        `SELECT a.attempt FROM attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.event_id = 'evt_dead_1' ORDER BY a.attempt`,
      );
      return rows.length === 3 ? rows : null;
    });
    assert.deepEqual(
      attempts.map((attempt) => attempt.attempt),
      [1, 2, 3],
    );
    await waitFor('the delivery.exhausted operational event', 10000, () =>
      events.messages.some((message) => {
        const value = JSON.parse(message.value) as { type: string; data: { eventId?: string } };
        return value.type === 'delivery.exhausted' && value.data.eventId === 'evt_dead_1';
      }),
    );
    deadFixed = true;
  });

  it('opens the circuit after sustained failure, stops traffic, probes half-open and recovers', async () => {
    await stack.publish(
      Array.from({ length: 40 }, (_, n) => ({ type: 'breaker.tick', data: { n }, id: `evt_breaker_${n}` })),
    );
    // threshold 3: three attempts fail, then the circuit opens and the rest wait in the scheduler
    const db = await testDatabase();
    await waitFor('deliveries deferred by the open circuit', 10000, async () => {
      const rows = await db.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM retries WHERE endpoint_id = $1 AND last_error = 'circuit open'`,
        [breakerEndpoint.id],
      );
      return rows[0].n >= 1;
    });
    const atOpen = breaker.requests.length;
    // Up to the endpoint's concurrency (4 here) may already be in flight when the third failure opens it.
    assert.ok(atOpen >= 3 && atOpen <= 20, `attempts stopped while open (${atOpen} of 40 made)`);
    breakerHealthy = true;
    await waitFor('the endpoint.recovered operational event', 10000, () =>
      events.messages.some((message) => {
        const value = JSON.parse(message.value) as { type: string; data: { endpointId?: string } };
        return value.type === 'endpoint.recovered' && value.data.endpointId === breakerEndpoint.id;
      }),
    );
    await waitFor('every breaker delivery delivered', 45000, async () => {
      const rows = await db.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM deliveries WHERE endpoint_id = $1 AND status = 'delivered'`,
        [breakerEndpoint.id],
      );
      return rows[0].n === 40;
    });
  });
});
