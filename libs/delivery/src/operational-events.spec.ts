import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeMessages } from '@gateway/kafka';
import { eventMessage } from '@gateway/schemas';
import { isOperationalEvent, OPERATIONAL_EVENT_TYPES, operationalEvent } from './operational-events';

describe('operationalEvent', () => {
  const now = new Date('2025-01-02T03:04:05.000Z');
  const data = { endpointId: 'ep_1', reason: 'HTTP 410 Gone on delivery dlv_1', failingSince: null };

  it('is an event of its own id and time, which the events contract accepts', () => {
    const event = operationalEvent('endpoint.disabled', data, now);
    assert.match(event.id, /^evt_op_[0-9a-f]{32}$/);
    assert.notEqual(operationalEvent('endpoint.disabled', data, now).id, event.id);
    assert.equal(event.occurredAt, '2025-01-02T03:04:05.000Z');
    assert.ok(eventMessage.schema.safeParse(event).success);
  });

  it('is keyed and written on webhooks.events as the dispatcher wrote it by hand before', () => {
    const event = operationalEvent(
      'delivery.exhausted',
      { eventId: 'evt_1', attempts: 8, lastStatusCode: null },
      now,
    );
    const [message] = encodeMessages(eventMessage, [{ value: event }]);
    assert.equal(message.key, event.id);
    assert.equal(
      message.value,
      `{"type":"delivery.exhausted","id":"${event.id}","data":{"eventId":"evt_1","attempts":8,"lastStatusCode":null},"occurredAt":"2025-01-02T03:04:05.000Z"}`,
    );
  });

  it('tells the operational types from the others', () => {
    assert.deepEqual(
      [...OPERATIONAL_EVENT_TYPES],
      ['endpoint.disabled', 'endpoint.recovered', 'delivery.exhausted'],
    );
    for (const type of OPERATIONAL_EVENT_TYPES) assert.ok(isOperationalEvent(type));
    assert.equal(isOperationalEvent('order.created'), false);
  });
});
