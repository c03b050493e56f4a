import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertEndpoint, testDatabase, type EndpointFixture } from '../support/endpoints';
import { startOutbound, type OutboundStack } from '../support/outbound';
import { Receiver } from '../support/receiver';
import { waitFor } from '../support/wait-for';

/** The delay the receiver asks for on its first failure: the 410 comes well before that retry is due (the spec never waits for it). */
const RETRY_AFTER_SECONDS = 30;

describe('an endpoint whose receiver answers 410 Gone', () => {
  let stack: OutboundStack;
  let endpoint: EndpointFixture;
  const typeOf = (body: string) => (JSON.parse(body) as { type: string }).type;
  // 503 with Retry-After for the first event (a retry is scheduled), 410 for the second.
  const receiver = new Receiver((request) =>
    typeOf(request.body) === 'gone.now'
      ? { status: 410 }
      : { status: 503, headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } },
  );

  const delivery = async (eventId: string) => {
    const db = await testDatabase();
    const rows = await db.query<{ id: string; status: string }[]>(
      `SELECT id, status FROM deliveries WHERE event_id = $1`,
      [eventId],
    );
    return rows[0];
  };
  const pendingRetries = async () => {
    const db = await testDatabase();
    const rows = await db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM retries WHERE endpoint_id = $1`,
      [endpoint.id],
    );
    return rows[0].n;
  };

  before(async () => {
    await receiver.start();
    stack = await startOutbound(
      ['router', 'dispatcher', 'scheduler'],
      { BREAKER_FAILURE_THRESHOLD: '1000' },
      async () => {
        endpoint = await insertEndpoint({
          url: receiver.url,
          eventTypes: ['gone.*'],
          retryPolicy: { maxAttempts: 5, baseSeconds: 1, factor: 1, capSeconds: 1 },
        });
      },
    );
    await stack.routerSees(1);
  });

  after(async () => {
    await stack?.stop();
    await receiver.stop();
  });

  it('is disabled by the dispatcher, and its pending retry is cancelled at once, without another attempt', async () => {
    await stack.publish([{ type: 'gone.before', data: { n: 1 }, id: 'evt_gone_retrying' }]);
    await waitFor(
      'a retry pending',
      15000,
      async () =>
        (await pendingRetries()) === 1 && (await delivery('evt_gone_retrying'))?.status === 'retrying',
    );

    await stack.publish([{ type: 'gone.now', data: { n: 2 }, id: 'evt_gone_410' }]);
    const db = await testDatabase();
    const disabled = await waitFor('the endpoint disabled', 15000, async () => {
      const rows = await db.query<{ enabled: boolean; reason: string | null }[]>(
        `SELECT enabled, disabled_reason AS reason FROM endpoints WHERE id = $1`,
        [endpoint.id],
      );
      return rows[0].enabled === false && rows[0];
    });
    const gone = await waitFor('the 410 delivery dead', 15000, async () => {
      const row = await delivery('evt_gone_410');
      return row?.status === 'dead' && row;
    });
    assert.equal(disabled.reason, `HTTP 410 Gone on delivery ${gone.id}`);
    assert.equal(receiver.requests.length, 2, 'one attempt of each event so far');

    // Disabling cancelled the pending retry at once (before the 410 was recorded dead), well before
    // it was due: it did not wait to reach the dispatcher. Before the fix, the row stayed until due.
    assert.equal(await pendingRetries(), 0, 'no retry left once the endpoint is disabled');
    assert.equal((await delivery('evt_gone_retrying'))?.status, 'cancelled');
    assert.deepEqual(
      receiver.requests.map((request) => typeOf(request.body)),
      ['gone.before', 'gone.now'],
      'the cancelled retry was not sent',
    );
  });
});
