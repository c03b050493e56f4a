import { z } from 'zod';

const flag = z
  .enum(['true', 'false', '1', '0'])
  .default('false')
  .transform((value) => value === 'true' || value === '1');

/**
 * The URL providers call. Read by the api (a source's `ingressUrl`) and the ingress (the URL that
 * Twilio and Square sign is rebuilt from it).
 */
export const publicBaseUrlConfig = {
  PUBLIC_BASE_URL: z
    .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
    .default('http://127.0.0.1:8081')
    .refine((value) => !/[?#]/.test(value), 'no query or fragment')
    .transform((value) => value.replace(/\/+$/, ''))
    .describe(
      "Public base URL of the ingress as providers call it (e.g. https://hooks.example.com, or with a path prefix a proxy strips). A source's ingressUrl is <PUBLIC_BASE_URL>/in/<id>; Twilio and Square signatures are checked against <PUBLIC_BASE_URL>/in/<id>?<query>.",
    ),
};

/** What the ingress service reads besides the shared fragments. */
export const ingressConfig = {
  SOURCE_STATS_FLUSH_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(300_000)
    .default(10_000)
    .describe(
      "How often the ingress writes its per-source, per-minute request counters (the console's source stats) to PostgreSQL, in one upsert. Best-effort: a down database never slows a request; counts of a crashed process are lost.",
    ),
  TRUST_FORWARDED_HEADERS: flag.describe(
    'Rebuild the signed URL from Forwarded / X-Forwarded-Proto, -Host, -Port, -Prefix, -Uri when a request carries them. Only behind a proxy that sets (and strips) them: otherwise a caller chooses the URL that is verified.',
  ),
  INGRESS_MAX_IN_FLIGHT: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(256)
    .describe(
      'Requests one ingress process handles at once; beyond it the answer is 503 with Retry-After (load shedding).',
    ),
  INGRESS_LOOP_DELAY_TARGET_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(10000)
    .default(20)
    .describe(
      'Event loop delay (p99 over 250 ms) above which a CPU-bound ingress admits fewer requests at once (down to 32, up again to INGRESS_MAX_IN_FLIGHT while the loop keeps up); the excess is answered 503 at once instead of waiting for the CPU. 0: off, only INGRESS_MAX_IN_FLIGHT bounds (ADR 0011).',
    ),
  INGRESS_ACK_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(60000)
    .default(2500)
    .describe(
      'How long a request waits for the Kafka acknowledgement before it is answered 503 (the provider retries).',
    ),
  INGRESS_RETRY_AFTER_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3600)
    .default(2)
    .describe('Retry-After of 503 answers (Kafka unavailable, overloaded).'),
  INGRESS_DEDUP_CONSUMER: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((value) => value === 'true' || value === '1')
    .describe(
      'Run the dedup consumer (ingress journal -> webhooks.inbound) in this process. Every replica runs it by default; set false on replicas that only serve HTTP, so its batches never delay a request (at least one replica must run it).',
    ),
  INGRESS_DEDUP_FETCH_WAIT_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(1000)
    .default(10)
    .describe(
      'After a journal batch of fewer than 32 webhooks that caught up with the topic, the dedup consumer waits this long before its next fetch: fewer, larger batches, each one claim and one mark in PostgreSQL and one produce, for up to this much delay on the way to webhooks.inbound (never on the 2xx). 0: no wait.',
    ),
  INGRESS_DEDUP_CACHE_SIZE: z.coerce
    .number()
    .int()
    .min(0)
    .max(10_000_000)
    .default(100_000)
    .describe(
      'Recently accepted event ids one process remembers, to answer a duplicate without a Kafka write (0: off).',
    ),
};
