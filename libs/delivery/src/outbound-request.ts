import { signPayload } from '@gateway/signing';
import { stringifyJson, type DeliveryTask } from '@gateway/schemas';

/** Headers an endpoint's custom headers may never replace. */
const reserved = new Set([
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'content-type',
  'content-length',
  'traceparent',
  'host',
]);

/** Whether the sender sets this header itself (lower-case name): a custom value for it is dropped. */
export const isGatewayHeader = (name: string): boolean => reserved.has(name);

/** The Standard Webhooks body: `{ type, timestamp, data }` with `data` exactly as published. */
export function buildBody(task: DeliveryTask): string {
  return stringifyJson({ type: task.event.type, timestamp: task.event.occurredAt, data: task.event.data });
}

/**
 * The request headers of one attempt: the endpoint's custom headers, then the Standard Webhooks
 * headers signed with every active secret. `webhook-id` is the delivery id, the same on every retry.
 */
export function buildHeaders(input: {
  task: DeliveryTask;
  body: string;
  secrets: string[];
  customHeaders: Record<string, string>;
  userAgent: string;
  traceparent: string | undefined;
  nowSeconds: number;
}): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.customHeaders))
    if (!isGatewayHeader(name.toLowerCase())) headers[name] = value;
  headers['content-type'] = 'application/json';
  // An endpoint's own User-Agent (some receivers allow-list by it) replaces the gateway's: two
  // user-agent lines would reach the receiver otherwise.
  if (!Object.keys(headers).some((name) => name.toLowerCase() === 'user-agent'))
    headers['user-agent'] = input.userAgent;
  headers['webhook-id'] = input.task.deliveryId;
  headers['webhook-timestamp'] = String(input.nowSeconds);
  headers['webhook-signature'] = signPayload({
    id: input.task.deliveryId,
    timestamp: input.nowSeconds,
    payload: input.body,
    secrets: input.secrets,
  });
  if (input.traceparent) headers.traceparent = input.traceparent;
  return headers;
}
