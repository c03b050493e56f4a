import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KafkaUnavailableError } from '@gateway/kafka';
import { DeadLettersRepository, type DataSource } from '@gateway/persistence';
import { closeTestDatabase, insertEndpoint, useTestDatabase } from '../support/endpoints';
import { freshDatabase } from '../support/gateway';

/** Redrive marks dead letters and sends their deliveries in one transaction (real PostgreSQL). */
describe('redrive: dead letters stay unmarked when their tasks are not acknowledged', () => {
  let db: DataSource;
  let endpointId: string;

  before(async () => {
    db = await useTestDatabase(await freshDatabase());
    endpointId = (await insertEndpoint({ url: 'http://127.0.0.1:1/hook' })).id;
    await db.query(
      `INSERT INTO events (id, type, data, occurred_at) VALUES ('evt_rd_1', 'rd.one', '{"n":1}', now())`,
    );
    await db.query(
      `INSERT INTO deliveries (id, event_id, endpoint_id, status, attempts) VALUES ('dlv_rd_1', 'evt_rd_1', $1, 'dead', 3)`,
      [endpointId],
    );
    await db.query(
      `INSERT INTO dead_letters (delivery_id, attempt, endpoint_id, event_id, dead_at, last_error, last_status_code, task)
       VALUES ('dlv_rd_1', 3, $1, 'evt_rd_1', now(), 'HTTP 500', 500, '{}')`,
      [endpointId],
    );
  });

  after(closeTestDatabase);

  const redrivenAt = async () =>
    (
      await db.query<{ redrivenAt: Date | null }[]>(
        `SELECT redriven_at AS "redrivenAt" FROM dead_letters WHERE delivery_id = 'dlv_rd_1'`,
      )
    )[0].redrivenAt;

  it('leaves them unmarked when the send fails, and marks them once it is acknowledged', async () => {
    const deadLetters = new DeadLettersRepository(db);
    await assert.rejects(
      deadLetters.redrive({ endpointId }, async () => {
        throw new KafkaUnavailableError('kafka write failed: test');
      }),
      KafkaUnavailableError,
    );
    assert.equal(await redrivenAt(), null, 'a failed send marks nothing: the next redrive finds it');
    const sent: { deliveryId: string; nextAttempt: number }[] = [];
    assert.equal(await deadLetters.redrive({ endpointId }, async (rows) => void sent.push(...rows)), 1);
    assert.deepEqual(
      sent.map(({ deliveryId, nextAttempt }) => ({ deliveryId, nextAttempt })),
      [{ deliveryId: 'dlv_rd_1', nextAttempt: 4 }],
    );
    assert.ok((await redrivenAt()) instanceof Date);
    assert.equal(await deadLetters.redrive({ endpointId }, async () => undefined), 0, 'redriven once');
  });

  it('marks chunk by chunk: a chunk whose send fails stays unmarked, the ones sent before stay marked', async () => {
    for (const n of [2, 3]) {
      await db.query(`INSERT INTO events (id, type, data, occurred_at) VALUES ($1, 'rd.more', '{}', now())`, [
        `evt_rd_${n}`,
      ]);
      await db.query(
        `INSERT INTO deliveries (id, event_id, endpoint_id, status, attempts) VALUES ($1, $2, $3, 'dead', 1)`,
        [`dlv_rd_${n}`, `evt_rd_${n}`, endpointId],
      );
      await db.query(
        `INSERT INTO dead_letters (delivery_id, attempt, endpoint_id, event_id, dead_at, last_error, last_status_code, task)
         VALUES ($1, 1, $2, $3, now() + make_interval(secs => $4), 'HTTP 500', 500, '{}')`,
        [`dlv_rd_${n}`, endpointId, `evt_rd_${n}`, n],
      );
    }
    const deadLetters = new DeadLettersRepository(db);
    let sends = 0;
    const failSecond = async () => {
      if (++sends === 2) throw new KafkaUnavailableError('kafka write failed: test');
    };
    await assert.rejects(deadLetters.redrive({ endpointId }, failSecond, 1), KafkaUnavailableError);
    const marked = await db.query<{ id: string }[]>(
      `SELECT delivery_id AS id FROM dead_letters WHERE delivery_id IN ('dlv_rd_2', 'dlv_rd_3') AND redriven_at IS NOT NULL`,
    );
    assert.deepEqual(
      marked.map((row) => row.id),
      ['dlv_rd_2'],
      'the first chunk was sent and stays marked; the failed one does not',
    );
    assert.equal(
      await deadLetters.redrive({ endpointId }, async () => undefined, 1),
      1,
      'a later redrive sends the rest',
    );
  });
});
