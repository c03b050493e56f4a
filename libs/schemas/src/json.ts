import { z } from 'zod';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Any JSON value. Every value this gateway validates comes out of JSON.parse (Kafka values, HTTP
 * bodies), so anything defined already is JSON: a deep walk (z.json()) would only cost time on the
 * hot path. Only a missing value is refused.
 */
export const jsonValue = z.custom<JsonValue>((value) => value !== undefined, { message: 'expected a JSON value' });
