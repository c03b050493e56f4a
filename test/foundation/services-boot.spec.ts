import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freshTopics, startServices } from '../support/gateway';
import type { RunningService } from '../support/services';

describe('every service boots against real Kafka and PostgreSQL', () => {
  let services: Record<string, RunningService> = {};

  before(async () => {
    const { prefix } = await freshTopics();
    services = await startServices(['api', 'ingress', 'router', 'dispatcher', 'scheduler'], {
      KAFKA_TOPIC_PREFIX: prefix,
      ADMIN_TOKEN: 'test-admin-token',
      DELIVERY_ALLOWLIST: '127.0.0.0/8',
    });
  });

  after(async () => {
    await Promise.all(Object.values(services).map((service) => service.stop()));
  });

  for (const name of ['api', 'ingress', 'router', 'dispatcher', 'scheduler']) {
    it(`${name}: live, ready (Kafka and Postgres up) and exporting metrics`, async () => {
      const service = services[name];
      const live = await fetch(`${service.url}/health/live`);
      assert.equal(live.status, 200);
      const ready = await fetch(`${service.url}/health/ready`);
      assert.equal(ready.status, 200);
      const body = (await ready.json()) as { details: Record<string, { status: string }> };
      assert.equal(body.details.kafka?.status, 'up');
      assert.equal(body.details.postgres?.status, 'up');
      const metrics = await (await fetch(`${service.url}/metrics`)).text();
      assert.match(metrics, /^gateway_process_cpu_user_seconds_total /m);
      assert.match(metrics, /# TYPE gateway_invalid_messages_total counter/);
    });
  }

  it('answers an unknown route with a problem+json 404', async () => {
    const response = await fetch(`${services.router.url}/nope`);
    assert.equal(response.status, 404);
    assert.match(response.headers.get('content-type') ?? '', /application\/problem\+json/);
    const problem = (await response.json()) as { status: number; title: string };
    assert.equal(problem.status, 404);
  });
});
