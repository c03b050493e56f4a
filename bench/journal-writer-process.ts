import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { quietIdleRequestQueues } from '@gateway/kafka';
import { AdaptiveBatcher } from '@gateway/platform';

/**
 * The least an ingress can do under its contract, for `machine-ceiling`: read the body, write it to
 * Kafka with acks=all, answer 200 once acknowledged. No verification, dedup, metrics or tracing;
 * KafkaJS used directly (with the gateway's fix of its idle timer loop), batched by the ingress's
 * own `AdaptiveBatcher` (what arrives while batches are out goes in the next `sendBatch`, at most
 * two out at once). Argv: brokers, topic. Talks to its parent over IPC: `ready` with its URL.
 */
const [brokers, topic] = process.argv.slice(2);

async function main(): Promise<void> {
  quietIdleRequestQueues();
  const kafka = new Kafka({
    clientId: 'ceiling-writer',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const writer = new AdaptiveBatcher<Message, unknown>((messages) =>
    producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages }] }),
  );

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answer = (ok: boolean) => {
        response.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain', 'content-length': ok ? 2 : 11 });
        response.end(ok ? 'ok' : 'unavailable');
      };
      writer.send({ key: 'ceiling', value: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks) }).then(
        () => answer(true),
        () => answer(false),
      );
    });
  });
  server.keepAliveTimeout = 60000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.send?.({
    kind: 'ready',
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/in/ceiling`,
  });
  process.on('disconnect', () => process.exit(0));
}

main().catch((error: unknown) => {
  process.stderr.write(`journal writer failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
