import { z } from 'zod';
import { databaseConfig, httpConfig, kafkaConfig, kafkaRules, telemetryConfig } from '@gateway/config';
import { secretsConfig } from '@gateway/config';
import { deliveryConfig } from '@gateway/delivery';

/** Everything the dispatcher service reads from the environment, validated once at start-up. */
export const configSchema = z
  .object({
    ...kafkaConfig,
    ...databaseConfig,
    ...secretsConfig,
    ...telemetryConfig,
    ...httpConfig('dispatcher'),
    ...deliveryConfig,
  })
  .superRefine(kafkaRules);

export type AppConfig = z.infer<typeof configSchema>;
