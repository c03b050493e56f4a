import { signPayload } from '@gateway/signing';
import { stringifyJson, type DeliveryTask } from '@gateway/schemas';
import type { SignedMessage } from './destinations/destination';

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
 * The message of one attempt, signed with every active secret. `webhook-id` is the delivery id,
 * the same on every retry.
 */
export function signMessage(input: {
  task: DeliveryTask;
  secrets: string[];
  traceparent: string | undefined;
  nowSeconds: number;
}): SignedMessage {
  const { task, nowSeconds } = input;
  const body = buildBody(task);
  const headers: Record<string, string> = {
    'webhook-id': task.deliveryId,
    'webhook-timestamp': String(nowSeconds),
    'webhook-signature': signPayload({
      id: task.deliveryId,
      timestamp: nowSeconds,
      payload: body,
      secrets: input.secrets,
    }),
  };
  if (input.traceparent) headers.traceparent = input.traceparent;
  return { key: task.orderingKey ?? task.event.id, body, headers };
}

/**
 * An HTTP attempt's request headers: the endpoint's custom headers, then the content type, the
 * user agent, and the signed message's headers.
 */
export function requestHeaders(
  customHeaders: Record<string, string>,
  userAgent: string,
  message: SignedMessage,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(customHeaders))
    if (!isGatewayHeader(name.toLowerCase())) headers[name] = value;
  headers['content-type'] = 'application/json';
  // An endpoint's own User-Agent (some receivers allow-list by it) replaces the gateway's: two
  // user-agent lines would reach the receiver otherwise.
  if (!Object.keys(headers).some((name) => name.toLowerCase() === 'user-agent'))
    headers['user-agent'] = userAgent;
  return Object.assign(headers, message.headers);
}
