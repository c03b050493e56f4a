import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultTopicSpecs, ensureTopics } from '@gateway/kafka';
import { createDataSource, runMigrations } from '@gateway/persistence';
import { createLogger } from '@gateway/observability';
import { topicNames } from '@gateway/schemas';
import { logDir } from '../support/gateway';
import { startService, type RunningService } from '../support/services';
import { freePort, repoRoot, startInfra, type Infra } from '../support/stack';
import { waitFor } from '../support/wait-for';

async function readyStatus(service: RunningService): Promise<number> {
  const response = await fetch(`${service.url}/health/ready`);
  await response.arrayBuffer();
  return response.status;
}

// Stops and restarts servers, so it runs on a Kafka and a PostgreSQL of its own.
describe('readiness follows Kafka and PostgreSQL', () => {
  let infra: Infra;
  let router: RunningService;

  before(async () => {
    infra = await startInfra({ dir: path.join(repoRoot, 'tmp', 'readiness-stack'), fresh: true, fast: true });
    const dataSource = createDataSource(infra.databaseUrl, 1);
    await dataSource.initialize();
    await runMigrations(dataSource);
    await dataSource.destroy();
    const settings = {
      brokers: [infra.kafkaBrokers],
      clientId: 'test',
      logger: createLogger('test', 'error'),
    };
    await ensureTopics(settings, defaultTopicSpecs(topicNames('webhooks.'), 2));
    router = await startService(
      'router',
      await freePort(),
      { KAFKA_BROKERS: infra.kafkaBrokers, DATABASE_URL: infra.databaseUrl },
      logDir,
      90000,
    );
  });

  after(async () => {
    await router?.stop();
    await infra?.stop();
  });

  it('is ready with both up, turns red within seconds when Kafka stops, and green when it is back', async () => {
    assert.equal(await readyStatus(router), 200);
    await infra.stopKafka();
    await waitFor('ready to turn 503 without Kafka', 10000, async () => (await readyStatus(router)) === 503);
    await infra.startKafka();
    await waitFor(
      'ready to turn 200 with Kafka back',
      60000,
      async () => (await readyStatus(router)) === 200,
      250,
    );
  });

  it('turns red within seconds when PostgreSQL stops, and green when it is back', async () => {
    assert.equal(await readyStatus(router), 200);
    await infra.stopPostgres();
    await waitFor(
      'ready to turn 503 without PostgreSQL',
      10000,
      async () => (await readyStatus(router)) === 503,
    );
    const body = (await (await fetch(`${router.url}/health/ready`)).json()) as {
      error: Record<string, unknown>;
    };
    assert.ok(body.error.postgres, 'the problem names postgres');
    await infra.startPostgres();
    await waitFor(
      'ready to turn 200 with PostgreSQL back',
      30000,
      async () => (await readyStatus(router)) === 200,
      250,
    );
  });

  it('keeps answering liveness throughout', async () => {
    assert.equal((await fetch(`${router.url}/health/live`)).status, 200);
  });
});
