import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { createKafka } from '@gateway/kafka';
import { createLogger } from '@gateway/observability';
import { createAddressPolicy } from '../../address-policy';
import type { SignedMessage } from '../destination';
import { KafkaDestination } from './kafka-destination';

const logger = createLogger('test', 'silent');
const message: SignedMessage = { key: 'evt_1', body: '{}', headers: { 'webhook-id': 'dlv_1' } };

/** A destination whose own cluster is never reached in these specs (nothing listens on port 1). */
function destination(allow: string[], timeoutMs = 5000): KafkaDestination {
  return new KafkaDestination({
    kafka: createKafka({ brokers: ['127.0.0.1:1'], clientId: 'spec', logger, retries: 0 }),
    gatewayTopics: new Set(['webhooks.events', 'webhooks.deliveries']),
    policy: createAddressPolicy(allow),
    timeoutMs,
    logger,
    clientId: 'spec',
  });
}

describe('Kafka destination', () => {
  const opened: Socket[] = [];
  const silent = createServer((socket) => void opened.push(socket));
  after(() => {
    for (const socket of opened) socket.destroy();
    silent.close();
  });

  it('never writes to a topic of the gateway itself on its own cluster (a loop), and says why', async () => {
    const subject = destination([]);
    const result = await subject.deliver({ type: 'kafka', topic: 'webhooks.events' }, message);
    assert.deepEqual(
      [result.error, result.errorDetail],
      ['ssrf-blocked', "webhooks.events is one of the gateway's own topics"],
    );
    await subject.close();
  });

  it('refuses a broker at a blocked literal address before connecting, and one whose name resolves to one', async () => {
    const subject = destination([]);
    const literal = await subject.deliver(
      { type: 'kafka', topic: 'orders', brokers: ['10.0.0.7:9092'] },
      message,
    );
    assert.deepEqual([literal.error, literal.errorDetail], ['ssrf-blocked', '10.0.0.7 is a blocked address']);
    const named = await subject.deliver(
      { type: 'kafka', topic: 'orders', brokers: ['localhost:9092'] },
      message,
    );
    assert.equal(named.error, 'ssrf-blocked', String(named.errorDetail));
    assert.match(String(named.errorDetail), /blocked address/);
    await subject.close();
  });

  it('reports a cluster that refuses connections as a failed attempt (retried), not an exception', async () => {
    const subject = destination(['127.0.0.0/8']);
    const result = await subject.deliver(
      { type: 'kafka', topic: 'orders', brokers: ['127.0.0.1:1'] },
      message,
    );
    assert.equal(result.error, 'network', String(result.errorDetail));
    assert.equal(result.acknowledged, undefined);
    await subject.close();
  });

  it('ends an attempt on a cluster that never answers at its timeout', async () => {
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const port = (silent.address() as AddressInfo).port;
    const subject = destination(['127.0.0.0/8'], 300);
    const result = await subject.deliver(
      { type: 'kafka', topic: 'orders', brokers: [`127.0.0.1:${port}`] },
      message,
    );
    assert.equal(result.error, 'timeout', String(result.errorDetail));
    await subject.close();
  });
});
