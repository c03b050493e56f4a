import { isUtf8 } from 'node:buffer';
import { z } from 'zod';
import {
  EVENT_DATA_MAX_DEPTH,
  parseJson,
  unstorableTextAt,
  type EventMessage,
  type InboundMessage,
  type JsonValue,
} from '@gateway/schemas';

/** Where a forwarded event's type comes from. */
export type EventTypeFrom =
  { kind: 'provider' } | { kind: 'header'; name: string } | { kind: 'body'; path: string[] };

const headerPrefix = 'header:';
const pathPattern = /^(\$\.)?[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

export function parseEventTypeFrom(value: string): EventTypeFrom | null {
  if (value === 'provider') return { kind: 'provider' };
  if (value.startsWith(headerPrefix)) {
    const name = value.slice(headerPrefix.length).toLowerCase();
    return /^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name) ? { kind: 'header', name } : null;
  }
  if (!pathPattern.test(value)) return null;
  return { kind: 'body', path: value.replace(/^\$\./, '').split('.') };
}

/** `forward.eventTypeFrom` as the control API accepts it. */
export const eventTypeFromSchema = z
  .string()
  .min(1)
  .max(200)
  .refine((value) => parseEventTypeFrom(value) !== null, {
    message: 'expected "provider", "header:<name>" or a dotted JSON path such as "type" or "event.type"',
  })
  .describe(
    'Where the forwarded event\'s type is read: "provider" (the type the provider scheme names, e.g. X-GitHub-Event), "header:<name>", or a dotted JSON path into the body ("type", "$.event.type").',
  );

const typeAllowed = /[^A-Za-z0-9_.:-]/g;

/** A type the events contract accepts: "/" becomes ".", other characters outside it "_". */
export function normalizeEventType(value: string): string | null {
  const normalized = value.trim().replace(/\//g, '.').replace(typeAllowed, '_').slice(0, 200);
  return normalized === '' ? null : normalized;
}

/**
 * The body parsed as JSON, when it is UTF-8 JSON nesting no deeper than event data may (ADR 0018);
 * anything else is left to `dataOf` (form fields, or the bytes in base64).
 */
function bodyOf(message: InboundMessage): { json: JsonValue | undefined; raw: Buffer } {
  const raw = Buffer.from(message.bodyBase64, 'base64');
  if (!isUtf8(raw)) return { json: undefined, raw };
  try {
    return { json: parseJson(raw.toString('utf8'), EVENT_DATA_MAX_DEPTH) as JsonValue, raw };
  } catch {
    // Not JSON, or over the depth budget: not an error here, the body still travels as bytes.
    return { json: undefined, raw };
  }
}

function at(value: JsonValue | undefined, path: string[]): unknown {
  let current: unknown = value;
  for (const step of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    const record = current as Record<string, unknown>;
    current = Object.hasOwn(record, step) ? record[step] : undefined;
  }
  return current;
}

/**
 * The body as event data: parsed JSON, form fields, or else the bytes in base64. A body holding
 * text PostgreSQL cannot store (NUL, a lone surrogate) goes as base64 too, as does one nesting
 * too deep, so the event is still delivered.
 */
function dataOf(message: InboundMessage, json: JsonValue | undefined, raw: Buffer): JsonValue {
  const parsed = parsedDataOf(message, json, raw);
  return parsed !== undefined && unstorableTextAt(parsed) === null
    ? parsed
    : { bodyBase64: message.bodyBase64 };
}

function parsedDataOf(
  message: InboundMessage,
  json: JsonValue | undefined,
  raw: Buffer,
): JsonValue | undefined {
  if (json !== undefined) return json;
  if ((message.contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    const form: Record<string, string | string[]> = {};
    for (const [name, value] of new URLSearchParams(raw.toString('utf8'))) {
      const existing = form[name];
      form[name] =
        existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
    }
    return form;
  }
  return undefined;
}

export type ForwardResult = { ok: true; event: EventMessage } | { ok: false; reason: 'no-type' };

/**
 * The `webhooks.events` value for a verified inbound webhook: its type read as the source says,
 * its data the parsed body, its id the inbound id (so the router's event dedup covers a copy
 * published twice), occurring when it was received. A tenant's source forwards that tenant's
 * events, which reach only that tenant's endpoints and the operator's (ADR 0025).
 */
export function toForwardedEvent(
  message: InboundMessage,
  from: EventTypeFrom,
  tenant: string | null = null,
): ForwardResult {
  const { json, raw } = bodyOf(message);
  let type: unknown;
  switch (from.kind) {
    case 'provider':
      type = message.providerEventType;
      break;
    case 'header':
      type = message.headers[from.name];
      break;
    case 'body':
      type = at(json, from.path);
      break;
  }
  const normalized = typeof type === 'string' ? normalizeEventType(type) : null;
  if (!normalized) return { ok: false, reason: 'no-type' };
  return {
    ok: true,
    event: {
      type: normalized,
      data: dataOf(message, json, raw),
      id: message.id,
      occurredAt: message.receivedAt,
      ...(tenant === null ? {} : { tenant }),
    },
  };
}
