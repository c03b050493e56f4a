import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { KafkaConfig } from '@gateway/config';
import { SecretBox, type EncryptionKey } from '@gateway/encryption';
import { BatchingProducer, KafkaGate, createKafka, kafkaSettings } from '@gateway/kafka';
import {
  checkPostgres,
  createDataSource,
  repositories,
  serviceStatementLimits,
  UnitOfWork,
  type DataSource,
} from '@gateway/persistence';
import { createLogger, type Logger } from '@gateway/observability';
import { topicNames } from '@gateway/schemas';
import { ConsumerHost } from './consumer-host';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { ReadinessRegistry } from './readiness-registry';
import { CONFIG, DATA_SOURCE, KAFKA, KAFKA_GATE, LOGGER, PRODUCER, TOPICS } from './tokens';

export interface PlatformOptions {
  service: string;
  config: KafkaConfig & {
    LOG_LEVEL: string;
    DATABASE_URL?: string;
    DATABASE_POOL_SIZE?: number;
    /** The keys of the secrets encrypted at rest; a service that reads none has none. */
    SECRETS_ENCRYPTION_KEYS?: EncryptionKey[];
  };
  /** Linger of the batching producer; 1 ms trades a millisecond for far fewer round trips. */
  producerLingerMs?: number;
}

/** Connects the shared resources at start and closes them last at shutdown (after the consumers). */
@Injectable()
class PlatformLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(KAFKA_GATE) private readonly gate: KafkaGate,
    @Inject(PRODUCER) private readonly producer: BatchingProducer,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource | null,
    private readonly readiness: ReadinessRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    this.readiness.add({ name: 'kafka', check: () => this.gate.check() });
    const dataSource = this.dataSource;
    if (dataSource) {
      this.readiness.add({ name: 'postgres', check: () => checkPostgres(dataSource) });
      await dataSource.initialize();
    }
    // Not awaited: until Kafka takes us, the service is live and answers not ready with the cause.
    this.gate.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.gate.stop();
    await this.producer.disconnect().catch(() => undefined);
    if (this.dataSource?.isInitialized) await this.dataSource.destroy();
  }
}

@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const { config } = options;
    const logger = createLogger(options.service, config.LOG_LEVEL);
    const kafka = createKafka(kafkaSettings(config, options.service, logger));
    const topics = topicNames(config.KAFKA_TOPIC_PREFIX);
    const producer = new BatchingProducer(kafka, topics, { lingerMs: options.producerLingerMs ?? 1 });
    const gate = new KafkaGate({
      kafka,
      producer,
      topics: Object.values(topics),
      replication: {
        replicationFactor: config.KAFKA_REPLICATION_FACTOR,
        minInsyncReplicas: config.KAFKA_MIN_INSYNC_REPLICAS,
      },
      topicCheck: config.KAFKA_TOPIC_CHECK,
      logger,
    });
    const dataSource = config.DATABASE_URL
      ? createDataSource(
          config.DATABASE_URL,
          config.DATABASE_POOL_SIZE,
          options.service,
          serviceStatementLimits,
        )
      : null;
    // Each table's repository over the data source, injected by class (none without a database).
    const box = config.SECRETS_ENCRYPTION_KEYS && new SecretBox(config.SECRETS_ENCRYPTION_KEYS);
    // One unit of work per process: a request that must commit several tables together runs in it.
    const unitOfWork = dataSource && new UnitOfWork(dataSource);
    const repositoryProviders = unitOfWork
      ? [
          { provide: UnitOfWork, useValue: unitOfWork },
          ...repositories.map((repository) => ({
            provide: repository,
            useValue: new repository(unitOfWork.database, box),
          })),
        ]
      : [];
    return {
      module: PlatformModule,
      global: true,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: KAFKA, useValue: kafka },
        { provide: PRODUCER, useValue: producer },
        { provide: KAFKA_GATE, useValue: gate },
        { provide: DATA_SOURCE, useValue: dataSource },
        { provide: TOPICS, useValue: topics },
        ReadinessRegistry,
        ConsumerHost,
        PlatformLifecycle,
        ...repositoryProviders,
      ],
      exports: [
        CONFIG,
        LOGGER,
        KAFKA,
        KAFKA_GATE,
        PRODUCER,
        DATA_SOURCE,
        TOPICS,
        ReadinessRegistry,
        ConsumerHost,
        ...repositoryProviders.map((provider) => provider.provide),
      ],
    };
  }
}

export type { Logger };
