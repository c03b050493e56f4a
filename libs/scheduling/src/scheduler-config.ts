import { z } from 'zod';

/** Configuration of the retry scheduler. */
export const schedulerConfig = {
  SCHEDULER_WINDOW_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(60000)
    .default(2000)
    .describe('How far ahead due retries are claimed into memory.'),
  SCHEDULER_LEASE_MS: z.coerce
    .number()
    .int()
    .min(500)
    .max(300000)
    .default(3000)
    .describe("Claim lease; a stopped instance's retries pass to others after it."),
  SCHEDULER_POLL_MS: z.coerce
    .number()
    .int()
    .min(10)
    .max(10000)
    .default(100)
    .describe('How often the database is asked for newly due retries.'),
  SCHEDULER_BATCH: z.coerce
    .number()
    .int()
    .min(1)
    .max(10000)
    .default(1000)
    .describe('Retries claimed or fired per statement.'),
  SCHEDULER_INTAKE_BUFFER: z.coerce
    .number()
    .int()
    .min(0)
    .max(1000000)
    .default(20000)
    .describe(
      'Retries due later than the window that may wait to be stored in the background (about 1.5 KB each) before intake stops fetching; soon-due ones are stored first.',
    ),
  DEAD_LETTER_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(36500)
    .optional()
    .describe(
      'Days a dead letter is kept in PostgreSQL after it died (redriven or not), then deleted in batches; unset: kept (ADR 0028).',
    ),
};
