import { accessSync, constants } from 'node:fs';
import { keyListProblems, parseKeyList } from '@gateway/encryption';
import { z } from 'zod';

const csv = (value: string): string[] =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

/** An on/off variable: `true`/`false`, `on`/`off`, `1`/`0`, `yes`/`no`. */
export const flag = (fallback: boolean, description: string) =>
  z
    .enum(['true', 'false', 'on', 'off', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((value) => ['true', 'on', '1', 'yes'].includes(value))
    .describe(description);

/** A path the process can read at start (checked then, so a missing mount fails loudly). */
const readableFile = (description: string) =>
  z
    .string()
    .min(1)
    .refine((file) => {
      try {
        accessSync(file, constants.R_OK);
        return true;
      } catch {
        return false;
      }
    }, 'cannot read this file')
    .optional()
    .describe(description);

const port = (fallback: number, description: string) =>
  z.coerce.number().int().min(1).max(65535).default(fallback).describe(description);

/** Everything that talks to Kafka. */
export const kafkaConfig = {
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform(csv)
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'expected host:port[,host:port]')).min(1))
    .describe('Comma-separated Kafka bootstrap brokers (host:port).'),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/, 'only letters, digits, ".", "_" and "-"')
    .default('webhooks.')
    .describe('Prefix of every topic name (events, inbound, deliveries, retries, dead-letter, invalid).'),
  KAFKA_CLIENT_ID: z.string().min(1).optional().describe('Kafka client id; defaults to the service name.'),
  KAFKA_SSL: flag(
    false,
    'Connect to the brokers over TLS (`true`/`false`). Without a CA file the system trust store is used.',
  ),
  KAFKA_SSL_CA_FILE: readableFile(
    "PEM file of the CA(s) that signed the brokers' certificates (needs KAFKA_SSL=true).",
  ),
  KAFKA_SSL_CERT_FILE: readableFile('PEM client certificate for mutual TLS (with KAFKA_SSL_KEY_FILE).'),
  KAFKA_SSL_KEY_FILE: readableFile('PEM private key of KAFKA_SSL_CERT_FILE, for mutual TLS.'),
  KAFKA_SASL_MECHANISM: z
    .enum(['plain', 'scram-sha-256', 'scram-sha-512'])
    .optional()
    .describe('SASL mechanism: `plain`, `scram-sha-256` or `scram-sha-512`; unset means no SASL.'),
  KAFKA_SASL_USERNAME: z.string().min(1).optional().describe('SASL user name (with KAFKA_SASL_MECHANISM).'),
  KAFKA_SASL_PASSWORD: z
    .string()
    .min(1)
    .optional()
    .describe('SASL password (with KAFKA_SASL_MECHANISM). Never logged or shown; take it from a Secret.'),
  KAFKA_REPLICATION_FACTOR: z.coerce
    .number()
    .int()
    .min(1)
    .default(3)
    .describe(
      'Replicas of every topic the gateway creates, and the least a service accepts at start; capped at the broker count (logged).',
    ),
  KAFKA_MIN_INSYNC_REPLICAS: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe(
      '`min.insync.replicas` of every topic the gateway creates; defaults to the replication factor minus 1, at least 1.',
    ),
  KAFKA_TOPIC_CHECK: z
    .enum(['require', 'warn'])
    .default('require')
    .describe(
      'A missing or under-replicated topic at start: `require` keeps the service not ready (naming it), `warn` logs it and goes on.',
    ),
};

/** Rules between the Kafka variables; apply with `.superRefine(kafkaRules)` on a config that spreads kafkaConfig. */
export function kafkaRules(config: KafkaConfig, ctx: z.RefinementCtx): void {
  const problem = (path: keyof KafkaConfig, message: string) =>
    ctx.addIssue({ code: 'custom', path: [path], message });
  if (!config.KAFKA_SSL) {
    for (const name of ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'] as const) {
      if (config[name]) problem(name, 'is set but KAFKA_SSL is off: set KAFKA_SSL=true');
    }
  }
  if (Boolean(config.KAFKA_SSL_CERT_FILE) !== Boolean(config.KAFKA_SSL_KEY_FILE)) {
    problem(
      config.KAFKA_SSL_CERT_FILE ? 'KAFKA_SSL_KEY_FILE' : 'KAFKA_SSL_CERT_FILE',
      'mutual TLS needs both KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE',
    );
  }
  const sasl = ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const;
  for (const name of sasl) {
    if (config.KAFKA_SASL_MECHANISM && !config[name])
      problem(name, `is required with KAFKA_SASL_MECHANISM=${config.KAFKA_SASL_MECHANISM}`);
    if (!config.KAFKA_SASL_MECHANISM && config[name]) problem(name, 'is set but KAFKA_SASL_MECHANISM is not');
  }
}

export type KafkaConfig = z.infer<z.ZodObject<typeof kafkaConfig>>;

/** Everything that talks to PostgreSQL. */
export const databaseConfig = {
  DATABASE_URL: z
    .string()
    .default('postgres://gateway:gateway@127.0.0.1:5433/gateway')
    .refine((value) => /^postgres(ql)?:\/\//.test(value), 'expected a postgres:// URL')
    .describe('PostgreSQL connection URL.'),
  DATABASE_POOL_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(10)
    .describe('PostgreSQL pool size per process.'),
};

/** Logging and tracing, shared by every service. */
export const telemetryConfig = {
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level.'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .url()
    .optional()
    .describe('OTLP/HTTP collector base URL; tracing is on only when set.'),
  OTEL_TRACES_SAMPLER_ARG: z.coerce
    .number()
    .min(0)
    .max(1)
    .default(1)
    .describe('Fraction of new traces sampled (parent-based).'),
};

export const servicePorts = {
  api: 8080,
  ingress: 8081,
  router: 8082,
  dispatcher: 8083,
  scheduler: 8084,
} as const;

export type ServiceName = keyof typeof servicePorts;

/** The HTTP port a service listens on (health, metrics, and its own API). */
export const httpConfig = (service: ServiceName) => ({
  PORT: port(
    servicePorts[service],
    `HTTP port (health, metrics, API). Defaults: ${Object.entries(servicePorts)
      .map(([name, value]) => `${name} ${value}`)
      .join(', ')}.`,
  ),
  HOST: z.string().default('0.0.0.0').describe('Interface the HTTP server binds to.'),
  SHUTDOWN_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(15000)
    .describe('How long graceful shutdown may drain before the process exits.'),
});

/**
 * The keys secrets are encrypted under at rest (endpoint signing secrets, source secrets, custom
 * header values): required by every process that reads or writes them.
 */
export const secretsConfig = {
  SECRETS_ENCRYPTION_KEYS: z
    .string()
    .superRefine((text, ctx) => {
      for (const message of keyListProblems(text)) ctx.addIssue({ code: 'custom', message });
    })
    .transform(parseKeyList)
    .describe(
      'AES-256-GCM keys of the secrets stored in PostgreSQL: comma-separated `<id>:<base64 of 32 bytes>`, newest first. The first one encrypts, every one decrypts; after adding a key run `npm run secrets:reencrypt`, then drop the old one. Required: `npm run dev` and compose use a fixed local key, the tests generate one; in production take it from a Secret. Never logged.',
    ),
};
export type SecretsConfig = z.infer<z.ZodObject<typeof secretsConfig>>;

/**
 * How long the event tables keep rows (ADR 0028): the scheduler drops older day partitions, and the
 * api refuses a tenant's `retentionDays` that is not shorter.
 */
export const retentionConfig = {
  RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(36500)
    .default(30)
    .describe(
      "Days events, deliveries and attempts are kept: their day partitions are dropped once the whole day is older; a tenant's retentionDays must be fewer (ADR 0028).",
    ),
};
