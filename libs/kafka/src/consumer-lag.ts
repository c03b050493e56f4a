import type { Admin, Kafka } from 'kafkajs';

export interface ConsumerLag {
  group: string;
  topic: string;
  /** End offsets minus committed offsets, summed over the topic's partitions. */
  lag: number;
}

/**
 * Reads every consumer group's lag on the given topics from the brokers (committed offsets against
 * end offsets), over one admin client kept for the process's lifetime. A partition the group never
 * committed counts from its low watermark.
 */
export class ConsumerLagReader {
  private admin: Admin | undefined;
  private connecting: Promise<void> | undefined;

  constructor(private readonly kafka: Kafka) {}

  async read(topics: readonly string[]): Promise<ConsumerLag[]> {
    const admin = await this.connected();
    try {
      const ends = new Map<string, Map<number, { high: number; low: number }>>();
      for (const topic of topics) {
        const offsets = await admin.fetchTopicOffsets(topic).catch(() => []);
        ends.set(
          topic,
          new Map(offsets.map((p) => [p.partition, { high: Number(p.high), low: Number(p.low) }])),
        );
      }
      const { groups } = await admin.listGroups();
      const lags: ConsumerLag[] = [];
      for (const { groupId } of groups) {
        const committed = await admin.fetchOffsets({ groupId, topics: [...ends.keys()] });
        for (const { topic, partitions } of committed) {
          if (partitions.every((p) => Number(p.offset) < 0)) continue;
          let lag = 0;
          for (const { partition, offset } of partitions) {
            const end = ends.get(topic)?.get(partition);
            if (!end) continue;
            const at = Number(offset) < 0 ? end.low : Number(offset);
            lag += Math.max(0, end.high - at);
          }
          lags.push({ group: groupId, topic, lag });
        }
      }
      return lags.sort((a, b) => a.group.localeCompare(b.group) || a.topic.localeCompare(b.topic));
    } catch (error) {
      // A broken connection is dropped, so the next read starts a fresh one.
      this.admin = undefined;
      void admin.disconnect().catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect();
  }

  private async connected(): Promise<Admin> {
    if (!this.admin) {
      this.admin = this.kafka.admin({ retry: { retries: 0 } });
      this.connecting = this.admin.connect();
    }
    const admin = this.admin;
    await this.connecting;
    return admin;
  }
}
