import { context, propagation } from '@opentelemetry/api';
import type { IHeaders } from 'kafkajs';

/** W3C trace headers of the active context, or the given fallback traceparent when tracing is off. */
export function traceHeaders(fallback?: string): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  if (!carrier.traceparent && fallback) carrier.traceparent = fallback;
  return carrier;
}

export function traceparentOf(headers: IHeaders | undefined): string | undefined {
  const value = headers?.traceparent;
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value[0] : value)?.toString();
}
