import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertEndpoint, testDatabase } from '../support/endpoints';
import { logDir } from '../support/gateway';
import { startOutbound, type OutboundStack } from '../support/outbound';
import { Receiver } from '../support/receiver';
import { startService } from '../support/services';
import { freePort } from '../support/stack';
import { waitFor } from '../support/wait-for';

describe('two schedulers share the retries; kill -9 of one loses nothing', () => {
  let stack: OutboundStack;
  // Each delivery fails its first attempt and succeeds on its retry.
  const seen = new Set<string>();
  const receiver = new Receiver((request) => {
    const id = request.headers['webhook-id'];
    if (seen.has(id)) return { status: 200 };
    seen.add(id);
    return { status: 503 };
  });

  before(async () => {
    await receiver.start();
    stack = await startOutbound(
      ['router', 'dispatcher', 'scheduler'],
      { BREAKER_FAILURE_THRESHOLD: '10000' },
      async () => {
        await insertEndpoint({
          url: receiver.url,
          retryPolicy: { maxAttempts: 3, baseSeconds: 20, factor: 1, capSeconds: 20 },
        });
      },
    );
    stack.services.scheduler2 = await startService(
      'scheduler',
      await freePort(),
      { KAFKA_BROKERS: process.env.KAFKA_BROKERS!, ...stack.env },
      logDir,
    );
    await stack.routerSees(1);
  });

  after(async () => {
    await stack?.stop();
    await receiver.stop();
  });

  it('delivers every one of 1,000 pending retries, each retry attempt sent once', async () => {
    const total = 1000;
    await stack.publish(
      Array.from({ length: total }, (_, n) => ({ type: 'sched.crash', data: { n }, id: `evt_sched_${n}` })),
    );
    const db = await testDatabase();
    const pendingAtKill = await waitFor(
      'the retries to be stored',
      30000,
      async () => {
        const rows = await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM retries`);
        return rows[0].n >= 700 ? rows[0].n : null;
      },
      20,
    );
    stack.services.scheduler.process.kill('SIGKILL');
    await stack.services.scheduler.exited;
    assert.ok(pendingAtKill >= 700, `${pendingAtKill} retries pending when one scheduler died`);
    // The other scheduler takes over the dead one's claims when their leases end; restart the dead one too.
    stack.services.scheduler = await startService(
      'scheduler',
      await freePort(),
      { KAFKA_BROKERS: process.env.KAFKA_BROKERS!, ...stack.env },
      logDir,
    );
    await waitFor(
      'every delivery delivered',
      90000,
      async () => {
        const rows = await db.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM deliveries WHERE status = 'delivered'`,
        );
        return rows[0].n === total;
      },
      200,
    );
    const perDelivery = new Map<string, number>();
    for (const request of receiver.requests)
      perDelivery.set(
        request.headers['webhook-id'],
        (perDelivery.get(request.headers['webhook-id']) ?? 0) + 1,
      );
    assert.equal(perDelivery.size, total);
    const extra = [...perDelivery.values()].filter((count) => count !== 2).length;
    assert.equal(extra, 0, 'each delivery: one failed attempt, one retry, no attempt sent twice');
    // A fired retry's row is deleted on the scheduler's next 50 ms sweep, which may come after its delivery.
    const left = async () => (await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM retries`))[0].n;
    await waitFor('the fired retries deleted', 5000, async () => (await left()) === 0, 100).catch(
      () => undefined,
    );
    assert.equal(await left(), 0, 'no retry left behind');
  });
});
