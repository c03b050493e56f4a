import { z } from 'zod';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Any JSON value (what JSON.parse can return). */
export const jsonValue: z.ZodType<JsonValue> = z.json();
