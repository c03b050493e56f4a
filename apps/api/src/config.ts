import { z } from 'zod';
import { databaseConfig, httpConfig, kafkaConfig, kafkaRules, telemetryConfig } from '@gateway/config';
import { retentionConfig, secretsConfig } from '@gateway/config';
import { consoleConfig, consoleServingConfig, controlConfig } from '@gateway/control';
import { publicBaseUrlConfig } from '@gateway/ingress';

/** Everything the api service reads from the environment, validated once at start-up. */
export const configSchema = z
  .object({
    ...kafkaConfig,
    ...databaseConfig,
    ...secretsConfig,
    ...telemetryConfig,
    ...httpConfig('api'),
    ...controlConfig,
    ...consoleConfig,
    ...consoleServingConfig,
    ...publicBaseUrlConfig,
    ...retentionConfig,
  })
  .superRefine(kafkaRules);

export type AppConfig = z.infer<typeof configSchema>;
