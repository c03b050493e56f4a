import { z } from 'zod';

const csv = (value: string): string[] =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

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
};

/** Everything that talks to PostgreSQL. */
export const databaseConfig = {
  DATABASE_URL: z
    .string()
    .default('postgres://gateway:gateway@127.0.0.1:5433/gateway')
    .refine((value) => /^postgres(ql)?:\/\//.test(value), 'expected a postgres:// URL')
    .describe('PostgreSQL connection URL.'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10).describe('PostgreSQL pool size per process.'),
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
    `HTTP port (health, metrics, API). Defaults: ${Object.entries(servicePorts).map(([name, value]) => `${name} ${value}`).join(', ')}.`,
  ),
  HOST: z.string().default('0.0.0.0').describe('Interface the HTTP server binds to.'),
  SHUTDOWN_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(15000)
    .describe('How long graceful shutdown may drain before the process exits.'),
});
