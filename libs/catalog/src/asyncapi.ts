import type { EventTypeRecord } from '@gateway/persistence';

type Json = Record<string, unknown>;

/** The Standard Webhooks headers every delivery carries. */
const webhookHeaders: Json = {
  type: 'object',
  required: ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
  properties: {
    'webhook-id': {
      type: 'string',
      description: "The delivery's id; the same on every attempt (dedup key).",
    },
    'webhook-timestamp': {
      type: 'string',
      description: 'Seconds since the Unix epoch when the attempt was signed.',
    },
    'webhook-signature': {
      type: 'string',
      description: 'Space-separated signatures: "v1,<base64 HMAC-SHA256>" or "v1a,<base64 Ed25519>".',
    },
  },
};

/** A message component name for a type: AsyncAPI keys allow letters, digits, ".", "_" and "-". */
const messageKey = (name: string): string => name.replace(/[^A-Za-z0-9._-]/g, '_');

/**
 * A type's schema as a component of the document: its local references (`#/$defs/x`, the only kind
 * the catalog allows) are rewritten to point inside the component.
 */
function rebased(value: unknown, base: string): unknown {
  if (Array.isArray(value)) return value.map((item) => rebased(item, base));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [
      key,
      (key === '$ref' || key === '$dynamicRef') && typeof child === 'string' && child.startsWith('#')
        ? `${base}${child.slice(1)}`
        : rebased(child, base),
    ]),
  );
}

/** The body the gateway POSTs: the Standard Webhooks envelope around the type's data. */
function payload(type: EventTypeRecord, dataRef: string | undefined): Json {
  return {
    type: 'object',
    required: ['type', 'timestamp', 'data'],
    properties: {
      type: { type: 'string', const: type.name },
      timestamp: { type: 'string', format: 'date-time' },
      data: dataRef ? { $ref: dataRef } : {},
    },
  };
}

/**
 * The catalog as an AsyncAPI 3.0 document: one message per type (its payload the delivered body,
 * its headers the Standard Webhooks ones), on one channel, the receiver's URL, which the gateway
 * sends to.
 */
export function asyncApiDocument(types: readonly EventTypeRecord[], title: string): Json {
  const messages: Record<string, Json> = {};
  const schemas: Record<string, unknown> = {};
  for (const type of types) {
    const key = messageKey(type.name);
    const dataRef = type.schema ? `#/components/schemas/${key}` : undefined;
    if (dataRef) schemas[key] = rebased(type.schema, dataRef);
    messages[key] = {
      name: type.name,
      title: type.name,
      ...(type.description ? { summary: type.description } : {}),
      ...(type.deprecated ? { description: 'Deprecated: publishers should stop sending it.' } : {}),
      contentType: 'application/json',
      headers: webhookHeaders,
      payload: payload(type, dataRef),
      ...(type.examples.length > 0
        ? { examples: type.examples.slice(0, 10).map((data) => ({ payload: { type: type.name, data } })) }
        : {}),
    };
  }
  const refs = Object.fromEntries(
    Object.keys(messages).map((key) => [key, { $ref: `#/components/messages/${key}` }]),
  );
  return {
    asyncapi: '3.0.0',
    info: {
      title,
      version: '1',
      description: 'The event types this gateway delivers, each with the JSON Schema of its data.',
    },
    channels: {
      webhooks: {
        address: null,
        description: "Each endpoint's URL: deliveries are POSTed there, signed.",
        messages: refs,
      },
    },
    operations: {
      deliverWebhook: {
        action: 'send',
        channel: { $ref: '#/channels/webhooks' },
        messages: Object.keys(messages).map((key) => ({ $ref: `#/channels/webhooks/messages/${key}` })),
      },
    },
    components: { messages, schemas },
  };
}
