import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigResourceTypes, type Admin } from 'kafkajs';
import { brokerTopicCheck, createKafka, type KafkaSettings } from '@gateway/kafka';
import { createLogger } from '@gateway/observability';
import { topicNames } from '@gateway/schemas';
import { judgeLoad, runLoad, startLoadStack, assertNoLoss, type LoadStack } from '../support/fault-load';
import { freshDatabase, logDir } from '../support/gateway';
import { spawnService, type RunningService } from '../support/services';
import { freePort, repoRoot, startKafkaCluster, type KafkaCluster } from '../support/stack';
import { waitFor } from '../support/wait-for';

const logOf = (service: RunningService) =>
  readFileSync(path.join(logDir, `${service.name}-${service.port}.log`), 'utf8');

/** How often the service's KafkaGate has tried and failed so far (its counter on /metrics). */
async function failedTries(service: RunningService): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  return Number(/^gateway_kafka_connect_failures_total (\d+)/m.exec(text)?.[1] ?? 0);
}

/**
 * The gateway on a 3-node KRaft cluster that only takes SASL_SSL with SCRAM-SHA-512 (the project's
 * scripts/infra/kafka-cluster.sh): replicated topics, refused settings that leave a service not
 * ready with one line, and a broker killed under load.
 */
describe('on a secured, replicated Kafka cluster', () => {
  const dir = path.join(repoRoot, 'tmp', 'secured-cluster');
  let cluster: KafkaCluster;
  let kafka: KafkaSettings;
  let admin: Admin;
  const prefix = 'secured.';

  before(async () => {
    cluster = await startKafkaCluster({ dir, fresh: true });
    kafka = {
      brokers: cluster.brokers.split(','),
      clientId: 'test',
      logger: createLogger('test', 'error'),
      ssl: { caFile: cluster.caFile },
      sasl: { mechanism: cluster.mechanism, username: cluster.username, password: cluster.password },
    };
    admin = createKafka(kafka).admin();
    await admin.connect();
  });

  after(async () => {
    await admin?.disconnect();
    await cluster?.stop();
  });

  it('npm run topics creates every topic with 3 replicas and min.insync.replicas 2 over SASL_SSL', async () => {
    const result = spawnSync(
      process.execPath,
      [
        '-r',
        path.join(repoRoot, 'tools', 'register.js'),
        path.join(repoRoot, 'dist', 'tools', 'provision-topics.js'),
      ],
      {
        env: {
          PATH: process.env.PATH,
          ...cluster.serviceEnv(),
          KAFKA_TOPIC_PREFIX: prefix,
          TOPIC_PARTITIONS: '2',
        },
        encoding: 'utf8',
        timeout: 60000,
      },
    );
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /replication factor 3, min\.insync\.replicas 2/);
    const names = Object.values(topicNames(prefix));
    // It returned once every broker serves them: each one, asked alone and once, knows them all.
    const brokers = brokerTopicCheck({ ...kafka, retries: 0 });
    try {
      for (const address of cluster.brokers.split(','))
        assert.equal(await brokers.check(address, names), true, address);
    } finally {
      await brokers.close();
    }
    const metadata = await admin.fetchTopicMetadata({ topics: names });
    for (const topic of metadata.topics) {
      for (const partition of topic.partitions)
        assert.equal(partition.replicas.length, 3, `${topic.name}/${partition.partitionId}`);
    }
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: names.map((name) => ({
        type: ConfigResourceTypes.TOPIC,
        name,
        configNames: ['min.insync.replicas'],
      })),
    });
    for (const resource of configs.resources)
      assert.equal(resource.configEntries[0]?.configValue, '2', resource.resourceName);
  });

  it('a wrong password, an unknown CA and a plaintext client each leave the service live and not ready, with one line', async () => {
    const databaseUrl = await freshDatabase();
    const cases: { name: string; env: Record<string, string>; cause: RegExp }[] = [
      {
        name: 'wrong password',
        env: { ...cluster.serviceEnv(), KAFKA_SASL_PASSWORD: 'not-the-password' },
        cause: /^SASL authentication failed/,
      },
      // The client certificate is no CA of the brokers' certificates: an unknown CA.
      {
        name: 'unknown CA',
        env: { ...cluster.serviceEnv(), KAFKA_SSL_CA_FILE: cluster.clientCertFile },
        cause: /^TLS: the broker's certificate is not trusted/,
      },
      {
        name: 'plaintext client',
        env: { KAFKA_BROKERS: cluster.brokers },
        cause: /closed the connection|no answer from the broker/,
      },
    ];
    for (const { name, env, cause } of cases) {
      const service = spawnService(
        'router',
        await freePort(),
        { ...env, KAFKA_TOPIC_PREFIX: prefix, DATABASE_URL: databaseUrl },
        logDir,
      );
      try {
        const message = await waitFor(`${name}: readiness names the cause`, 60000, async () => {
          const response = await fetch(`${service.url}/health/ready`).catch(() => null);
          if (!response) return false;
          const body = (await response.json()) as { error?: { kafka?: { message?: string } } };
          return (
            response.status === 503 &&
            cause.test(body.error?.kafka?.message ?? '') &&
            body.error!.kafka!.message!
          );
        });
        // It tried again and again (backoff from 0.5 s), while it logged the cause once.
        await waitFor(
          `${name}: three failed tries`,
          60000,
          async () => (await failedTries(service)) >= 3,
          250,
        );
        assert.equal(service.process.exitCode, null, `${name}: the process is still running`);
        const log = logOf(service);
        assert.equal(
          log.split('\n').filter((line) => line.includes('kafka not usable')).length,
          1,
          `${name}: one line\n${log}`,
        );
        assert.doesNotMatch(log, /"stack":/, `${name}: no stack trace`);
        assert.doesNotMatch(
          log + message,
          new RegExp(cluster.password),
          `${name}: the password is never shown`,
        );
      } finally {
        await service.stop();
      }
    }
  });

  describe('a broker killed under load', () => {
    let stack: LoadStack;

    before(async () => {
      stack = await startLoadStack({ kafka, kafkaEnv: cluster.serviceEnv(), replicas: 1 });
    });

    after(async () => {
      await stack?.stop();
    });

    it('loses no acknowledged event, sends copies only under the same webhook-id, and recovers without restarts', async () => {
      let victim = 0;
      const load = await runLoad(stack, {
        rate: 300,
        durationMs: 60000,
        at: [
          {
            afterMs: 20000,
            run: async () => {
              const metadata = await admin.fetchTopicMetadata({ topics: Object.values(stack.topics) });
              const leads = new Map<number, number>();
              for (const partition of metadata.topics.flatMap((topic) => topic.partitions))
                leads.set(partition.leader, (leads.get(partition.leader) ?? 0) + 1);
              victim = [...leads].sort((a, b) => b[1] - a[1])[0][0];
              await cluster.kill(victim);
            },
          },
          { afterMs: 40000, run: async () => cluster.restart(victim) },
        ],
      });
      const verdict = await judgeLoad(stack, load, {
        before: [0, 20000],
        'broker down': [20000, 40000],
        after: [40000, 60000],
      });
      await assertNoLoss(stack, load, verdict, `broker failure (node ${victim} killed)`);
      for (const service of Object.values(stack.services).flat())
        assert.equal(service.process.exitCode, null, `${service.name} never exited`);
    });
  });
});
