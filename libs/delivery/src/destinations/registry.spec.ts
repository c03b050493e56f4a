import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answer, endpointRow } from '../endpoint-row.fixture';
import type { Sender, SignedMessage } from './destination';
import type { HttpTarget } from './http/http-destination';
import type { KafkaTarget } from './kafka/kafka-target';
import { Destinations, targetOf } from './registry';

const message: SignedMessage = { key: 'evt_1', body: '{}', headers: { 'webhook-id': 'dlv_1' } };

describe('destination registry', () => {
  it('delivers through the sender of the target’s kind, and closes every sender', async () => {
    const calls: string[] = [];
    const http: Sender<HttpTarget> = {
      deliver: async (target, sent) => {
        calls.push(`http ${target.url} ${sent.headers['webhook-id']}`);
        return answer(200);
      },
      close: async () => void calls.push('http closed'),
    };
    const kafka: Sender<KafkaTarget> = {
      deliver: async (target) => {
        calls.push(`kafka ${target.topic}`);
        return { ...answer(200), statusCode: null, acknowledged: true };
      },
      close: async () => void calls.push('kafka closed'),
    };
    const destinations = new Destinations({ http, kafka });
    const http200 = await destinations.deliver(
      { type: 'http', url: 'https://example.com/a', headers: {} },
      message,
    );
    assert.equal(http200.statusCode, 200);
    assert.equal(
      (await destinations.deliver({ type: 'kafka', topic: 'orders' }, message)).acknowledged,
      true,
    );
    await destinations.close();
    assert.deepEqual(calls, [
      'http https://example.com/a dlv_1',
      'kafka orders',
      'http closed',
      'kafka closed',
    ]);
  });

  it('targets an endpoint with a destination there, read once per row; an unreadable one throws', () => {
    const row = endpointRow({ url: null, destination: { type: 'kafka', topic: 'orders' } });
    assert.deepEqual(targetOf(row), { type: 'kafka', topic: 'orders' });
    assert.equal(targetOf(row), targetOf(row), 'the same object: read once');
    const unreadable = endpointRow({
      id: 'ep_bad',
      url: null,
      destination: { type: 'kafka', topic: '__consumer_offsets' },
    });
    assert.throws(() => targetOf(unreadable), /ep_bad has an unreadable destination/);
    assert.throws(() => targetOf(endpointRow({ url: null })), /neither a URL nor a destination/);
  });

  it('targets an endpoint without a destination at its URL, with its custom headers', () => {
    const row = endpointRow({ url: 'https://example.com/b', headers: { 'X-Team': 'billing' } });
    assert.deepEqual(targetOf(row), {
      type: 'http',
      url: 'https://example.com/b',
      headers: { 'X-Team': 'billing' },
    });
  });
});
