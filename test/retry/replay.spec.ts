import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertEndpoint, testDatabase, type EndpointFixture } from '../support/endpoints';
import { startOutbound, type OutboundStack } from '../support/outbound';
import { Receiver } from '../support/receiver';
import { waitFor } from '../support/wait-for';

const token = 'replay-test-admin-token-0123456789';

describe('replay, recover, redrive and pending retries through the control API', () => {
  let stack: OutboundStack;
  let broken = true;
  const flappy = new Receiver(() => (broken ? { status: 500 } : { status: 200 }));
  const slow = new Receiver(() => ({ status: 503 }));
  const orderedDown = new Receiver(() => ({ status: 500 }));
  let flappyEndpoint: EndpointFixture;
  let slowEndpoint: EndpointFixture;
  let orderedEndpoint: EndpointFixture;

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${stack.services.api.url}${path}`, {
      method,
      headers:
        body === undefined
          ? { authorization: `Bearer ${token}` }
          : { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  /** Dead letters recorded by the scheduler whose delivery the dispatcher has also marked dead (recover reads the latter). */
  const deadCount = async (eventIds: string[]) => {
    const db = await testDatabase();
    const rows = await db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM dead_letters l JOIN deliveries d ON d.id = l.delivery_id WHERE l.event_id = ANY($1) AND d.status = 'dead'`,
      [eventIds],
    );
    return rows[0].n;
  };

  /**
   * A recover window's start after every delivery made so far. The API takes it to the millisecond
   * and PostgreSQL stamps created_at to the microsecond (read back truncated to the millisecond), so
   * this waits until the clock is in a later millisecond than the latest delivery.
   */
  const sinceLatestDelivery = async () => {
    const db = await testDatabase();
    const [{ latest }] = await db.query<{ latest: Date | null }[]>(
      `SELECT max(created_at) AS latest FROM deliveries`,
    );
    return waitFor('the clock past the latest delivery', 1000, () => {
      const now = new Date();
      return (latest === null || now > latest) && now.toISOString();
    });
  };

  before(async () => {
    await flappy.start();
    await slow.start();
    await orderedDown.start();
    stack = await startOutbound(
      ['api', 'router', 'dispatcher', 'scheduler'],
      { ADMIN_TOKEN: token, BREAKER_FAILURE_THRESHOLD: '1000' },
      async () => {
        flappyEndpoint = await insertEndpoint({
          url: flappy.url,
          eventTypes: ['flap.*'],
          retryPolicy: { maxAttempts: 1, baseSeconds: 1, factor: 1, capSeconds: 1 },
        });
        slowEndpoint = await insertEndpoint({
          url: slow.url,
          eventTypes: ['slow.*'],
          retryPolicy: { maxAttempts: 5, baseSeconds: 3600, factor: 1, capSeconds: 3600 },
        });
        orderedEndpoint = await insertEndpoint({
          url: orderedDown.url,
          eventTypes: ['ord.*'],
          ordered: true,
          retryPolicy: { maxAttempts: 5, baseSeconds: 3600, factor: 1, capSeconds: 3600 },
        });
      },
    );
    await stack.routerSees(3);
  });

  after(async () => {
    await stack?.stop();
    await flappy.stop();
    await slow.stop();
    await orderedDown.stop();
  });

  it('lists dead letters and redrives them once the endpoint is fixed, with the same webhook-id', async () => {
    await stack.publish([{ type: 'flap.one', data: { n: 1 }, id: 'evt_redrive_1' }]);
    await waitFor('the dead letter', 15000, async () => (await deadCount(['evt_redrive_1'])) === 1);
    const listed = await api('GET', `/v1/dead-letters?endpointId=${flappyEndpoint.id}`);
    assert.equal(listed.status, 200);
    const letters = listed.body.data as { eventId: string; lastStatusCode: number }[];
    assert.equal(letters.length, 1);
    assert.equal(letters[0].eventId, 'evt_redrive_1');
    assert.equal(letters[0].lastStatusCode, 500);
    broken = false;
    const redriven = await api('POST', '/v1/dead-letters/redrive', { endpointId: flappyEndpoint.id });
    assert.equal(redriven.status, 202);
    assert.deepEqual(redriven.body, { count: 1 });
    await waitFor('the redriven delivery', 15000, () => flappy.requests.length === 2);
    assert.equal(flappy.requests[0].headers['webhook-id'], flappy.requests[1].headers['webhook-id']);
    const again = await api('POST', '/v1/dead-letters/redrive', { endpointId: flappyEndpoint.id });
    assert.deepEqual(again.body, { count: 0 }, 'a dead letter is redriven once');
  });

  it('recover re-sends exactly the failed deliveries of the window', async () => {
    broken = true;
    await stack.publish([{ type: 'flap.early', data: { n: 'early' }, id: 'evt_recover_early' }]);
    await waitFor('the early failure', 15000, async () => (await deadCount(['evt_recover_early'])) === 1);
    const since = await sinceLatestDelivery();
    await stack.publish([
      { type: 'flap.late', data: { n: 'late-1' }, id: 'evt_recover_1' },
      { type: 'flap.late', data: { n: 'late-2' }, id: 'evt_recover_2' },
    ]);
    await waitFor(
      'the late failures',
      15000,
      async () => (await deadCount(['evt_recover_1', 'evt_recover_2'])) === 2,
    );
    broken = false;
    const before = flappy.requests.length;
    const recovered = await api('POST', `/v1/endpoints/${flappyEndpoint.id}/recover`, { since });
    assert.equal(recovered.status, 202);
    assert.deepEqual(recovered.body, { count: 2 });
    await waitFor('two recovered deliveries', 15000, () => flappy.requests.length === before + 2);
    const sent = flappy.requests
      .slice(before)
      .map((request) => (JSON.parse(request.body) as { data: { n: string } }).data.n)
      .sort();
    assert.deepEqual(sent, ['late-1', 'late-2']);
  });

  it('recover also re-sends deliveries cancelled while the endpoint was disabled', async () => {
    broken = true;
    const since = await sinceLatestDelivery();
    await stack.publish([{ type: 'flap.cancelled', data: { n: 'cancelled' }, id: 'evt_recover_cancelled' }]);
    await waitFor('the failure', 15000, async () => (await deadCount(['evt_recover_cancelled'])) === 1);
    // As the dispatcher leaves a delivery whose endpoint was disabled in the meantime.
    const db = await testDatabase();
    await db.query(`UPDATE deliveries SET status = 'cancelled' WHERE event_id = 'evt_recover_cancelled'`);
    broken = false;
    const before = flappy.requests.length;
    const recovered = await api('POST', `/v1/endpoints/${flappyEndpoint.id}/recover`, { since });
    assert.deepEqual(recovered.body, { count: 1 });
    await waitFor('the recovered delivery', 15000, () => flappy.requests.length === before + 1);
  });

  it('retries one delivery on request, as its next attempt', async () => {
    const db = await testDatabase();
    const rows = await db.query<{ id: string }[]>(
      `SELECT id FROM deliveries WHERE event_id = 'evt_recover_early'`,
    );
    const before = flappy.requests.length;
    const answer = await api('POST', `/v1/deliveries/${rows[0].id}/retry`);
    assert.equal(answer.status, 202);
    assert.equal(answer.body.attempt, 2);
    await waitFor('the retried delivery', 15000, () => flappy.requests.length === before + 1);
    assert.equal(flappy.requests.at(-1)!.headers['webhook-id'], rows[0].id);
    assert.equal((await api('POST', '/v1/deliveries/msg_nope/retry')).status, 404);
  });

  it('replays an event to its current subscribers', async () => {
    const before = flappy.requests.length;
    const answer = await api('POST', '/v1/events/evt_recover_1/replay');
    assert.equal(answer.status, 202);
    assert.deepEqual(answer.body, { count: 1 });
    await waitFor('the replayed delivery', 15000, () => flappy.requests.length === before + 1);
  });

  it('lists pending retries with their due times, and deleting the endpoint cancels them', async () => {
    await stack.publish([{ type: 'slow.one', data: {}, id: 'evt_pending_1' }]);
    const listed = await waitFor('a pending retry', 15000, async () => {
      const page = await api('GET', `/v1/endpoints/${slowEndpoint.id}/retries`);
      return (page.body.data as unknown[] | undefined)?.length === 1 ? page.body : null;
    });
    const retry = (listed.data as { eventId: string; attempt: number; dueAt: string }[])[0];
    assert.equal(retry.eventId, 'evt_pending_1');
    assert.equal(retry.attempt, 2);
    assert.ok(Date.parse(retry.dueAt) > Date.now(), 'due in the future');
    assert.equal((await api('DELETE', `/v1/endpoints/${slowEndpoint.id}`)).status, 204);
    const db = await testDatabase();
    const left = await db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM retries WHERE endpoint_id = $1`,
      [slowEndpoint.id],
    );
    assert.equal(left[0].n, 0);
  });

  it("lists an ordered endpoint's head, which its dispatcher retries in place, as a pending retry", async () => {
    await stack.publish([{ type: 'ord.one', data: {}, id: 'evt_ordered_pending' }]);
    const listed = await waitFor('the ordered head as a pending retry', 15000, async () => {
      const page = await api('GET', `/v1/endpoints/${orderedEndpoint.id}/retries`);
      return (page.body.data as unknown[] | undefined)?.length === 1 ? page.body : null;
    });
    const retry = (
      listed.data as { eventId: string; attempt: number; dueAt: string; lastStatusCode: number }[]
    )[0];
    assert.equal(retry.eventId, 'evt_ordered_pending');
    assert.ok(retry.attempt >= 2);
    assert.equal(retry.lastStatusCode, 500);
    assert.ok(Date.parse(retry.dueAt) > Date.now() - 1000, 'with its due time');
  });
});
