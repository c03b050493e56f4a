import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertEndpoint, testDatabase } from '../support/endpoints';
import { startOutbound, type OutboundStack } from '../support/outbound';
import { Receiver } from '../support/receiver';
import { waitFor } from '../support/wait-for';

// This dispatcher runs WITHOUT an allow-list: loopback is refused like any private range.
// The blocked targets are refused before any connection is attempted.
describe('SSRF guard of the dispatcher', () => {
  let stack: OutboundStack;
  const local = new Receiver();
  const targets: Record<string, string> = {};

  before(async () => {
    await local.start();
    const port = new URL(local.url).port;
    stack = await startOutbound(['router', 'dispatcher'], { DELIVERY_ALLOWLIST: '' }, async () => {
      targets.metadata = (await insertEndpoint({ url: 'http://169.254.169.254/latest/meta-data/' })).id;
      targets.privateIp = (await insertEndpoint({ url: 'http://10.0.0.1/hook' })).id;
      targets.loopbackIp = (await insertEndpoint({ url: `http://127.0.0.1:${port}/hook` })).id;
      targets.localhostName = (await insertEndpoint({ url: `http://localhost:${port}/hook` })).id;
    });
    await stack.routerSees(4);
  });

  after(async () => {
    await stack?.stop();
    await local.stop();
  });

  it('refuses metadata, private, loopback and names resolving to loopback, with a clear attempt error', async () => {
    await stack.publish([{ type: 'ssrf.probe', data: {}, id: 'evt_ssrf_1' }]);
    const db = await testDatabase();
    const rows = await waitFor('four refused attempts', 15000, async () => {
      const found = await db.query<
        { endpointId: string; status: string; error: string; statusCode: number | null }[]
      >(
        `SELECT d.endpoint_id AS "endpointId", d.status, a.error, a.status_code AS "statusCode"
         FROM deliveries d JOIN attempts a ON a.delivery_id = d.id WHERE d.event_id = 'evt_ssrf_1'`,
      );
      return found.length === 4 ? found : null;
    });
    for (const row of rows) {
      assert.equal(row.statusCode, null);
      assert.equal(row.status, 'dead', 'a blocked target is not retried');
      assert.match(row.error, /blocked address/);
    }
    const byEndpoint = new Map(rows.map((row) => [row.endpointId, row.error]));
    assert.match(byEndpoint.get(targets.localhostName)!, /localhost resolves to 127\.0\.0\.1/);
    assert.equal(local.requests.length, 0, 'the local receiver was never reached');
  });
});
