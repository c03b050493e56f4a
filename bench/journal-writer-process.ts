import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { quietIdleRequestQueues } from '@gateway/kafka';

/**
 * The least an ingress can do under its contract, for `machine-ceiling`: read the body, write it to
 * Kafka with acks=all, answer 200 once acknowledged. No verification, dedup, metrics or tracing;
 * KafkaJS used directly (with the gateway's fix of its idle timer loop) and the batching an ingress
 * needs (everything that arrived while the previous batches were out goes in one `sendBatch`, at
 * most two out at once). Argv: brokers,
 * topic. Talks to its parent over IPC: `ready` with its URL.
 */
const [brokers, topic] = process.argv.slice(2);
const MAX_IN_FLIGHT = 2;

interface Waiting {
  message: Message;
  done: (ok: boolean) => void;
}

async function main(): Promise<void> {
  quietIdleRequestQueues();
  const kafka = new Kafka({ clientId: 'ceiling-writer', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  let waiting: Waiting[] = [];
  let inFlight = 0;
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    if (waiting.length === 0 || inFlight >= MAX_IN_FLIGHT) return;
    const batch = waiting;
    waiting = [];
    inFlight++;
    producer
      .sendBatch({ acks: -1, topicMessages: [{ topic, messages: batch.map((entry) => entry.message) }] })
      .then(
        () => batch.forEach((entry) => entry.done(true)),
        () => batch.forEach((entry) => entry.done(false)),
      )
      .finally(() => {
        inFlight--;
        schedule();
      });
  };
  const schedule = () => {
    if (scheduled || waiting.length === 0 || inFlight >= MAX_IN_FLIGHT) return;
    scheduled = true;
    setImmediate(flush);
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      waiting.push({
        message: { key: 'ceiling', value: body },
        done: (ok) => {
          response.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain', 'content-length': ok ? 2 : 11 });
          response.end(ok ? 'ok' : 'unavailable');
        },
      });
      schedule();
    });
  });
  server.keepAliveTimeout = 60000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.send?.({ kind: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/in/ceiling` });
  process.on('disconnect', () => process.exit(0));
}

main().catch((error: unknown) => {
  process.stderr.write(`journal writer failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
