import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ReplayService } from '@gateway/control';
import {
  DeadLettersRepository,
  DeliveriesRepository,
  EndpointsRepository,
  EventsRepository,
  RetriesRepository,
  type DataSource,
} from '@gateway/persistence';
import { closeTestDatabase, insertEndpoint, useTestDatabase } from '../support/endpoints';
import { freshDatabase } from '../support/gateway';

/**
 * Issue 19: `POST /v1/endpoints/:id/recover` loaded every failed delivery of its window, payload
 * and all, at once. It reads them a page at a time (keyset on created_at and id), each page sent
 * before the next is read. Real PostgreSQL; deliveries created in one statement share their
 * created_at, so the pages must also be right across ties.
 */
describe('recover: a window read in pages (issue 19)', () => {
  const total = 2345;
  let db: DataSource;
  let endpointId: string;

  before(async () => {
    db = await useTestDatabase(await freshDatabase());
    endpointId = (await insertEndpoint({ url: 'http://127.0.0.1:1/hook' })).id;
    await db.query(
      `INSERT INTO events (id, type, data, occurred_at) VALUES ('evt_rp', 'rp.one', '{"n":1}', now())`,
    );
    await db.query(
      `INSERT INTO deliveries (id, event_id, endpoint_id, status, attempts)
       SELECT 'dlv_rp_' || lpad(n::text, 5, '0'), 'evt_rp', $1, (ARRAY['dead', 'retrying', 'cancelled', 'delivered'])[1 + n % 4], 1
       FROM generate_series(1, $2) AS n`,
      [endpointId, total],
    );
  });

  after(closeTestDatabase);

  it('sends every failed delivery of the window exactly once, reading at most a page ahead of what was sent', async () => {
    const deliveries = new DeliveriesRepository(db);
    let reads = 0;
    let readsWhenLastSent = 0;
    const originalRead = deliveries.failedForReplay.bind(deliveries);
    deliveries.failedForReplay = async (...args) => {
      reads++;
      return originalRead(...args);
    };
    const sent: string[] = [];
    const service = new ReplayService(
      {
        endpoints: new EndpointsRepository(db),
        events: new EventsRepository(db),
        deliveries,
        retries: new RetriesRepository(db),
        deadLetters: new DeadLettersRepository(db),
      },
      async (tasks) => {
        assert.ok(tasks.length <= 500, 'sent in batches of 500 at most');
        assert.ok(reads - readsWhenLastSent <= 1, 'no page read before the previous one was sent');
        readsWhenLastSent = reads;
        sent.push(...tasks.map((task) => task.deliveryId));
      },
    );
    const failed = total - Math.floor(total / 4);
    assert.deepEqual(await service.recover(endpointId, { since: '2000-01-01T00:00:00Z' }), { count: failed });
    assert.equal(new Set(sent).size, failed, 'each once');
    assert.equal(reads, Math.ceil(failed / 1000) + (failed % 1000 === 0 ? 1 : 0), 'pages of 1,000');
  });
});
