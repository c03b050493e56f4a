import { z } from 'zod';
import { EVENT_DATA_MAX_DEPTH, valueNestsDeeperThan } from './json-budget';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Any JSON value. Every value this gateway validates comes out of JSON.parse (Kafka values, HTTP
 * bodies), so anything defined already is JSON: a deep walk (z.json()) would only cost time on the
 * hot path. Only a missing value is refused.
 */
export const jsonValue = z.custom<JsonValue>((value) => value !== undefined, {
  message: 'expected a JSON value',
});

/**
 * Event data: a JSON value nesting at most EVENT_DATA_MAX_DEPTH levels, wherever an event enters
 * (API, Kafka, inbound forwarding) and wherever it travels on (delivery, retry and dead-letter tasks).
 */
export const eventData = jsonValue.refine((value) => !valueNestsDeeperThan(value, EVENT_DATA_MAX_DEPTH), {
  message: `nests deeper than ${EVENT_DATA_MAX_DEPTH} levels`,
});
