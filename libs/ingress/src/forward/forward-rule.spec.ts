import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringifyJson, type InboundMessage } from '@gateway/schemas';
import {
  eventTypeFromSchema,
  normalizeEventType,
  parseEventTypeFrom,
  toForwardedEvent,
  type EventTypeFrom,
} from './forward-rule';

const message = (body: string, extra: Partial<InboundMessage> = {}): InboundMessage => ({
  id: 'in_1',
  sourceId: 'src_1',
  provider: 'github',
  providerEventId: 'd1',
  providerEventType: 'push',
  receivedAt: '2026-01-01T00:00:00.000Z',
  contentType: 'application/json',
  bodyBase64: Buffer.from(body).toString('base64'),
  headers: { 'x-github-event': 'push', 'x-topic': 'orders/create' },
  ...extra,
});

describe('forward rules', () => {
  it('parses the three kinds of eventTypeFrom', () => {
    assert.deepEqual(parseEventTypeFrom('provider'), { kind: 'provider' });
    assert.deepEqual(parseEventTypeFrom('header:X-GitHub-Event'), { kind: 'header', name: 'x-github-event' });
    assert.deepEqual(parseEventTypeFrom('$.event.type'), { kind: 'body', path: ['event', 'type'] });
    assert.deepEqual(parseEventTypeFrom('type'), { kind: 'body', path: ['type'] });
    for (const bad of ['', 'header:', 'header:a b', 'a..b', '$.', 'a.b[0]']) {
      assert.equal(parseEventTypeFrom(bad), null, bad);
      assert.equal(eventTypeFromSchema.safeParse(bad).success, false, bad);
    }
  });

  it('builds the event from the payload, a header or the provider type', () => {
    const body = '{"type":"invoice.paid","event":{"type":"x"},"n":1}';
    assert.deepEqual(toForwardedEvent(message(body), { kind: 'body', path: ['type'] }), {
      ok: true,
      event: {
        type: 'invoice.paid',
        data: { type: 'invoice.paid', event: { type: 'x' }, n: 1 },
        id: 'in_1',
        occurredAt: '2026-01-01T00:00:00.000Z',
      },
    });
    const viaHeader = toForwardedEvent(message(body), { kind: 'header', name: 'x-topic' });
    assert.ok(viaHeader.ok && viaHeader.event.type === 'orders.create');
    const viaProvider = toForwardedEvent(message(body), { kind: 'provider' });
    assert.ok(viaProvider.ok && viaProvider.event.type === 'push');
  });

  it("makes a tenant's source forward that tenant's events, and the operator's source events of no tenant", () => {
    const body = '{"type":"invoice.paid"}';
    const from: EventTypeFrom = { kind: 'body', path: ['type'] };
    const ofTenant = toForwardedEvent(message(body), from, 'tenant-a');
    assert.ok(ofTenant.ok && ofTenant.event.tenant === 'tenant-a');
    const ofOperator = toForwardedEvent(message(body), from, null);
    assert.ok(ofOperator.ok && !('tenant' in ofOperator.event));
  });

  it('reports a missing or non-string type instead of inventing one', () => {
    assert.deepEqual(toForwardedEvent(message('{"n":1}'), { kind: 'body', path: ['type'] }), {
      ok: false,
      reason: 'no-type',
    });
    assert.deepEqual(toForwardedEvent(message('{"type":3}'), { kind: 'body', path: ['type'] }), {
      ok: false,
      reason: 'no-type',
    });
    assert.deepEqual(toForwardedEvent(message('{}'), { kind: 'header', name: 'nope' }), {
      ok: false,
      reason: 'no-type',
    });
  });

  it('turns form bodies into fields and other bodies into base64', () => {
    const form = toForwardedEvent(
      message('a=1&b=2&b=3', { contentType: 'application/x-www-form-urlencoded' }),
      { kind: 'provider' },
    );
    assert.ok(form.ok);
    assert.deepEqual(form.event.data, { a: '1', b: ['2', '3'] });
    const binary = toForwardedEvent(message('\u0001not json', { contentType: 'application/octet-stream' }), {
      kind: 'provider',
    });
    assert.ok(binary.ok);
    assert.deepEqual(binary.event.data, { bodyBase64: Buffer.from('\u0001not json').toString('base64') });
  });

  it('forwards a body holding NUL as base64 (PostgreSQL cannot store NUL), and keeps its large integers exact', () => {
    for (const body of ['{"title":"\\u0000exact:42"}', 'a=%00&b=1']) {
      const contentType = body.startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded';
      const forwarded = toForwardedEvent(message(body, { contentType }), { kind: 'provider' });
      assert.ok(forwarded.ok);
      assert.deepEqual(forwarded.event.data, { bodyBase64: Buffer.from(body).toString('base64') }, body);
    }
    const big = toForwardedEvent(message('{"id":12345678901234567890}'), { kind: 'provider' });
    assert.ok(big.ok);
    assert.equal(stringifyJson(big.event.data), '{"id":12345678901234567890}');
  });

  it('normalizes types to what the events contract accepts', () => {
    assert.equal(normalizeEventType('Push Hook'), 'Push_Hook');
    assert.equal(normalizeEventType('products/create'), 'products.create');
    assert.equal(normalizeEventType('  '), null);
  });
});
