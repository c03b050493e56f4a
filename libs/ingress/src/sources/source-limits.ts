/**
 * A webhook travels base64-encoded in one Kafka record (4/3 of its size, plus headers), and Kafka's
 * default `message.max.bytes` is about 1 MB: a larger body could be acknowledged to nobody.
 */
export const MAX_BODY_BYTES_LIMIT = 700_000;

/** Defaults of a new source (docs/DESIGN.md: tolerance 5 minutes). */
export const sourceDefaults = {
  toleranceSeconds: 300,
  maxBodyBytes: 512 * 1024,
  dedupWindowSeconds: 86_400,
} as const;
