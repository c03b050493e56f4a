import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';

const tracer = () => trace.getTracer('webhook-gateway');

export interface HopSpan {
  /** The W3C traceparent to pass on: this span's when tracing is on, else the parent's unchanged. */
  traceparent: string | undefined;
  end(outcome?: string, error?: string): void;
}

/**
 * A span for one hop of an event (route, deliver, fire a retry), child of the traceparent the
 * message carried. Works across batches without an active context: the returned traceparent is
 * what the next hop (Kafka header or HTTP request) carries. Attributes: ids and outcomes only,
 * never secrets or bodies.
 */
export function startHopSpan(name: string, parent: string | undefined, attributes: Attributes, kind: SpanKind = SpanKind.CONSUMER): HopSpan {
  const parentContext = parent ? propagation.extract(context.active(), { traceparent: parent }) : context.active();
  const span = tracer().startSpan(name, { kind, attributes }, parentContext);
  if (!span.isRecording()) return { traceparent: parent, end: () => span.end() };
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(parentContext, span), carrier);
  return {
    traceparent: carrier.traceparent ?? parent,
    end: (outcome, error) => {
      if (outcome) span.setAttribute('gateway.outcome', outcome);
      if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
      span.end();
    },
  };
}

export { SpanKind };
