import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { failureKind } from '@gateway/kafka';
import { createDataSource, serviceStatementLimits, type DataSource } from '@gateway/persistence';
import { freshDatabase } from '../support/gateway';

/**
 * Issue 19: PostgreSQL statements had no statement_timeout, so a lock held elsewhere stalled a
 * consumer silently. The services' connections carry limits; a statement over them fails with a
 * transient error (logged and retried), never hangs. Real PostgreSQL.
 */
describe('PostgreSQL statement limits (issue 19)', () => {
  let url: string;
  let limited: DataSource;
  let holder: DataSource;

  before(async () => {
    url = await freshDatabase();
    limited = createDataSource(url, 2, 'limits-spec', {
      statementTimeoutMs: 300,
      lockTimeoutMs: 200,
      idleInTransactionMs: 5000,
    });
    holder = createDataSource(url, 1, 'limits-spec-holder');
    await Promise.all([limited.initialize(), holder.initialize()]);
    await holder.query(
      `INSERT INTO events (id, type, data, occurred_at) VALUES ('evt_lock', 'l.one', '{}', now())`,
    );
  });

  after(async () => {
    await Promise.all([limited?.destroy(), holder?.destroy()]);
  });

  it('cancels a statement running longer than the limit, as a transient failure', async () => {
    const started = Date.now();
    await assert.rejects(
      limited.query('SELECT pg_sleep(5)'),
      (error: unknown) => (error as { code?: string }).code === '57014' && failureKind(error) === 'transient',
    );
    assert.ok(Date.now() - started < 3000, 'well before the sleep ends');
  });

  it('gives up waiting for a lock held elsewhere, as a transient failure', async () => {
    const runner = holder.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query(`SELECT id FROM events WHERE id = 'evt_lock' FOR UPDATE`);
      await assert.rejects(
        limited.query(`UPDATE events SET type = 'l.two' WHERE id = 'evt_lock'`),
        (error: unknown) =>
          (error as { code?: string }).code === '55P03' && failureKind(error) === 'transient',
      );
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });

  it('gives the services 30 s a statement, 10 s for a lock, 60 s for an idle transaction', async () => {
    const service = createDataSource(url, 1, 'limits-spec-service', serviceStatementLimits);
    await service.initialize();
    try {
      const [row] = await service.query<{ statement: string; lock: string; idle: string }[]>(
        `SELECT current_setting('statement_timeout') AS statement, current_setting('lock_timeout') AS lock, current_setting('idle_in_transaction_session_timeout') AS idle`,
      );
      assert.deepEqual(row, { statement: '30s', lock: '10s', idle: '1min' });
    } finally {
      await service.destroy();
    }
  });
});
