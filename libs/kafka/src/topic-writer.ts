import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { OutgoingMessage } from './encode-message';

/** Where a record was written. */
export interface WrittenRecord {
  partition: number;
  offset: string;
}

/**
 * Writes records to one topic for readers outside the gateway (a Kafka destination), on a producer
 * of its own: a topic that does not exist, was deleted or refuses the gateway fails only its own
 * writes (KafkaJS fails every metadata refresh of a producer once one of its topics is gone). No
 * retries inside KafkaJS (see BatchingProducer): a failed write is a failed attempt, retried by the
 * delivery's policy. Connects on first use, and again after a failed connect.
 */
export class TopicWriter {
  private readonly producer: Producer;
  private connected: Promise<void> | undefined;

  constructor(
    kafka: Kafka,
    readonly topic: string,
  ) {
    this.producer = kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 0 },
    });
  }

  /** Resolves once every in-sync replica has the record (acks=all). */
  async write(message: OutgoingMessage): Promise<WrittenRecord> {
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    await this.connected;
    const [written] = await this.producer.send({
      topic: this.topic,
      acks: -1,
      timeout: 5000,
      messages: [{ key: message.key, value: message.value, headers: message.headers }],
    });
    return { partition: written.partition, offset: written.baseOffset ?? '' };
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}
