import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Consumer, Producer } from 'kafkajs';
import type { InvalidMessage } from '@gateway/schemas';
import { collect, freshTopics, rawProducer, startServices } from '../support/gateway';
import type { RunningService } from '../support/services';
import { waitFor } from '../support/wait-for';

async function counter(service: RunningService, pattern: RegExp): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => pattern.test(line))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

describe('router consumes webhooks.events and dead-letters malformed messages', () => {
  let router: RunningService;
  let producer: Producer;
  let invalid: { consumer: Consumer; messages: { value: string }[] };
  let topics: Awaited<ReturnType<typeof freshTopics>>['topics'];

  before(async () => {
    const fresh = await freshTopics();
    topics = fresh.topics;
    ({ router } = (await startServices(['router'], { KAFKA_TOPIC_PREFIX: fresh.prefix })) as {
      router: RunningService;
    });
    producer = await rawProducer();
    invalid = await collect(topics.invalid);
  });

  after(async () => {
    await invalid?.consumer.disconnect();
    await producer?.disconnect();
    await router?.stop();
  });

  it('validates a message with the plain contract and sends bad ones to the invalid topic with the reason', async () => {
    await producer.send({
      topic: topics.events,
      messages: [
        { key: 'k1', value: 'this is not json' },
        { key: 'k1', value: JSON.stringify({ data: { id: 1 } }) },
        {
          key: 'k1',
          value: JSON.stringify({
            type: 'invoice.paid',
            data: { amount: 1200 },
            id: 'evt_1',
            tenant: 'acme',
          }),
        },
      ],
    });
    await waitFor('two invalid messages', 15000, () => invalid.messages.length >= 2);
    const reasons = invalid.messages.map((message) => JSON.parse(message.value) as InvalidMessage);
    const notJson = reasons.find((item) => item.reason === 'not-json');
    const schema = reasons.find((item) => item.reason === 'schema');
    assert.ok(notJson, 'a not-json rejection');
    assert.equal(Buffer.from(notJson.valueBase64 ?? '', 'base64').toString(), 'this is not json');
    assert.equal(notJson.topic, topics.events);
    assert.ok(schema, 'a schema rejection');
    assert.ok(
      schema.errors.some((error) => error.path === 'type'),
      'the missing field is named',
    );
    await waitFor(
      'the valid message consumed after the bad ones',
      15000,
      async () => (await counter(router, /^gateway_messages_consumed_total\{topic="[^"]+events"/)) >= 1,
    );
    assert.equal(await counter(router, /^gateway_invalid_messages_total\{.*reason="not-json"/), 1);
    assert.equal(await counter(router, /^gateway_invalid_messages_total\{.*reason="schema"/), 1);
  });

  it('keeps consuming after malformed messages', async () => {
    const before = await counter(router, /^gateway_messages_consumed_total\{topic="[^"]+events"/);
    const invalidBefore = invalid.messages.length;
    await producer.send({
      topic: topics.events,
      messages: [{ value: '{' }, { value: JSON.stringify({ type: 'user.created', data: null }) }],
    });
    await waitFor(
      'the next valid message',
      15000,
      async () =>
        (await counter(router, /^gateway_messages_consumed_total\{topic="[^"]+events"/)) >= before + 1,
    );
    await waitFor(
      'the malformed one on the invalid topic',
      15000,
      () => invalid.messages.length > invalidBefore,
    );
  });

  it('sends an event holding a NUL character (PostgreSQL cannot store it) to the invalid topic, naming where, and goes on', async () => {
    const consumed = await counter(router, /^gateway_messages_consumed_total\{topic="[^"]+events"/);
    const invalidBefore = invalid.messages.length;
    await producer.send({
      topic: topics.events,
      messages: [
        {
          key: 'k2',
          value: JSON.stringify({
            type: 'user.created',
            id: 'evt_nul',
            data: { profile: { note: 'a\u0000b' } },
          }),
        },
        {
          key: 'k2',
          value: JSON.stringify({
            type: 'user.created',
            id: 'evt_after_nul',
            data: { note: 'a\\u0000b is only text' },
          }),
        },
      ],
    });
    const isNulEvent = (message: { value: string }): boolean => {
      const item = JSON.parse(message.value) as InvalidMessage;
      return Buffer.from(item.valueBase64 ?? '', 'base64')
        .toString()
        .includes('"evt_nul"');
    };
    await waitFor('the NUL event on the invalid topic', 15000, () =>
      invalid.messages.slice(invalidBefore).some(isNulEvent),
    );
    const rejected = JSON.parse(
      invalid.messages.slice(invalidBefore).find(isNulEvent)!.value,
    ) as InvalidMessage;
    assert.equal(rejected.reason, 'schema');
    assert.deepEqual(
      rejected.errors.map((error) => error.path),
      ['data.profile.note'],
    );
    assert.match(rejected.errors[0].message, /NUL/);
    await waitFor(
      'the event behind it consumed (and recorded)',
      15000,
      async () =>
        (await counter(router, /^gateway_messages_consumed_total\{topic="[^"]+events"/)) >= consumed + 1,
    );
  });

  /**
   * Issue 19, defect 2: an event whose data nested 5,000 levels deep threw RangeError (stack
   * overflow) in the router's events consumer, which crash-looped on it: its partition stopped for
   * good, and the router stayed not ready, across restarts.
   */
  it('sends an event nested 5,000 levels deep to the invalid topic (over-limit), consumes the event behind it under the same key, and stays ready', async () => {
    const consumed = await counter(router, /^gateway_messages_consumed_total\{topic="[^"]+events"/);
    const depth = 5000;
    const deep = `{"type":"user.created","id":"evt_deep","data":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    await producer.send({
      topic: topics.events,
      messages: [
        { key: 'k3', value: deep },
        { key: 'k3', value: JSON.stringify({ type: 'user.created', id: 'evt_after_deep', data: { n: 1 } }) },
      ],
    });
    const rejected = await waitFor('the deep event on the invalid topic', 15000, () =>
      invalid.messages
        .map((message) => JSON.parse(message.value) as InvalidMessage)
        .find((item) => Buffer.from(item.valueBase64 ?? '', 'base64').toString() === deep),
    );
    assert.equal(rejected.reason, 'over-limit');
    assert.match(rejected.errors[0].message, /deeper than 72 levels/);
    await waitFor(
      'the event behind it consumed',
      15000,
      async () =>
        (await counter(router, /^gateway_messages_consumed_total\{topic="[^"]+events"/)) >= consumed + 1,
    );
    assert.equal((await fetch(`${router.url}/health/ready`)).status, 200);
  });

  it('refuses event data nesting deeper than 64 levels by the contract, naming the field, and takes 64', async () => {
    const consumed = await counter(router, /^gateway_messages_consumed_total\{topic="[^"]+events"/);
    const invalidBefore = invalid.messages.length;
    const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
    await producer.send({
      topic: topics.events,
      messages: [
        { key: 'k4', value: `{"type":"user.created","id":"evt_65","data":${nested(65)}}` },
        { key: 'k4', value: `{"type":"user.created","id":"evt_64","data":${nested(64)}}` },
      ],
    });
    const rejected = await waitFor('the 65-level event on the invalid topic', 15000, () =>
      invalid.messages
        .map((message) => JSON.parse(message.value) as InvalidMessage)
        .find((item) =>
          Buffer.from(item.valueBase64 ?? '', 'base64')
            .toString()
            .includes('evt_65'),
        ),
    );
    assert.deepEqual(rejected.errors, [{ path: 'data', message: 'nests deeper than 64 levels' }]);
    await waitFor(
      'the 64-level event consumed',
      15000,
      async () =>
        (await counter(router, /^gateway_messages_consumed_total\{topic="[^"]+events"/)) >= consumed + 1,
    );
    assert.equal(invalid.messages.length, invalidBefore + 1, 'only the deeper one was refused');
  });
});
