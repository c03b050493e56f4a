import { after, before, describe, it } from 'node:test';
import { createLogger } from '@gateway/observability';
import { judgeLoad, runLoad, startLoadStack, assertNoLoss, type LoadStack } from '../support/fault-load';
import { testInfra } from '../support/gateway';
import type { ServiceName } from '../support/services';

/**
 * Two replicas of ingress, router, dispatcher and scheduler under 300 events/s through the API and
 * 300 signed webhooks/s through the ingress, for 60 s; one replica of each is killed with SIGKILL in
 * turn and never restarted. Every acknowledged event reaches the receiver, and a copy only ever
 * repeats its webhook-id: the survivors take over the partitions, the leased retries and the dedup.
 */
describe('replica failure under load', () => {
  let stack: LoadStack;

  before(async () => {
    stack = await startLoadStack({
      kafka: {
        brokers: testInfra().kafkaBrokers.split(','),
        clientId: 'test',
        logger: createLogger('test', 'error'),
      },
      kafkaEnv: { KAFKA_BROKERS: testInfra().kafkaBrokers },
      replicas: 2,
    });
  });

  after(async () => {
    await stack?.stop();
  });

  it('loses no acknowledged event and sends copies only under the same webhook-id', async () => {
    const kill = (name: ServiceName) => async () => {
      const [victim] = stack.services[name].splice(0, 1);
      victim.process.kill('SIGKILL');
      await victim.exited;
    };
    const load = await runLoad(stack, {
      rate: 300,
      durationMs: 60000,
      at: [
        { afterMs: 10000, run: kill('ingress') },
        { afterMs: 20000, run: kill('router') },
        { afterMs: 30000, run: kill('dispatcher') },
        { afterMs: 40000, run: kill('scheduler') },
      ],
    });
    const verdict = await judgeLoad(stack, load, {
      'before the kills': [0, 10000],
      'while killing': [10000, 50000],
      after: [50000, 60000],
    });
    await assertNoLoss(stack, load, verdict, 'replica failure');
  });
});
