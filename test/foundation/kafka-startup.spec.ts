import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { defaultTopicSpecs, ensureTopics } from '@gateway/kafka';
import { createLogger } from '@gateway/observability';
import { topicNames } from '@gateway/schemas';
import { freshDatabase, logDir, testInfra } from '../support/gateway';
import { spawnService, type RunningService } from '../support/services';
import { freePort, freePortPair, repoRoot, startInfra, type Infra } from '../support/stack';
import { waitFor } from '../support/wait-for';

interface Readiness {
  status: number;
  body: { error?: Record<string, { message?: string }> };
}

async function readiness(service: RunningService): Promise<Readiness | null> {
  const response = await fetch(`${service.url}/health/ready`).catch(() => null);
  if (!response) return null;
  return { status: response.status, body: (await response.json()) as Readiness['body'] };
}

const logOf = (service: RunningService) =>
  readFileSync(path.join(logDir, `${service.name}-${service.port}.log`), 'utf8');

/**
 * A service whose Kafka is not usable at start (no broker yet, its topics missing) stays up and not
 * ready, logs the cause once, and becomes ready by itself when the cause goes away: no crash loop.
 * Before the KafkaGate it exited ("failed to start") after KafkaJS's retries.
 */
describe('a service started before its Kafka is usable', () => {
  const running: RunningService[] = [];
  let infra: Infra | undefined;

  after(async () => {
    await Promise.all(running.map((service) => service.stop()));
    await infra?.stop();
  });

  it('waits not ready while no broker answers, says why in one line, and is ready once Kafka starts', async () => {
    const kafkaPort = await freePortPair();
    const service = spawnService(
      'router',
      await freePort(),
      { KAFKA_BROKERS: `127.0.0.1:${kafkaPort}`, DATABASE_URL: await freshDatabase() },
      logDir,
    );
    running.push(service);
    const down = await waitFor('readiness to name the missing broker', 30000, async () => {
      const state = await readiness(service);
      return (
        state?.status === 503 &&
        /no broker accepts connections/.test(state.body.error?.kafka?.message ?? '') &&
        state
      );
    });
    assert.equal(down.status, 503);
    infra = await startInfra({
      dir: path.join(repoRoot, 'tmp', 'kafka-startup-stack'),
      fresh: true,
      fast: true,
      kafkaPort,
      only: { kafka: true, postgres: false },
    });
    const settings = {
      brokers: [`127.0.0.1:${kafkaPort}`],
      clientId: 'test',
      logger: createLogger('test', 'error'),
    };
    await ensureTopics(settings, defaultTopicSpecs(topicNames('webhooks.'), 2));
    await waitFor(
      'ready once Kafka is there',
      90000,
      async () => (await readiness(service))?.status === 200,
      250,
    );
    assert.equal(service.process.exitCode, null, 'the process never exited');
    // The gate tried several times while the broker started (backoff from 0.5 s): one line said why.
    const lines = logOf(service)
      .split('\n')
      .filter((line) => line.includes('no broker accepts connections'));
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.doesNotMatch(logOf(service), /"stack":/, 'no stack trace in the log');
  });

  it('with KAFKA_TOPIC_CHECK=require (the default) stays not ready, naming a missing topic, until it exists', async () => {
    const prefix = `missing${Date.now()}.`;
    const service = spawnService(
      'router',
      await freePort(),
      {
        KAFKA_BROKERS: testInfra().kafkaBrokers,
        DATABASE_URL: await freshDatabase(),
        KAFKA_TOPIC_PREFIX: prefix,
      },
      logDir,
    );
    running.push(service);
    const state = await waitFor('readiness to name the missing topic', 30000, async () => {
      const current = await readiness(service);
      return (
        current?.status === 503 &&
        /topic missing\d+\.events does not exist/.test(current.body.error?.kafka?.message ?? '') &&
        current
      );
    });
    assert.match(state.body.error?.kafka?.message ?? '', /npm run topics/);
    const settings = {
      brokers: testInfra().kafkaBrokers.split(','),
      clientId: 'test',
      logger: createLogger('test', 'error'),
    };
    await ensureTopics(settings, defaultTopicSpecs(topicNames(prefix), 2));
    await waitFor(
      'ready once the topics exist',
      90000,
      async () => (await readiness(service))?.status === 200,
      250,
    );
  });

  it('with KAFKA_TOPIC_CHECK=warn starts anyway and logs the missing topics', async () => {
    const prefix = `warned${Date.now()}.`;
    const settings = {
      brokers: testInfra().kafkaBrokers.split(','),
      clientId: 'test',
      logger: createLogger('test', 'error'),
    };
    // One topic left out: the invalid-messages topic, which the router only writes to.
    await ensureTopics(
      settings,
      defaultTopicSpecs(topicNames(prefix), 2).filter((spec) => !spec.topic.endsWith('invalid')),
    );
    const service = spawnService(
      'router',
      await freePort(),
      {
        KAFKA_BROKERS: testInfra().kafkaBrokers,
        DATABASE_URL: await freshDatabase(),
        KAFKA_TOPIC_PREFIX: prefix,
        KAFKA_TOPIC_CHECK: 'warn',
      },
      logDir,
    );
    running.push(service);
    await waitFor(
      'ready despite the missing topic',
      60000,
      async () => (await readiness(service))?.status === 200,
      250,
    );
    assert.match(logOf(service), /warned\d+\.invalid does not exist/);
  });
});
