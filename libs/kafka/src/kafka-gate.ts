import type { Kafka } from 'kafkajs';
import { metrics, type Logger } from '@gateway/observability';
import type { BatchingProducer } from './batching-producer';
import { describeKafkaError } from './kafka-errors';
import { checkKafka } from './kafka-health';
import { topicProblems, type Replication } from './topics';

export interface KafkaGateOptions {
  kafka: Kafka;
  producer: BatchingProducer;
  /** The topics the service uses: checked before it counts as connected. */
  topics: string[];
  replication: Replication;
  /** `require`: a missing or under-replicated topic keeps the gate shut; `warn`: logged once. */
  topicCheck: 'require' | 'warn';
  logger: Logger;
  backoff?: { initialMs: number; maxMs: number };
}

class TopicsNotReady extends Error {}

/**
 * A service's way into Kafka at start: connects, checks its topics and connects the producer, and
 * until that has worked keeps retrying with backoff while readiness reports the cause. A refused
 * credential, an untrusted certificate or a missing topic thus leaves a live, not-ready process that
 * logged one line naming the cause (again only when the cause changes), never a crash loop.
 */
export class KafkaGate {
  /** Resolves once connected; consumers start after it. */
  readonly opened: Promise<void>;
  private open!: () => void;
  private cause: string | undefined = 'connecting to Kafka';
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly options: KafkaGateOptions) {
    this.opened = new Promise((resolve) => (this.open = resolve));
  }

  start(): void {
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.wake?.();
  }

  /** Readiness: rejects with the cause until connected, then asks a broker each time. */
  async check(): Promise<void> {
    if (this.cause !== undefined) throw new Error(this.cause);
    await checkKafka(this.options.kafka);
  }

  private async loop(): Promise<void> {
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 500, maxMs: 30_000 };
    let delay = initialMs;
    while (!this.stopped) {
      try {
        await this.attempt();
        this.cause = undefined;
        this.options.logger.info('connected to Kafka');
        this.open();
        return;
      } catch (error) {
        metrics.kafkaConnectFailures.inc();
        const cause = error instanceof TopicsNotReady ? error.message : describeKafkaError(error);
        if (cause !== this.cause)
          this.options.logger.error({ retryInMs: delay }, `kafka not usable: ${cause}`);
        this.cause = cause;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, delay);
      });
      delay = Math.min(delay * 2, maxMs);
    }
  }

  private async attempt(): Promise<void> {
    const { kafka, topics, replication, topicCheck, logger, producer } = this.options;
    const admin = kafka.admin({ retry: { retries: 0 } });
    await admin.connect();
    try {
      const { problems, expected } = await topicProblems(admin, topics, replication);
      if (expected.capped) {
        logger.warn(
          `the cluster has fewer brokers than KAFKA_REPLICATION_FACTOR ${replication.replicationFactor}: expecting ${expected.replicationFactor} replica(s) per topic`,
        );
      }
      if (problems.length > 0 && topicCheck === 'require') throw new TopicsNotReady(problems.join('; '));
      if (problems.length > 0)
        logger.warn({ problems }, 'topics are not as configured (KAFKA_TOPIC_CHECK=warn): going on');
    } finally {
      await admin.disconnect();
    }
    await producer.connect();
  }
}
