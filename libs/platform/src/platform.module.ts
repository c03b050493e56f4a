import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { BatchingProducer, checkKafka, createKafka, type Kafka } from '@gateway/kafka';
import { checkPostgres, createDataSource, serviceStatementLimits, type DataSource } from '@gateway/persistence';
import { createLogger, type Logger } from '@gateway/observability';
import { topicNames } from '@gateway/schemas';
import { ConsumerHost } from './consumer-host';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { ReadinessRegistry } from './readiness-registry';
import { CONFIG, DATA_SOURCE, KAFKA, LOGGER, PRODUCER, TOPICS } from './tokens';

export interface PlatformOptions {
  service: string;
  config: {
    KAFKA_BROKERS: string[];
    KAFKA_TOPIC_PREFIX: string;
    KAFKA_CLIENT_ID?: string;
    LOG_LEVEL: string;
    DATABASE_URL?: string;
    DATABASE_POOL_SIZE?: number;
  };
  /** Linger of the batching producer; 1 ms trades a millisecond for far fewer round trips. */
  producerLingerMs?: number;
}

/** Connects the shared resources at start and closes them last at shutdown (after the consumers). */
@Injectable()
class PlatformLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(PRODUCER) private readonly producer: BatchingProducer,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource | null,
    private readonly readiness: ReadinessRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    this.readiness.add({ name: 'kafka', check: () => checkKafka(this.kafka) });
    const dataSource = this.dataSource;
    if (dataSource) {
      this.readiness.add({ name: 'postgres', check: () => checkPostgres(dataSource) });
      await dataSource.initialize();
    }
    await this.producer.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
    if (this.dataSource?.isInitialized) await this.dataSource.destroy();
  }
}

@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const { config } = options;
    const logger = createLogger(options.service, config.LOG_LEVEL);
    const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID ?? options.service, logger });
    const dataSource = config.DATABASE_URL
      ? createDataSource(config.DATABASE_URL, config.DATABASE_POOL_SIZE, options.service, serviceStatementLimits)
      : null;
    return {
      module: PlatformModule,
      global: true,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: KAFKA, useValue: kafka },
        { provide: PRODUCER, useValue: new BatchingProducer(kafka, { lingerMs: options.producerLingerMs ?? 1 }) },
        { provide: DATA_SOURCE, useValue: dataSource },
        { provide: TOPICS, useValue: topicNames(config.KAFKA_TOPIC_PREFIX) },
        ReadinessRegistry,
        ConsumerHost,
        PlatformLifecycle,
      ],
      exports: [CONFIG, LOGGER, KAFKA, PRODUCER, DATA_SOURCE, TOPICS, ReadinessRegistry, ConsumerHost],
    };
  }
}

export type { Logger };
