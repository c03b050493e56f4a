import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertEndpoint, testDatabase, type EndpointFixture } from '../support/endpoints';
import { startOutbound, type OutboundStack } from '../support/outbound';
import { Receiver } from '../support/receiver';
import { waitFor } from '../support/wait-for';

interface Recorded {
  endpointId: string;
  status: string;
  attempts: number;
  responseBody: string | null;
}

/** Each delivery of the event with its status and its first attempt's stored response body. */
async function recorded(eventId: string): Promise<Recorded[]> {
  const db = await testDatabase();
  return db.query<Recorded[]>(
    `SELECT d.endpoint_id AS "endpointId", d.status, d.attempts, a.response_body AS "responseBody"
       FROM deliveries d LEFT JOIN attempts a ON a.delivery_id = d.id AND a.attempt = 1
      WHERE d.event_id = $1 ORDER BY d.endpoint_id`,
    [eventId],
  );
}

/**
 * Issue 19, defect 1: a receiver that answered 200 with a NUL byte in its body made the attempt
 * row unstorable (PostgreSQL 22021), and the dispatcher retried the write forever: the delivery
 * stayed pending with no attempt, its partition's offset could not pass it, and another endpoint's
 * attempt that shared the failing batch stayed pending too.
 */
describe('what a receiver answers is stored safely (issue 19)', () => {
  let stack: OutboundStack;
  const hostile = new Receiver(() => ({ status: 200, body: Buffer.from('ok\u0000') }));
  const invalidUtf8 = new Receiver(() => ({
    status: 200,
    body: Buffer.from([0x6f, 0x6b, 0xff, 0xfe, 0x5c]),
  }));
  const plain = new Receiver();
  let endpoints: { hostile: EndpointFixture; invalidUtf8: EndpointFixture; plain: EndpointFixture };

  before(async () => {
    await Promise.all([hostile.start(), invalidUtf8.start(), plain.start()]);
    stack = await startOutbound(['router', 'dispatcher'], {}, async () => {
      endpoints = {
        hostile: await insertEndpoint({ url: hostile.url }),
        invalidUtf8: await insertEndpoint({ url: invalidUtf8.url }),
        plain: await insertEndpoint({ url: plain.url }),
      };
    });
    await stack.routerSees(3);
  });

  after(async () => {
    await stack?.stop();
    await Promise.all([hostile.stop(), invalidUtf8.stop(), plain.stop()]);
  });

  it('records a 200 whose body holds NUL or bytes that are not UTF-8 as a marked, escaped excerpt, and the attempt of another endpoint in the same batch', async () => {
    await stack.publish([{ type: 'order.paid', id: 'evt_nul_answer', data: { n: 1 } }], 'k1');
    const rows = await waitFor(
      'all three deliveries delivered, with their attempts on record',
      20000,
      async () => {
        const found = await recorded('evt_nul_answer');
        return found.length === 3 && found.every((row) => row.status === 'delivered' && row.attempts === 1)
          ? found
          : undefined;
      },
    );
    const body = (endpoint: EndpointFixture) =>
      rows.find((row) => row.endpointId === endpoint.id)?.responseBody;
    assert.equal(body(endpoints.hostile), '[binary, escaped] ok\\x00');
    assert.equal(body(endpoints.invalidUtf8), '[binary, escaped] ok\\xff\\xfe\\\\');
    assert.equal(body(endpoints.plain), 'ok');
  });

  it('keeps delivering on the same partition afterwards', async () => {
    await stack.publish([{ type: 'order.paid', id: 'evt_after_nul_answer', data: { n: 2 } }], 'k1');
    await waitFor('the next event delivered to every endpoint', 20000, async () => {
      const found = await recorded('evt_after_nul_answer');
      return found.length === 3 && found.every((row) => row.status === 'delivered');
    });
  });
});
