import { z } from 'zod';
import {
  databaseConfig,
  httpConfig,
  kafkaConfig,
  kafkaRules,
  retentionConfig,
  telemetryConfig,
} from '@gateway/config';
import { schedulerConfig } from '@gateway/scheduling';

/** Everything the scheduler service reads from the environment, validated once at start-up. */
export const configSchema = z
  .object({
    ...kafkaConfig,
    ...databaseConfig,
    ...telemetryConfig,
    ...httpConfig('scheduler'),
    ...schedulerConfig,
    ...retentionConfig,
  })
  .superRefine(kafkaRules);

export type AppConfig = z.infer<typeof configSchema>;
