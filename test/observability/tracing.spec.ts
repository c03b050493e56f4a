import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertEndpoint } from '../support/endpoints';
import { OtlpReceiver } from '../support/otlp-receiver';
import { startOutbound, type OutboundStack } from '../support/outbound';
import { Receiver } from '../support/receiver';
import { waitFor } from '../support/wait-for';

const token = 'tracing-test-admin-token-0123456789';

describe('one trace from POST /v1/events through router, dispatcher, a retry by the scheduler, to the receiver', () => {
  let stack: OutboundStack;
  const collector = new OtlpReceiver();
  // The first attempt fails, so the delivery goes through the scheduler before it succeeds.
  const receiver = new Receiver((_request, index) => (index === 0 ? { status: 503 } : { status: 200 }));

  before(async () => {
    await collector.start();
    await receiver.start();
    stack = await startOutbound(
      ['api', 'router', 'dispatcher', 'scheduler'],
      { ADMIN_TOKEN: token, OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_BSP_SCHEDULE_DELAY: '100' },
      async () => {
        await insertEndpoint({ url: receiver.url, eventTypes: ['trace.*'] });
      },
    );
    await stack.routerSees(1);
  });

  after(async () => {
    await stack?.stop();
    await receiver.stop();
    await collector.stop();
  });

  it('keeps one trace id and an intact parent chain across every hop, with ids but no secrets or bodies', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const rootSpanId = '00f067aa0ba902b7';
    const response = await fetch(`${stack.services.api.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', traceparent: `00-${traceId}-${rootSpanId}-01` },
      body: JSON.stringify({ type: 'trace.test', data: { secretish: 'not-in-spans' } }),
    });
    assert.equal(response.status, 202);
    await waitFor('two attempts at the receiver', 20000, () => receiver.requests.length === 2);
    for (const request of receiver.requests) assert.equal(request.headers.traceparent?.split('-')[1], traceId, 'the receiver sees the same trace');

    const spans = await waitFor('spans from every service', 15000, () => {
      const ours = collector.spans.filter((span) => span.traceId === traceId);
      const services = new Set(ours.map((span) => span.service));
      return ['api', 'router', 'dispatcher', 'scheduler'].every((service) => services.has(service)) && ours.filter((span) => span.name === 'deliver').length === 2 ? ours : null;
    });
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    for (const span of spans) {
      assert.ok(span.parentSpanId === rootSpanId || byId.has(span.parentSpanId), `${span.service}/${span.name} has its parent in the trace`);
    }
    const chainOf = (span: (typeof spans)[number]): string[] => {
      const names: string[] = [];
      for (let current: (typeof spans)[number] | undefined = span; current; current = byId.get(current.parentSpanId)) names.unshift(`${current.service}:${current.name}`);
      return names;
    };
    const retried = spans.find((span) => span.name === 'deliver' && span.attributes['gateway.attempt'] === 2)!;
    assert.deepEqual(chainOf(retried), ['api:publish event', 'router:route event', 'dispatcher:deliver', 'scheduler:fire retry', 'dispatcher:deliver']);
    const lastHop = receiver.requests[1].headers.traceparent.split('-')[2];
    assert.equal(lastHop, retried.spanId, "the receiver's parent is the dispatcher's span of that attempt");
    assert.ok(retried.attributes['gateway.event.id'] && retried.attributes['gateway.endpoint.id'], 'event and endpoint ids are attributes');
    assert.equal(retried.attributes['gateway.outcome'], 'delivered');
    assert.doesNotMatch(JSON.stringify(spans), /not-in-spans|whsec_/, 'no payload or secret in any span');
  });
});
