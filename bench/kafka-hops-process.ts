import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import {
  BatchingProducer,
  createKafka,
  startTrackedConsumer,
  startValidatingConsumer,
  type ValidatingConsumer,
} from '@gateway/kafka';
import { createLogger } from '@gateway/observability';
import { deliveryTask, eventMessage, retryTask, topicNames, type EventMessage } from '@gateway/schemas';
import { payloadOfSize } from './support';

/**
 * The least the outbound path can do, for `machine-ceiling`'s "three Kafka hops + one POST": with
 * the project's own Kafka client (`createKafka`), producer (`BatchingProducer`, linger 1 ms as the
 * services have it) and consumer loops (`startValidatingConsumer`, `startTrackedConsumer`, which
 * validate every message against its contract), an event is produced to the events topic,
 * consumed and produced on as a delivery task, consumed and produced on as a retry task, consumed,
 * and POSTed with undici (one pooled agent, as the dispatcher sends) to the local receiver. No
 * routing, signing, PostgreSQL, metrics or tracing. Argv: brokers, topic prefix, receiver URL.
 * IPC: `ready` once the three consumers joined; `run` {label, rate, seconds} publishes at the rate
 * (1 KB events stamped with `sentAt`, in 10 ms ticks) and answers `published` with the count;
 * `serve` starts `serveEvents` and answers `serving` with its URL.
 */
const [brokers, prefix, receiverUrl] = process.argv.slice(2);

async function main(): Promise<void> {
  const logger = createLogger('bench-hops', 'error');
  const kafka = createKafka({ brokers: brokers.split(','), clientId: 'bench-hops', logger });
  const topics = topicNames(prefix);
  const producer = new BatchingProducer(kafka, topics, { lingerMs: 1 });
  await producer.connect();
  const agent = new Agent({ connections: 64, keepAliveTimeout: 30000 });
  /** What each hop's consumer shares: the client, the producer, and its topic and group. */
  const hop = (key: 'events' | 'deliveries' | 'retries') => ({
    kafka,
    producer,
    logger,
    groupId: `${prefix}hop-${key}`,
    topic: topics[key],
  });
  const consumers: ValidatingConsumer[] = [
    // Hop 2, as the router: a batch of events becomes one produce of delivery tasks.
    await startValidatingConsumer({
      ...hop('events'),
      contract: eventMessage,
      handle: async (messages) => {
        const occurredAt = new Date().toISOString();
        await producer.produce(
          deliveryTask,
          messages.map(({ value }) => ({
            value: {
              deliveryId: `dlv_${value.id}`,
              endpointId: 'ep_hops',
              attempt: 1,
              event: { id: value.id ?? '', type: value.type, data: value.data, tenant: null, occurredAt },
              orderingKey: null,
              publishedAt: Date.now(),
            },
          })),
        );
      },
    }),
    // Hop 3, as the dispatcher's hand-off: each task produced on alone, with linger.
    await startTrackedConsumer({
      ...hop('deliveries'),
      contract: deliveryTask,
      accept: async (messages) => {
        for (const message of messages) {
          const retry = { task: message.value, dueAt: Date.now(), lastError: '', lastStatusCode: null };
          producer.produce(retryTask, [{ value: retry }], { linger: true }).then(
            () => message.complete(),
            (error: unknown) => void message.reject(error),
          );
        }
      },
    }),
    // The last consume, as the dispatcher: one POST per task.
    await startTrackedConsumer({
      ...hop('retries'),
      contract: retryTask,
      accept: async (messages) => {
        for (const message of messages)
          void post(agent, message.value.task.event).then(() => message.complete());
      },
    }),
  ];
  await Promise.all(consumers.map((consumer) => consumer.joined));
  process.send?.({ kind: 'ready' });
  process.on('message', (message: { kind: string; label: string; rate: number; seconds: number }) => {
    if (message.kind === 'serve')
      void serveEvents(producer).then((url) => process.send?.({ kind: 'serving', url }));
    if (message.kind !== 'run') return;
    void publishAtRate(producer, message).then((published) =>
      process.send?.({ kind: 'published', published }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}

/**
 * The least an HTTP publishing front can do, for `api-publish`'s floor: `POST /v1/events` reads the
 * body, parses it, produces the event to the events topic (the shared producer, with linger, acks
 * from every in-sync replica) and answers 202 with its id once Kafka acknowledged it; 503 if not.
 * No authorization, contract check, metrics or tracing. Resolves with the server's URL.
 */
async function serveEvents(producer: BatchingProducer): Promise<string> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = (status: number, body: string) =>
        res
          .writeHead(status, {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          })
          .end(body);
      try {
        const { type, data } = JSON.parse(Buffer.concat(chunks).toString()) as Pick<
          EventMessage,
          'type' | 'data'
        >;
        const id = `evt_${randomUUID()}`;
        producer.produce(eventMessage, [{ value: { type, id, data } }], { linger: true }).then(
          () => answer(202, JSON.stringify({ id })),
          () => answer(503, '{}'),
        );
      } catch {
        answer(400, '{}');
      }
    });
  });
  server.keepAliveTimeout = 60000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** POSTs the event as the receiver reads it (`data.sentAt`, a `webhook-id`); a failure is counted by the receiver's total. */
async function post(agent: Agent, event: { id: string; type: string; data: unknown }): Promise<void> {
  try {
    const response = await request(receiverUrl, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json', 'webhook-id': event.id },
      body: JSON.stringify(event),
    });
    await response.body.dump();
  } catch {
    // the receiver's unique count shows what never arrived
  }
}

/** Publishes `rate` events a second for `seconds`, in 10 ms ticks; resolves with the count published. */
async function publishAtRate(
  producer: BatchingProducer,
  run: { label: string; rate: number; seconds: number },
): Promise<number> {
  const tickMs = 10;
  const perTick = Math.max(1, Math.round((run.rate * tickMs) / 1000));
  const total = perTick * Math.round((run.seconds * 1000) / tickMs);
  const template = payloadOfSize(1024, { sentAt: 0 });
  const writes: Promise<unknown>[] = [];
  const startedAt = Date.now();
  for (let tick = 0, sent = 0; sent < total; tick++) {
    const wait = startedAt + tick * tickMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const now = Date.now();
    const events: { value: EventMessage }[] = [];
    for (let i = 0; i < perTick && sent < total; i++, sent++)
      events.push({
        value: { type: 'bench.hops', id: `evt_${run.label}_${sent}`, data: { ...template, sentAt: now } },
      });
    writes.push(producer.produce(eventMessage, events, { linger: true }).catch(() => undefined));
  }
  await Promise.all(writes);
  return total;
}

main().catch((error: unknown) => {
  process.stderr.write(`kafka hops failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
