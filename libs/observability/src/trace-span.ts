import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';

const tracer = () => trace.getTracer('webhook-gateway');

export interface HopSpan {
  /** The W3C traceparent to pass on: this span's when tracing is on, else the parent's unchanged. */
  traceparent: string | undefined;
  /** Ends the span with its outcome, an error (status ERROR) and attributes known only at the end. */
  end(outcome?: string, error?: string, attributes?: Attributes): void;
}

const traceparentFormat = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;

/** A caller's `traceparent` header when it is well-formed W3C; anything else is dropped, never passed on. */
export function validTraceparent(value: string | string[] | undefined): string | undefined {
  const single = Array.isArray(value) ? value[0] : value;
  return single !== undefined && traceparentFormat.test(single) ? single : undefined;
}

/**
 * A span for one hop of an event (ingress request, route, deliver, fire a retry), child of the
 * traceparent the message or request carried. Works across batches without an active context:
 * the returned traceparent is what the next hop (Kafka header or HTTP request) carries.
 * Attributes: ids and outcomes only, never secrets or bodies.
 */
export function startHopSpan(
  name: string,
  parent: string | undefined,
  attributes: Attributes,
  kind: SpanKind = SpanKind.CONSUMER,
): HopSpan {
  const parentContext = parent
    ? propagation.extract(context.active(), { traceparent: parent })
    : context.active();
  const span = tracer().startSpan(name, { kind, attributes }, parentContext);
  if (!span.isRecording()) return { traceparent: parent, end: () => span.end() };
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(parentContext, span), carrier);
  return {
    traceparent: carrier.traceparent ?? parent,
    end: (outcome, error, attributes) => {
      if (attributes) span.setAttributes(attributes);
      if (outcome) span.setAttribute('gateway.outcome', outcome);
      if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
      span.end();
    },
  };
}

export { SpanKind };
