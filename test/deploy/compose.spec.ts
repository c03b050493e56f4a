import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { servicePorts, type ServiceName } from '@gateway/config';
import { repoRoot } from '../support/stack';
import { parseYamlDocuments, runOk, tool } from './deploy-support';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string };
  command?: string[];
  environment?: Record<string, string | null>;
  ports?: ({ target: number; published: number | string } | string)[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  read_only?: boolean;
  volumes?: ({ source: string; target: string } | string)[];
  profiles?: string[];
}

interface ComposeConfig {
  services: Record<string, ComposeService>;
}

const gatewayServices = Object.keys(servicePorts) as ServiceName[];

/** `docker compose config` (or docker-compose config where the Docker CLI has no compose plugin), parsed. */
function composeConfig(extra: string[] = []): ComposeConfig {
  const output = runOk([...tool('compose'), '-f', path.join(repoRoot, 'compose.yaml'), ...extra, 'config'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });
  return parseYamlDocuments<ComposeConfig>(output, 'compose config')[0];
}

function publishedPorts(service: ComposeService): number[] {
  return (service.ports ?? []).map((port) =>
    typeof port === 'string' ? Number(port.split(':').at(-1)) : port.target,
  );
}

describe('compose.yaml', () => {
  let config: ComposeConfig;

  before(() => {
    config = composeConfig();
  });

  it('is accepted by `compose config`', () => {
    for (const name of ['kafka', 'postgres', 'topics', 'migrate', ...gatewayServices]) {
      assert.ok(config.services[name], name);
      assert.equal(config.services[name].profiles, undefined, `${name} starts without a profile`);
    }
    // Compose v2 leaves services of inactive profiles out of `config`; 1.29 lists them with their profile.
    for (const [name, service] of Object.entries(config.services)) {
      if (!['kafka', 'postgres', 'topics', 'migrate', ...gatewayServices].includes(name))
        assert.deepEqual(service.profiles, ['observability'], name);
    }
  });

  it('runs every service from the one image built by the Dockerfile, on its real port, after topics and migrations', () => {
    for (const name of gatewayServices) {
      const service = config.services[name];
      assert.equal(service.image, 'webhook-gateway:local');
      assert.equal(path.resolve(service.build!.context), repoRoot);
      assert.deepEqual(service.command, [name]);
      assert.deepEqual(publishedPorts(service), [servicePorts[name]]);
      assert.match(
        service.healthcheck!.test.join(' '),
        new RegExp(`http://127\\.0\\.0\\.1:${servicePorts[name]}/health/ready`),
      );
      assert.equal(service.read_only, true);
      assert.equal(service.depends_on?.migrate?.condition, 'service_completed_successfully');
      assert.equal(service.depends_on?.topics?.condition, 'service_completed_successfully');
      for (const env of ['KAFKA_BROKERS', 'DATABASE_URL', 'KAFKA_TOPIC_PREFIX', 'LOG_LEVEL'])
        assert.ok(service.environment?.[env], `${name} ${env}`);
      // Passed through only when set: an empty OTLP endpoint would fail validation.
      assert.ok(!service.environment?.OTEL_EXPORTER_OTLP_ENDPOINT);
    }
    assert.ok(
      (config.services.api.environment?.ADMIN_TOKEN ?? '').length >= 16,
      'ADMIN_TOKEN default long enough for the api',
    );
    assert.ok(config.services.ingress.environment?.PUBLIC_BASE_URL, 'the ingress knows its public URL');
    assert.equal(
      config.services.api.environment?.PUBLIC_BASE_URL,
      config.services.ingress.environment?.PUBLIC_BASE_URL,
      'the api advertises the URL the ingress verifies against',
    );
    assert.deepEqual(config.services.migrate.command, ['migrate']);
    assert.deepEqual(config.services.topics.command, ['provision-topics']);
    assert.equal(config.services.topics.depends_on?.kafka?.condition, 'service_healthy');
    assert.equal(config.services.migrate.depends_on?.postgres?.condition, 'service_healthy');
  });

  it('passes OTEL_EXPORTER_OTLP_ENDPOINT through when it is set', () => {
    const output = runOk([...tool('compose'), '-f', path.join(repoRoot, 'compose.yaml'), 'config'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      },
    });
    const withTracing = parseYamlDocuments<ComposeConfig>(output, 'compose config')[0];
    for (const name of gatewayServices)
      assert.equal(
        withTracing.services[name].environment?.OTEL_EXPORTER_OTLP_ENDPOINT,
        'http://collector:4318',
      );
  });

  it("the observability profile adds Prometheus and Grafana with the repository's rules and dashboards", () => {
    const observability = composeConfig(['--profile', 'observability']);
    for (const name of ['prometheus', 'grafana']) assert.ok(observability.services[name], name);
    const sources = ['prometheus', 'grafana'].flatMap((name) =>
      (observability.services[name].volumes ?? []).map((volume) =>
        typeof volume === 'string' ? volume.split(':')[0] : volume.source,
      ),
    );
    assert.ok(sources.length >= 3);
    for (const source of sources) assert.ok(existsSync(path.resolve(repoRoot, source)), `${source} exists`);
  });
});
