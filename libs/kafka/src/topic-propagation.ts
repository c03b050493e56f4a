import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';
import { createKafka, type KafkaSettings } from './kafka-client';

/** One broker's answer for some topics: `true` once it serves each with a leader on every partition, else why not. */
export type BrokerTopicCheck = (address: string, topics: string[]) => Promise<true | string>;

/**
 * Waits until every broker serves the topics, each partition with a leader. A broker learns of a
 * new topic from the controller a moment after CreateTopics has answered; until then it answers
 * "This server does not host this topic-partition" to a client that asks it first.
 */
export async function awaitTopicsOnEveryBroker(
  addresses: string[],
  topics: string[],
  check: BrokerTopicCheck,
  { timeoutMs = 30000, pollMs = 100 }: { timeoutMs?: number; pollMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const address of addresses) {
    for (;;) {
      const answer = await check(address, topics);
      if (answer === true) break;
      if (Date.now() >= deadline) {
        throw new Error(`broker ${address} did not serve the topics within ${timeoutMs} ms: ${answer}`);
      }
      await sleep(pollMs);
    }
  }
}

/**
 * Asks each broker on its own connection: a client seeded with one broker sends its metadata
 * requests to that broker, the only one it has connected to.
 */
export function brokerTopicCheck(settings: KafkaSettings): {
  check: BrokerTopicCheck;
  close(): Promise<void>;
} {
  const admins = new Map<string, Admin>();
  const adminOf = async (address: string): Promise<Admin> => {
    let admin = admins.get(address);
    if (!admin) {
      admin = createKafka({ ...settings, brokers: [address], retries: 0 }).admin();
      admins.set(address, admin);
      await admin.connect();
    }
    return admin;
  };
  return {
    async check(address, topics) {
      try {
        const { topics: found } = await (await adminOf(address)).fetchTopicMetadata({ topics });
        const leaderless = found.find((topic) => topic.partitions.some((partition) => partition.leader < 0));
        return leaderless ? `topic ${leaderless.name} has a partition without a leader` : true;
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    },
    async close() {
      await Promise.allSettled([...admins.values()].map((admin) => admin.disconnect()));
    },
  };
}
