import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signPayload, generateSecret } from '@gateway/signing';
import { ingressSees, insertSource, post, uniqueId, unixNow } from '../support/ingress';
import { insertEndpoint, testDatabase } from '../support/endpoints';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { startOutbound, type OutboundStack } from '../support/outbound';
import { Receiver } from '../support/receiver';
import { waitFor } from '../support/wait-for';

const token = 'tracing-test-admin-token-0123456789';

/** Service:name of each span from the trace's first span down to `span`. */
function chainOf(spans: ReceivedSpan[], span: ReceivedSpan): string[] {
  const byId = new Map(spans.map((each) => [each.spanId, each]));
  const names: string[] = [];
  for (let current: ReceivedSpan | undefined = span; current; current = byId.get(current.parentSpanId))
    names.unshift(`${current.service}:${current.name}`);
  return names;
}

const SPAN_KIND_SERVER = 2;

describe('one trace from POST /v1/events or an ingress request through router, dispatcher, a retry by the scheduler, to the receiver', () => {
  let stack: OutboundStack;
  const collector = new OtlpReceiver();
  // The first attempt fails, so the delivery goes through the scheduler before it succeeds.
  const receiver = new Receiver((_request, index) => (index === 0 ? { status: 503 } : { status: 200 }));
  // Receives the events forwarded from the ingress source.
  const inboundReceiver = new Receiver();
  const sourceSecret = generateSecret();
  let sourceId = '';

  before(async () => {
    await collector.start();
    await receiver.start();
    await inboundReceiver.start();
    stack = await startOutbound(
      ['api', 'ingress', 'router', 'dispatcher', 'scheduler'],
      { ADMIN_TOKEN: token, OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_BSP_SCHEDULE_DELAY: '100' },
      async () => {
        await insertEndpoint({ url: receiver.url, eventTypes: ['trace.*'] });
        await insertEndpoint({ url: inboundReceiver.url, eventTypes: ['inbound.*'] });
        sourceId = await insertSource(await testDatabase(), {
          provider: 'standard-webhooks',
          secrets: [sourceSecret],
          forward: { eventTypeFrom: 'type' },
        });
      },
    );
    await stack.routerSees(2);
    await ingressSees(stack.services.ingress, 1);
  });

  after(async () => {
    await stack?.stop();
    await receiver.stop();
    await inboundReceiver.stop();
    await collector.stop();
  });

  it('keeps one trace id and an intact parent chain across every hop, with ids but no secrets or bodies', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const rootSpanId = '00f067aa0ba902b7';
    const response = await fetch(`${stack.services.api.url}/v1/events`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        traceparent: `00-${traceId}-${rootSpanId}-01`,
      },
      body: JSON.stringify({ type: 'trace.test', data: { secretish: 'not-in-spans' } }),
    });
    assert.equal(response.status, 202);
    await waitFor('two attempts at the receiver', 20000, () => receiver.requests.length === 2);
    for (const request of receiver.requests)
      assert.equal(request.headers.traceparent?.split('-')[1], traceId, 'the receiver sees the same trace');

    const spans = await waitFor('spans from every service', 15000, () => {
      const ours = collector.spans.filter((span) => span.traceId === traceId);
      const services = new Set(ours.map((span) => span.service));
      return ['api', 'router', 'dispatcher', 'scheduler'].every((service) => services.has(service)) &&
        ours.filter((span) => span.name === 'deliver').length === 2
        ? ours
        : null;
    });
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    for (const span of spans) {
      assert.ok(
        span.parentSpanId === rootSpanId || byId.has(span.parentSpanId),
        `${span.service}/${span.name} has its parent in the trace`,
      );
    }
    const retried = spans.find(
      (span) => span.name === 'deliver' && span.attributes['gateway.attempt'] === 2,
    )!;
    assert.deepEqual(chainOf(spans, retried), [
      'api:publish event',
      'router:route event',
      'dispatcher:deliver',
      'scheduler:fire retry',
      'dispatcher:deliver',
    ]);
    const lastHop = receiver.requests[1].headers.traceparent.split('-')[2];
    assert.equal(lastHop, retried.spanId, "the receiver's parent is the dispatcher's span of that attempt");
    assert.ok(
      retried.attributes['gateway.event.id'] && retried.attributes['gateway.endpoint.id'],
      'event and endpoint ids are attributes',
    );
    assert.equal(retried.attributes['gateway.outcome'], 'delivered');
    assert.doesNotMatch(JSON.stringify(spans), /not-in-spans|whsec_/, 'no payload or secret in any span');
  });

  /** A Standard Webhooks request to the routed source; the forwarded event's type is the body's `type`. */
  async function sendInbound(type: string, traceparent?: string) {
    const body = JSON.stringify({ type, data: { secretish: 'not-in-spans' } });
    const id = uniqueId('msg');
    const timestamp = unixNow();
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signPayload({ id, timestamp, payload: body, secrets: [sourceSecret] }),
      ...(traceparent ? { traceparent } : {}),
    };
    const answer = await post(`${stack.services.ingress.url}/in/${sourceId}`, headers, body);
    assert.equal(answer.status, 200, answer.text);
    return answer.json<{ id: string }>().id;
  }

  it("an ingress request: a SERVER span continuing the sender's traceparent, parent of the router and dispatcher spans and the receiver's traceparent", async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const senderSpanId = 'b7ad6b7169203331';
    const inboundId = await sendInbound('inbound.traced', `00-${traceId}-${senderSpanId}-01`);
    await waitFor('the forwarded event at the receiver', 20000, () => inboundReceiver.requests.length === 1);
    const delivered = inboundReceiver.requests[0];
    assert.equal(delivered.headers.traceparent?.split('-')[1], traceId, 'the receiver sees the same trace');

    const spans = await waitFor('spans from ingress, router and dispatcher', 15000, () => {
      const ours = collector.spans.filter((span) => span.traceId === traceId);
      const services = new Set(ours.map((span) => span.service));
      return ['ingress', 'router', 'dispatcher'].every((service) => services.has(service)) ? ours : null;
    });
    const ingress = spans.filter((span) => span.service === 'ingress');
    assert.equal(ingress.length, 1, 'one span for the request');
    assert.equal(ingress[0].name, 'POST /in/:sourceId');
    assert.equal(ingress[0].kind, SPAN_KIND_SERVER);
    assert.equal(ingress[0].parentSpanId, senderSpanId, "a child of the sender's span");
    assert.equal(ingress[0].attributes['gateway.source.id'], sourceId);
    assert.equal(ingress[0].attributes['gateway.provider'], 'standard-webhooks');
    assert.equal(ingress[0].attributes['gateway.outcome'], 'accepted');
    assert.equal(ingress[0].attributes['gateway.inbound.id'], inboundId);
    assert.equal(Number(ingress[0].attributes['http.response.status_code']), 200);

    const deliver = spans.find((span) => span.name === 'deliver')!;
    assert.deepEqual(chainOf(spans, deliver), [
      'ingress:POST /in/:sourceId',
      'router:route event',
      'dispatcher:deliver',
    ]);
    assert.equal(
      delivered.headers.traceparent.split('-')[2],
      deliver.spanId,
      "the receiver's parent is the dispatcher's span",
    );
    assert.equal(
      deliver.attributes['gateway.event.id'],
      inboundId,
      'the forwarded event keeps the inbound id',
    );
    const text = JSON.stringify(spans);
    assert.doesNotMatch(text, /not-in-spans|whsec_/, 'no payload or secret in any span');
    assert.ok(!text.includes(sourceSecret.slice(6)), 'not even the bare secret');
  });

  it('an ingress request without traceparent starts the trace', async () => {
    const inboundId = await sendInbound('inbound.untraced');
    const ingress = await waitFor(
      'the ingress span',
      15000,
      () =>
        collector.spans.find(
          (span) => span.service === 'ingress' && span.attributes['gateway.inbound.id'] === inboundId,
        ) ?? null,
    );
    assert.equal(ingress.parentSpanId, '', 'a root span');
    await waitFor('the forwarded event at the receiver', 20000, () => inboundReceiver.requests.length === 2);
    assert.equal(
      inboundReceiver.requests[1].headers.traceparent?.split('-')[1],
      ingress.traceId,
      "the receiver's traceparent is in the ingress span's trace",
    );
    const spans = await waitFor('the router and dispatcher spans', 15000, () => {
      const ours = collector.spans.filter((span) => span.traceId === ingress.traceId);
      return ours.some((span) => span.name === 'route event') && ours.some((span) => span.name === 'deliver')
        ? ours
        : null;
    });
    assert.deepEqual(
      chainOf(
        spans,
        spans.find((span) => span.name === 'deliver')!,
      ),
      ['ingress:POST /in/:sourceId', 'router:route event', 'dispatcher:deliver'],
    );
  });
});
