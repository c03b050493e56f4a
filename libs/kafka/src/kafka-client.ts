import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type KafkaConfig as KafkaJsConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import type { KafkaConfig } from '@gateway/config';
import type { Logger } from '@gateway/observability';
import { guardedSocketFactory, type AddressGuard } from './guarded-socket';
import { quietIdleRequestQueues } from './idle-request-queues';

/** TLS toward the brokers: `true` trusts the system's CAs; files are PEM paths. */
export type KafkaTls = boolean | { caFile?: string; certFile?: string; keyFile?: string };

export interface KafkaSasl {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  logger: Logger;
  ssl?: KafkaTls;
  sasl?: KafkaSasl;
  /** Checks every broker address before connecting: for clusters named by outsiders (a Kafka destination). */
  guard?: AddressGuard;
  /** Retries of a failed connection or request (8 by default). */
  retries?: number;
}

/** The connection part of a validated config (kafkaConfig + kafkaRules guarantee the pairs). */
export function kafkaSettings(config: KafkaConfig, clientId: string, logger: Logger): KafkaSettings {
  const files = {
    caFile: config.KAFKA_SSL_CA_FILE,
    certFile: config.KAFKA_SSL_CERT_FILE,
    keyFile: config.KAFKA_SSL_KEY_FILE,
  };
  const anyFile = Object.values(files).some(Boolean);
  return {
    brokers: config.KAFKA_BROKERS,
    clientId: config.KAFKA_CLIENT_ID ?? clientId,
    logger,
    ssl: config.KAFKA_SSL ? (anyFile ? files : true) : false,
    sasl:
      config.KAFKA_SASL_MECHANISM && config.KAFKA_SASL_USERNAME && config.KAFKA_SASL_PASSWORD
        ? {
            mechanism: config.KAFKA_SASL_MECHANISM,
            username: config.KAFKA_SASL_USERNAME,
            password: config.KAFKA_SASL_PASSWORD,
          }
        : undefined,
  };
}

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** How long one KafkaJS message is kept from repeating: a broker that refuses us must not flood the log. */
const REPEAT_WINDOW_MS = 60_000;

/** The one place a kafkajs client is made; its logs go through pino, once a minute per message, without stacks. */
export function createKafka(settings: KafkaSettings): Kafka {
  quietIdleRequestQueues();
  const log = settings.logger.child({ component: 'kafkajs' });
  const seen = new Map<string, number>();
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    ssl: tlsOptions(settings.ssl),
    sasl: settings.sasl as SASLOptions | undefined,
    socketFactory: settings.guard && guardedSocketFactory(settings.guard),
    connectionTimeout: 3000,
    // The SASL handshake is a round trip or two more than a plain connection; KafkaJS defaults to 10 s.
    authenticationTimeout: 10000,
    requestTimeout: 10000,
    retry: { initialRetryTime: 100, retries: settings.retries ?? 8, maxRetryTime: 2000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry as LogEntry['log'] & { stack?: string };
        // pino stamps its own time; a stack per retry is the storm this logger exists to avoid.
        delete rest.stack;
        delete (rest as { timestamp?: string }).timestamp;
        const key = `${level} ${message} ${String(rest.error ?? '')} ${String(rest.broker ?? '')}`;
        const now = Date.now();
        if ((seen.get(key) ?? -Infinity) > now - REPEAT_WINDOW_MS) return;
        if (seen.size > 1000) seen.clear();
        seen.set(key, now);
        log[levels[level] ?? 'info'](rest, message);
      },
  });
}

function tlsOptions(tls: KafkaTls | undefined): KafkaJsConfig['ssl'] {
  if (!tls) return undefined;
  if (tls === true) return true;
  return {
    ca: tls.caFile ? [readFileSync(tls.caFile, 'utf8')] : undefined,
    cert: tls.certFile ? readFileSync(tls.certFile, 'utf8') : undefined,
    key: tls.keyFile ? readFileSync(tls.keyFile, 'utf8') : undefined,
  };
}
