/**
 * Readers for request bodies. Call them only after the signature checks out (except where the
 * signature itself lives in the body, as with Mailgun).
 */

export type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The body as a JSON object, or null when it is not one (form-encoded, empty, an array…). */
export function parseJsonObject(rawBody: Buffer): JsonObject | null {
  try {
    const parsed: unknown = JSON.parse(rawBody.toString('utf8'));
    return isObject(parsed) ? parsed : null;
  } catch {
    return null; // not JSON: callers treat this as "no fields", which is the answer they need
  }
}

/** The string at a path of nested keys, or null. */
export function stringAt(value: unknown, ...path: string[]): string | null {
  let current = value;
  for (const key of path) {
    if (!isObject(current)) return null;
    current = current[key];
  }
  return typeof current === 'string' ? current : null;
}

export const objectAt = (value: JsonObject | null, key: string): JsonObject | null =>
  value && isObject(value[key]) ? value[key] : null;

/** The media type without parameters, lower-cased ('' when absent). */
export const mediaType = (contentType: string | null): string =>
  (contentType ?? '').split(';')[0].trim().toLowerCase();

export const isFormEncoded = (contentType: string | null): boolean =>
  mediaType(contentType) === 'application/x-www-form-urlencoded';
