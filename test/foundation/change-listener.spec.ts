import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createDataSource, listenForChanges, type DataSource } from '@gateway/persistence';
import { freshDatabase } from '../support/gateway';
import { waitFor } from '../support/wait-for';

/**
 * The views of one process share one listening connection (real PostgreSQL): the router syncs its
 * catalog and its subscriptions before each batch, and each sync was a round trip on a connection
 * of its own (two per batch). Now the syncs of one turn share one round trip, and each view still
 * gets its own channel's notifications.
 */
describe('change listener: one connection and one round trip for every view of a process', () => {
  let url: string;
  let db: DataSource;
  let observer: DataSource;
  const application = `listener_${randomUUID().slice(0, 8)}`;

  before(async () => {
    url = await freshDatabase();
    db = createDataSource(url, 4, application);
    observer = createDataSource(url, 1, 'listener-observer');
    await Promise.all([db.initialize(), observer.initialize()]);
  });

  after(async () => {
    await Promise.all([db.destroy(), observer.destroy()]);
  });

  /** The backends of the data source under test, with the last statement each ran. */
  const backends = () =>
    observer.query<{ pid: number; query: string }[]>(
      `SELECT pid, query FROM pg_stat_activity WHERE application_name = $1 ORDER BY pid`,
      [application],
    );

  it('listens on both channels over one connection, syncs both in one round trip, and delivers each its own notifications', async () => {
    const endpoints: (string | undefined)[] = [];
    const types: (string | undefined)[] = [];
    const subscriptions = await listenForChanges(db, 'endpoints_changed', (payload) =>
      endpoints.push(payload),
    );
    const catalog = await listenForChanges(db, 'event_types_changed', (payload) => types.push(payload));
    const listening = await backends();
    assert.equal(listening.length, 1, `one listening connection: ${JSON.stringify(listening)}`);

    // Both views ask in the same turn: one SELECT 1 answers both.
    const [first, second] = await Promise.all([subscriptions.sync(), catalog.sync()]);
    assert.deepEqual([first, second], [true, true]);
    const after = await backends();
    assert.equal(after.length, 1);
    assert.equal(after[0].pid, listening[0].pid, 'the same connection');

    await db.query(`NOTIFY endpoints_changed, 'ep_1'`);
    await db.query(`NOTIFY event_types_changed, 'type_1'`);
    // A sync started after the commits: both notifications are in once it answers.
    await Promise.all([subscriptions.sync(), catalog.sync()]);
    assert.deepEqual(endpoints, ['ep_1']);
    assert.deepEqual(types, ['type_1']);

    // One view stops: the other keeps its channel; the first one's is no longer delivered.
    await catalog.close();
    await db.query(`NOTIFY endpoints_changed, 'ep_2'`);
    await db.query(`NOTIFY event_types_changed, 'type_2'`);
    assert.equal(await subscriptions.sync(), true);
    assert.deepEqual(endpoints, ['ep_1', 'ep_2']);
    assert.deepEqual(types, ['type_1']);

    await subscriptions.close();
    await waitFor('the listening connection returned to the pool', 10_000, async () =>
      (await backends()).every(
        (backend) => !/LISTEN|SELECT 1/.test(backend.query) || /UNLISTEN/.test(backend.query),
      ),
    );
  });

  it('gives a sync asked for after the round trip was sent a round trip of its own', async () => {
    const seen: (string | undefined)[] = [];
    const listener = await listenForChanges(db, 'sources_changed', (payload) => seen.push(payload));
    const early = listener.sync();
    // The first round trip is on its way (sent at the end of the turn it was asked in).
    await Promise.resolve();
    await new Promise<void>((resolve) => setImmediate(resolve));
    await db.query(`NOTIFY sources_changed, 'src_1'`);
    const late = listener.sync();
    await Promise.all([early, late]);
    assert.deepEqual(
      seen,
      ['src_1'],
      'the later sync saw the notification committed before it was asked for',
    );
    await listener.close();
  });
});
