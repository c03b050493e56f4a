import { createHmac, randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import type { Admin } from 'kafkajs';
import { ingressSees, insertSource } from '../support/ingress';
import { insertEndpoint, testDatabase, type EndpointFixture } from '../support/endpoints';
import { rawKafka } from '../support/gateway';
import { startOutbound, type OutboundStack } from '../support/outbound';
import type { Receiver } from '../support/receiver';
import type { RunningService, ServiceName } from '../support/services';
import { waitFor } from '../support/wait-for';

/** Every service answers /health/ready 200 (checked after each batch of hostile input). */
export async function allReady(services: Record<string, RunningService>): Promise<void> {
  for (const [name, service] of Object.entries(services)) {
    const status = (await fetch(`${service.url}/health/ready`)).status;
    if (status !== 200) throw new Error(`${name} not ready (${status}) after hostile input`);
  }
}

/** An admin client for consumer lag: each group's committed offsets against the topic's end. */
export async function lagWatcher(): Promise<{
  waitForNoLag(groups: { group: string; topic: string }[], timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}> {
  const admin: Admin = rawKafka().admin();
  await admin.connect();
  const lag = async (group: string, topic: string): Promise<number> => {
    const [ends, [committed]] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId: group, topics: [topic] }),
    ]);
    let total = 0;
    for (const end of ends) {
      const at = Number(
        committed.partitions.find((partition) => partition.partition === end.partition)?.offset ?? '-1',
      );
      total += Number(end.high) - (at < 0 ? Number(end.low) : at);
    }
    return total;
  };
  return {
    waitForNoLag: async (groups, timeoutMs = 20_000) => {
      await waitFor(
        `consumer lag 0 for ${groups.map(({ group }) => group).join(', ')}`,
        timeoutMs,
        async () => {
          for (const { group, topic } of groups) if ((await lag(group, topic)) !== 0) return false;
          return true;
        },
      );
    },
    close: () => admin.disconnect(),
  };
}

export const canaryId = (label: string): string =>
  `evt_canary_${label}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

/**
 * Writes raw bytes to an HTTP server, then ends the request; returns the status of the first answer
 * (null: the server closed without one), within `timeoutMs`.
 */
export function rawExchange(
  url: string,
  pieces: readonly (Buffer | number)[],
  timeoutMs = 5000,
): Promise<number | null> {
  const target = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(target.port), target.hostname);
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const head = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      resolve(match ? Number(match[1]) : null);
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (Buffer.concat(chunks).includes('\r\n\r\n')) finish();
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('connect', () => {
      void (async () => {
        // A number is a pause (ms) between pieces: a slow drip.
        for (const piece of pieces) {
          if (settled || socket.destroyed) return;
          if (typeof piece === 'number') await new Promise((wait) => setTimeout(wait, piece));
          else socket.write(piece);
        }
        socket.end();
      })();
    });
  });
}

/** A GitHub webhook as GitHub signs it (the fuzz suite's forwarding source is a GitHub one). */
export function signedGithub(secret: string, event: string, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    'x-github-delivery': randomUUID(),
    'x-github-event': event,
  };
}

/** A stack whose GitHub source forwards to one endpoint (type "fuzz.*") served by `receiver`. */
export interface ForwardingFuzz {
  stack: OutboundStack;
  endpoint: EndpointFixture;
  sourceId: string;
  lags: Awaited<ReturnType<typeof lagWatcher>>;
  stop(): Promise<void>;
}

export async function startForwardingFuzz(
  receiver: Receiver,
  options: {
    services: ServiceName[];
    env?: Record<string, string>;
    secret: string;
    retryPolicy?: object;
    source?: { maxBodyBytes?: number; dedupWindowSeconds?: number };
  },
): Promise<ForwardingFuzz> {
  await receiver.start();
  let endpoint: EndpointFixture | undefined;
  let sourceId = '';
  const stack = await startOutbound(options.services, options.env, async () => {
    endpoint = await insertEndpoint({
      url: receiver.url,
      eventTypes: ['fuzz.*'],
      retryPolicy: options.retryPolicy ?? null,
    });
    sourceId = await insertSource(await testDatabase(), {
      provider: 'github',
      secrets: [options.secret],
      forward: { eventTypeFrom: 'header:x-github-event' },
      ...options.source,
    });
  });
  await stack.routerSees(1);
  await ingressSees(stack.services.ingress, 1);
  const lags = await lagWatcher();
  return {
    stack,
    endpoint: endpoint!,
    sourceId,
    lags,
    stop: async () => {
      await lags.close();
      await stack.stop();
      await receiver.stop();
    },
  };
}
