import { isIP } from 'node:net';
import { BLOCKED_ADDRESS_CODE, createKafka, TopicWriter, type Kafka } from '@gateway/kafka';
import type { Logger } from '@gateway/observability';
import type { AttemptResult } from '@gateway/retry';
import { guardedLookup, type AddressPolicy } from '../../address-policy';
import type { Sender, SendResult, SignedMessage } from '../destination';
import type { KafkaTarget } from './kafka-target';

export interface KafkaDestinationDeps {
  /** The gateway's own cluster: a destination without `brokers` is written there. */
  kafka: Kafka;
  /** The gateway's own topics, never written as a destination on its own cluster. */
  gatewayTopics: ReadonlySet<string>;
  /** Addresses another cluster's brokers may have (the SSRF guard of every delivery). */
  policy: AddressPolicy;
  /** How long one write may take, connecting included (DELIVERY_TIMEOUT_MS). */
  timeoutMs: number;
  logger: Logger;
  clientId: string;
}

/** Topic writers kept connected at most; the least recently used one beyond is closed. */
const WRITERS_MAX = 64;
/** How long shutdown waits for the writers to close. */
const CLOSE_WAIT_MS = 2000;
/** Connection retries toward another cluster: an attempt should fail within its timeout, not outlast it. */
const OTHER_CLUSTER_RETRIES = 2;

/**
 * Writes the signed message to a Kafka topic: value = the body, headers = the webhook-id,
 * -timestamp and -signature headers (and traceparent), key = the event's ordering key or id. An
 * acknowledged write (acks=all) is a delivered attempt; a failed one is a failed attempt, with the
 * same retries and dead letters as HTTP. Each topic has its own writer, so a missing topic, a
 * refusing cluster or a slow one holds up nobody else.
 */
export class KafkaDestination implements Sender<KafkaTarget> {
  private readonly writers = new Map<string, TopicWriter>();

  constructor(private readonly deps: KafkaDestinationDeps) {}

  async deliver(target: KafkaTarget, message: SignedMessage): Promise<SendResult> {
    const started = performance.now();
    const finish = (
      outcome: Pick<SendResult, 'error' | 'errorDetail'> & Partial<SendResult>,
    ): SendResult => ({
      statusCode: null,
      retryAfterHeader: null,
      responseBody: null,
      ...outcome,
      durationMs: Math.round(performance.now() - started),
    });
    const refusal = this.refusal(target);
    if (refusal) return finish({ error: 'ssrf-blocked', errorDetail: refusal });
    let timer: NodeJS.Timeout | undefined;
    try {
      const written = await Promise.race([
        this.writerFor(target).write({ key: message.key, value: message.body, headers: message.headers }),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new WriteTimeout(this.deps.timeoutMs)), this.deps.timeoutMs);
        }),
      ]);
      return finish({
        error: null,
        errorDetail: null,
        acknowledged: true,
        responseBody: `written to ${target.topic}, partition ${written.partition}, offset ${written.offset}`,
      });
    } catch (error) {
      return finish(classify(error));
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes every writer; one still connecting to a cluster that never answers is left after CLOSE_WAIT_MS. */
  async close(): Promise<void> {
    const writers = [...this.writers.values()];
    this.writers.clear();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(writers.map((writer) => writer.disconnect())),
      new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS).unref())),
    ]);
    clearTimeout(timer);
  }

  /** Why a target is never written: a gateway topic on its own cluster, or a blocked broker address. */
  private refusal(target: KafkaTarget): string | undefined {
    if (!target.brokers && this.deps.gatewayTopics.has(target.topic))
      return `${target.topic} is one of the gateway's own topics`;
    const blocked = target.brokers
      ?.map((broker) => broker.slice(0, broker.lastIndexOf(':')).replace(/^\[|\]$/g, ''))
      .find((host) => isIP(host) !== 0 && !this.deps.policy.allows(host));
    return blocked === undefined ? undefined : `${blocked} is a blocked address`;
  }

  /** The target's writer, made on first use; the least recently used one beyond WRITERS_MAX is closed. */
  private writerFor(target: KafkaTarget): TopicWriter {
    const key = JSON.stringify([
      target.topic,
      target.brokers ?? null,
      target.ssl ?? false,
      target.sasl ?? null,
    ]);
    let writer = this.writers.get(key);
    if (writer) this.writers.delete(key);
    else
      writer = new TopicWriter(
        target.brokers ? this.otherCluster(target.brokers, target) : this.deps.kafka,
        target.topic,
      );
    this.writers.set(key, writer);
    // Maps keep insertion order: the first entry is the least recently used.
    for (const [oldestKey, oldest] of this.writers) {
      if (this.writers.size <= WRITERS_MAX) break;
      this.writers.delete(oldestKey);
      oldest
        .disconnect()
        .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'topic writer close failed'));
    }
    return writer;
  }

  private otherCluster(brokers: string[], target: KafkaTarget): Kafka {
    const { policy } = this.deps;
    return createKafka({
      brokers,
      clientId: this.deps.clientId,
      logger: this.deps.logger,
      ssl: target.ssl,
      sasl: target.sasl,
      guard: { lookup: guardedLookup(policy), allows: (address) => policy.allows(address) },
      retries: OTHER_CLUSTER_RETRIES,
    });
  }
}

class WriteTimeout extends Error {
  constructor(ms: number) {
    super(`no acknowledgement within ${ms} ms`);
  }
}

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  broker?: unknown;
  cause?: unknown;
}

/** A failed write as an attempt's error: a blocked broker address, a timeout, or any other failure. */
function classify(error: unknown): { error: AttemptResult['error']; errorDetail: string } {
  const chain: ErrorLike[] = [];
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && chain.length < 6) {
    const link: ErrorLike = current;
    chain.push(link);
    current = link.cause;
  }
  const inner = chain.at(-1) ?? {};
  const broker = typeof inner.broker === 'string' ? ` (${inner.broker})` : '';
  const detail = `${String(inner.message ?? error).split('\n')[0]}${broker}`;
  if (
    chain.some(
      (link) => link.code === BLOCKED_ADDRESS_CODE || String(link.message).includes(BLOCKED_ADDRESS_CODE),
    )
  )
    return { error: 'ssrf-blocked', errorDetail: detail };
  if (
    error instanceof WriteTimeout ||
    chain.some((link) => /timeout/i.test(String(link.name ?? link.message)))
  )
    return { error: 'timeout', errorDetail: `timed out: ${detail}` };
  return { error: 'network', errorDetail: detail };
}
