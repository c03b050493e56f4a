import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EndpointsRepository, type DataSource } from '@gateway/persistence';
import { generateSecret } from '@gateway/signing';
import { closeTestDatabase, insertEndpoint, useTestDatabase } from '../support/endpoints';
import { freshDatabase, testSecretBox } from '../support/gateway';

/** The dispatcher's view of the endpoints, as EndpointsRepository.targets loads it (real PostgreSQL). */
describe('endpoint targets', () => {
  let db: DataSource;
  let endpoints: EndpointsRepository;

  before(async () => {
    db = await useTestDatabase(await freshDatabase());
    endpoints = new EndpointsRepository(db, testSecretBox());
  });

  after(closeTestDatabase);

  const target = async (id: string) => (await endpoints.targets()).find((row) => row.id === id);

  // It came as a Date although typed as text, so the dispatcher's `Date.parse` dropped the
  // milliseconds and its disable reason printed the Date's local form.
  it('gives failingSince as the exact ISO text that its type says', async () => {
    const { id } = await insertEndpoint({ url: 'http://127.0.0.1:1/failing' });
    assert.equal((await target(id))?.failingSince, null);
    await endpoints.setFailing(id, true);
    const [{ stored }] = await db.query<{ stored: string }[]>(
      `SELECT to_char(failing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS stored
       FROM endpoints WHERE id = $1`,
      [id],
    );
    const failingSince = (await target(id))?.failingSince;
    assert.equal(typeof failingSince, 'string');
    assert.equal(failingSince, stored);
    // Milliseconds kept: the dispatcher compares it with its clock.
    assert.equal(new Date(Date.parse(failingSince)).toISOString().slice(0, 23), stored.slice(0, 23));
    await endpoints.setFailing(id, false);
    assert.equal((await target(id))?.failingSince, null);
  });

  it('carries the live secrets newest first, and none that expired', async () => {
    const { id, secret: first } = await insertEndpoint({ url: 'http://127.0.0.1:1/rotating' });
    const second = generateSecret();
    assert.equal(await endpoints.rotateSecret(id, second, 3600), true);
    assert.deepEqual(
      (await target(id))?.secrets.map((row) => row.key),
      [second, first],
    );
    const third = generateSecret();
    assert.equal(await endpoints.rotateSecret(id, third, 0), true);
    assert.deepEqual(
      (await target(id))?.secrets.map((row) => row.key),
      [third],
    );
    assert.equal(await endpoints.rotateSecret('ep_missing', generateSecret(), 0), false);
  });
});
