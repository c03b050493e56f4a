import { z } from 'zod';
import { databaseConfig, httpConfig, kafkaConfig, kafkaRules, telemetryConfig } from '@gateway/config';

/** Everything the router service reads from the environment, validated once at start-up. */
export const configSchema = z
  .object({
    ...kafkaConfig,
    ...databaseConfig,
    ...telemetryConfig,
    ...httpConfig('router'),
  })
  .superRefine(kafkaRules);

export type AppConfig = z.infer<typeof configSchema>;
