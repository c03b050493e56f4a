import type { Producer } from 'kafkajs';
import { closeTestDatabase, useTestDatabase } from './endpoints';
import { freshDatabase, freshTopics, rawProducer, startServices } from './gateway';
import type { RunningService, ServiceName } from './services';
import { waitFor } from './wait-for';

/** Router + dispatcher (and more) on a topic prefix and a database of their own. */
export interface OutboundStack {
  services: Record<string, RunningService>;
  producer: Producer;
  topics: Awaited<ReturnType<typeof freshTopics>>['topics'];
  prefix: string;
  databaseUrl: string;
  env: Record<string, string>;
  /** Publishes event values to the events topic, as an internal service would. */
  publish(events: object[], key?: string): Promise<void>;
  routerSees(count: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startOutbound(
  names: ServiceName[] = ['router', 'dispatcher'],
  extraEnv: Record<string, string> = {},
  beforeStart?: () => Promise<void>,
): Promise<OutboundStack> {
  const { prefix, topics } = await freshTopics();
  const databaseUrl = await freshDatabase();
  await useTestDatabase(databaseUrl);
  await beforeStart?.();
  const env = {
    KAFKA_TOPIC_PREFIX: prefix,
    DATABASE_URL: databaseUrl,
    DELIVERY_ALLOWLIST: '127.0.0.0/8',
    ...extraEnv,
  };
  const services = await startServices(names, env);
  const producer = await rawProducer();
  const stack: OutboundStack = {
    services,
    producer,
    topics,
    prefix,
    databaseUrl,
    env,
    publish: async (events, key) => {
      await producer.send({
        topic: topics.events,
        messages: events.map((event) => ({ key, value: JSON.stringify(event) })),
      });
    },
    routerSees: async (count) => {
      const router = stack.services.router;
      await waitFor(`router to load ${count} endpoints`, 10000, async () => {
        const text = await (await fetch(`${router.url}/metrics`)).text();
        return new RegExp(`^gateway_router_endpoints_loaded ${count}$`, 'm').test(text);
      });
    },
    stop: async () => {
      await producer.disconnect();
      await Promise.all(Object.values(stack.services).map((service) => service.stop()));
      await closeTestDatabase();
    },
  };
  return stack;
}
