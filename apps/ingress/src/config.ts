import { z } from 'zod';
import { databaseConfig, httpConfig, kafkaConfig, kafkaRules, telemetryConfig } from '@gateway/config';
import { secretsConfig } from '@gateway/config';
import { ingressConfig, publicBaseUrlConfig } from '@gateway/ingress';

/** Everything the ingress service reads from the environment, validated once at start-up. */
export const configSchema = z
  .object({
    ...kafkaConfig,
    ...databaseConfig,
    ...secretsConfig,
    ...telemetryConfig,
    ...httpConfig('ingress'),
    ...publicBaseUrlConfig,
    ...ingressConfig,
  })
  .superRefine(kafkaRules);

export type AppConfig = z.infer<typeof configSchema>;
