import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  deadLetter,
  deliveryTask,
  eventMessage,
  EVENT_MAX_BYTES,
  inboundJournalMessage,
  inboundMessage,
  invalidMessage,
  parseJson,
  retryTask,
  topicContracts,
  type DeliveryTask,
  type InboundMessage,
  type JsonValue,
  type MessageContract,
  type TopicKey,
} from '@gateway/schemas';
import type { z } from 'zod';
import { encodeMessages, MessageTooLargeError } from './encode-message';

const task: DeliveryTask = {
  deliveryId: 'dlv_1',
  endpointId: 'ep_1',
  attempt: 2,
  event: {
    id: 'evt_1',
    type: 'order.created',
    data: parseJson('{"amount":12345678901234567890,"ratio":0.5}') as JsonValue,
    tenant: null,
    occurredAt: '2025-01-02T03:04:05.000Z',
  },
  orderingKey: null,
  publishedAt: 1735787045000,
};
const taskJson =
  '{"deliveryId":"dlv_1","endpointId":"ep_1","attempt":2,"event":{"id":"evt_1","type":"order.created",' +
  '"data":{"amount":12345678901234567890,"ratio":0.5},"tenant":null,"occurredAt":"2025-01-02T03:04:05.000Z"},' +
  '"orderingKey":null,"publishedAt":1735787045000}';

// A provider's event id is text from outside: this one looks like an ExactNumber's mark, and stays text.
const inbound: InboundMessage = {
  id: 'in_abc',
  sourceId: 'src_1',
  provider: 'stripe',
  providerEventId: '\u0000exact:1',
  providerEventType: 'charge.succeeded',
  receivedAt: '2025-01-02T03:04:05.000Z',
  contentType: 'application/json',
  bodyBase64: 'e30=',
  headers: { 'content-type': 'application/json' },
};
const inboundJson =
  '{"id":"in_abc","sourceId":"src_1","provider":"stripe","providerEventId":"\\u0000exact:1",' +
  '"providerEventType":"charge.succeeded","receivedAt":"2025-01-02T03:04:05.000Z",' +
  '"contentType":"application/json","bodyBase64":"e30=","headers":{"content-type":"application/json"}}';

interface Pin {
  contract: MessageContract<z.ZodType>;
  value: unknown;
  key: string;
  bytes: string;
}

/**
 * The key and bytes each topic's messages had before produce() decided them (issue 20): what the
 * producers wrote by hand, pinned so that deciding them in one place changed none of them.
 */
const pins: Record<TopicKey, Pin[]> = {
  events: [
    {
      contract: eventMessage,
      value: {
        type: 'order.created',
        id: 'evt_1',
        data: parseJson('{"amount":1e400,"items":[1,"two",null]}') as JsonValue,
        tenant: 't1',
        orderingKey: 'order-7',
        occurredAt: '2025-01-02T03:04:05.000Z',
      },
      key: 'order-7',
      bytes:
        '{"type":"order.created","id":"evt_1","data":{"amount":1e400,"items":[1,"two",null]},"tenant":"t1",' +
        '"orderingKey":"order-7","occurredAt":"2025-01-02T03:04:05.000Z"}',
    },
    {
      contract: eventMessage,
      value: { type: 'a.b', id: 'evt_2', data: null },
      key: 'evt_2',
      bytes: '{"type":"a.b","id":"evt_2","data":null}',
    },
    { contract: eventMessage, value: { type: 'a.b', data: 1 }, key: 'a.b', bytes: '{"type":"a.b","data":1}' },
  ],
  inbound: [{ contract: inboundMessage, value: inbound, key: 'src_1', bytes: inboundJson }],
  inboundJournal: [{ contract: inboundJournalMessage, value: inbound, key: 'src_1', bytes: inboundJson }],
  deliveries: [{ contract: deliveryTask, value: task, key: 'ep_1', bytes: taskJson }],
  retries: [
    {
      contract: retryTask,
      value: { task, dueAt: 1735787050000, lastError: 'HTTP 503', lastStatusCode: 503 },
      key: 'ep_1',
      bytes: `{"task":${taskJson},"dueAt":1735787050000,"lastError":"HTTP 503","lastStatusCode":503}`,
    },
  ],
  deadLetter: [
    {
      contract: deadLetter,
      value: {
        task,
        deadAt: '2025-01-02T04:00:00.000Z',
        lastError: 'no response',
        lastStatusCode: null,
        attempts: 2,
      },
      key: 'ep_1',
      bytes: `{"task":${taskJson},"deadAt":"2025-01-02T04:00:00.000Z","lastError":"no response","lastStatusCode":null,"attempts":2}`,
    },
  ],
  invalid: [
    {
      contract: invalidMessage,
      value: {
        topic: 'webhooks.events',
        partition: 3,
        offset: '42',
        key: '\u0000exact:7',
        consumer: 'webhooks.router',
        reason: 'schema',
        errors: [{ path: 'type', message: 'Invalid input' }],
        valueBase64: 'e30=',
        rejectedAt: '2025-01-02T03:04:05.000Z',
      },
      key: 'webhooks.events/3',
      bytes:
        '{"topic":"webhooks.events","partition":3,"offset":"42","key":"\\u0000exact:7","consumer":"webhooks.router",' +
        '"reason":"schema","errors":[{"path":"type","message":"Invalid input"}],"valueBase64":"e30=",' +
        '"rejectedAt":"2025-01-02T03:04:05.000Z"}',
    },
  ],
};

describe('encodeMessages: every topic keyed and written by its contract', () => {
  it('pins a key and bytes for every topic, and each pin is of its topic', () => {
    assert.deepEqual(Object.keys(pins).sort(), Object.keys(topicContracts).sort());
    for (const [topic, list] of Object.entries(pins)) {
      for (const pin of list) assert.equal(pin.contract.topic, topic);
      assert.equal(topicContracts[topic as TopicKey].topic, topic);
    }
  });

  for (const [topic, list] of Object.entries(pins)) {
    it(`writes ${topic} messages as before: key and bytes`, () => {
      for (const pin of list) {
        const [message] = encodeMessages(pin.contract, [{ value: pin.value }]);
        assert.equal(message.key, pin.key);
        assert.equal(message.value, pin.bytes);
        // Every value is one its own topic's consumer accepts.
        assert.ok(pin.contract.schema.safeParse(JSON.parse(pin.bytes)).success);
      }
    });
  }

  it('carries the headers given, and none when none are', () => {
    const headers = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };
    const [traced, plain] = encodeMessages(eventMessage, [
      { value: { type: 'a.b', data: 1 }, headers },
      { value: { type: 'a.b', data: 1 } },
    ]);
    assert.deepEqual(traced.headers, headers);
    assert.equal(plain.headers, undefined);
  });

  it("refuses a value over its contract's maxBytes only when asked to, naming its size", () => {
    const large = { type: 'a.b', data: 'x'.repeat(EVENT_MAX_BYTES) };
    assert.equal(encodeMessages(eventMessage, [{ value: large }]).length, 1);
    assert.throws(
      () => encodeMessages(eventMessage, [{ value: { type: 'a.b', data: 1 } }, { value: large }], true),
      (error: unknown) =>
        error instanceof MessageTooLargeError &&
        error.code === 'message_too_large' &&
        error.bytes === EVENT_MAX_BYTES + 24 &&
        error.limit === EVENT_MAX_BYTES,
    );
  });
});
