import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EndpointsRepository, SourcesRepository } from '@gateway/persistence';
import { insertEndpoint, testDatabase, type EndpointFixture } from '../support/endpoints';
import { testSecretBox } from '../support/gateway';
import { startOutbound, type OutboundStack } from '../support/outbound';
import { Receiver } from '../support/receiver';
import { waitFor } from '../support/wait-for';

/** A sealed value under a key id no service is configured with (a key dropped while still in use). */
const underDroppedKey = `enc:v1:dropped:${Buffer.alloc(48, 7).toString('base64url')}`;

/**
 * ADR 0027: a stored secret that does not open (its key dropped from SECRETS_ENCRYPTION_KEYS, or
 * the value tampered with) affects its own row only. Before, one such row failed the whole
 * endpoint view: the dispatcher did not start, and a running one stopped taking endpoint changes.
 */
describe('an endpoint whose stored secret does not open', () => {
  let stack: OutboundStack;
  let healthy: EndpointFixture;
  let unreadable: EndpointFixture;
  let unreadableOrdered: EndpointFixture;
  const received = new Receiver();
  const silent = new Receiver();
  const events = Array.from({ length: 5 }, (_, n) => ({
    type: 'unread.ping',
    data: { n },
    id: `evt_unread_${n}`,
  }));

  before(async () => {
    await received.start();
    await silent.start();
    stack = await startOutbound(['router', 'dispatcher', 'scheduler'], {}, async () => {
      healthy = await insertEndpoint({ url: received.url, eventTypes: ['unread.*'] });
      unreadable = await insertEndpoint({ url: silent.url, eventTypes: ['unread.*'] });
      unreadableOrdered = await insertEndpoint({ url: silent.url, eventTypes: ['unread.*'], ordered: true });
      const db = await testDatabase();
      await db.query(`UPDATE endpoint_secrets SET key = $1 WHERE endpoint_id = ANY($2::text[])`, [
        underDroppedKey,
        [unreadable.id, unreadableOrdered.id],
      ]);
    });
    await stack.routerSees(3);
  });

  after(async () => {
    await stack?.stop();
    await received.stop();
    await silent.stop();
  });

  it('is served by the view marked unreadable, every other row as usual', async () => {
    const rows = await new EndpointsRepository(await testDatabase(), testSecretBox()).targets();
    const byId = new Map(rows.map((row) => [row.id, row]));
    assert.match(byId.get(unreadable.id)?.unreadable ?? '', /key id that is not configured/);
    assert.deepEqual(byId.get(unreadable.id)?.secrets, []);
    assert.equal(byId.get(healthy.id)?.unreadable, null);
    assert.equal(byId.get(healthy.id)?.secrets[0]?.key, healthy.secret);
  });

  it('delivers to the others while its tasks wait in the retry scheduler and its ordered head is held, nothing sent', async () => {
    await stack.publish(events);
    await waitFor(
      'every event delivered to the healthy endpoint',
      20000,
      () => received.requests.length >= 5,
    );
    const db = await testDatabase();
    const waiting = await waitFor(
      'the unreadable endpoint’s tasks in the retry scheduler',
      20000,
      async () => {
        const rows = await db.query<{ lastError: string }[]>(
          `SELECT last_error AS "lastError" FROM retries WHERE endpoint_id = $1`,
          [unreadable.id],
        );
        return rows.length === 5 && rows;
      },
    );
    for (const row of waiting) assert.match(row.lastError, /not configured/);
    const statuses = await db.query<{ endpointId: string; status: string }[]>(
      `SELECT endpoint_id AS "endpointId", status FROM deliveries WHERE endpoint_id = ANY($1::text[])`,
      [[unreadable.id, unreadableOrdered.id]],
    );
    assert.equal(statuses.length, 10, 'every delivery is on record');
    assert.ok(
      statuses.every((row) => row.status !== 'cancelled' && row.status !== 'dead'),
      `nothing given up: ${JSON.stringify(statuses)}`,
    );
    const attempts = await db.query<unknown[]>(
      `SELECT 1 FROM attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.endpoint_id = ANY($1::text[])`,
      [[unreadable.id, unreadableOrdered.id]],
    );
    assert.equal(attempts.length, 0, 'no attempt was made without its secret');
    assert.equal(silent.requests.length, 0);
  });

  it('keeps taking endpoint changes: a new endpoint is delivered to', async () => {
    const late = new Receiver();
    await late.start();
    try {
      await insertEndpoint({ url: late.url, eventTypes: ['unread.late'] });
      await stack.routerSees(4);
      await stack.publish([{ type: 'unread.late', data: {}, id: 'evt_unread_late' }]);
      await waitFor('the new endpoint delivered to', 20000, () => late.requests.length === 1);
    } finally {
      await late.stop();
    }
  });

  it("serves the ingress's sources the same way: one unreadable source, every other usable", async () => {
    const sources = new SourcesRepository(await testDatabase(), testSecretBox());
    const base = { provider: 'github', toleranceSeconds: 300, maxBodyBytes: 65536, dedupWindowSeconds: 3600 };
    await sources.insert('src_readable', { ...base, name: 'readable', secrets: ['s1'] });
    await sources.insert('src_unreadable', { ...base, name: 'unreadable', secrets: ['s2'] });
    await (
      await testDatabase()
    ).query(`UPDATE sources SET secrets = $1::jsonb WHERE id = 'src_unreadable'`, [
      JSON.stringify([underDroppedKey]),
    ]);
    const rows = new Map((await sources.forIngress()).map((row) => [row.id, row]));
    assert.deepEqual(rows.get('src_readable')?.secrets, ['s1']);
    assert.equal(rows.get('src_readable')?.unreadable, null);
    assert.match(rows.get('src_unreadable')?.unreadable ?? '', /not configured/);
  });
});
