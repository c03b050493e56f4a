import { randomUUID } from 'node:crypto';
import type { EventMessage } from '@gateway/schemas';

/** The events the gateway publishes about itself; an endpoint subscribes to them like to any other. */
export const OPERATIONAL_EVENT_TYPES = [
  'endpoint.disabled',
  'endpoint.recovered',
  'delivery.exhausted',
] as const;

export type OperationalEventType = (typeof OPERATIONAL_EVENT_TYPES)[number];

/** What an operational event says: ids, a reason, counts (no body, no secret). */
export type OperationalEventData = Readonly<Record<string, string | number | null>>;

const operationalTypes: ReadonlySet<string> = new Set(OPERATIONAL_EVENT_TYPES);

/**
 * Whether an event type is an operational one: a delivery of one that is exhausted publishes no
 * `delivery.exhausted`, so that a failing operator endpoint cannot feed a loop.
 */
export const isOperationalEvent = (type: string): boolean => operationalTypes.has(type);

/**
 * An operational event as `webhooks.events` carries it, the one place one is built: an id of its
 * own (`evt_op_` and 32 hex digits, which also keys it), and `now` as its occurredAt.
 */
export function operationalEvent(
  type: OperationalEventType,
  data: OperationalEventData,
  now: Date,
): EventMessage & { id: string; occurredAt: string } {
  return { type, id: `evt_op_${randomUUID().replace(/-/g, '')}`, data, occurredAt: now.toISOString() };
}
