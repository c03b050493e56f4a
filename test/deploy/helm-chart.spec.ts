import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import {
  databaseConfig,
  secretsConfig,
  httpConfig,
  kafkaConfig,
  servicePorts,
  telemetryConfig,
  type ServiceName,
} from '@gateway/config';
import { consoleConfig, controlConfig } from '@gateway/control';
import { keyListProblems } from '@gateway/encryption';
import { deliveryConfig } from '@gateway/delivery';
import { schedulerConfig } from '@gateway/scheduling';
import {
  byKind,
  chartDir,
  containerOf,
  dashboardFiles,
  deployDir,
  envOf,
  existingDatabaseSecretSets,
  findObject,
  helmTemplate,
  loadDashboard,
  loadRules,
  parseYamlDocuments,
  podOf,
  run,
  runOk,
  tool,
  valueSets,
  type K8sObject,
  type Workload,
} from './deploy-support';
import { repoRoot } from '../support/stack';

const services = Object.keys(servicePorts) as ServiceName[];
const fullname = 'gw-webhook-gateway';

/** Schema of each kind the chart renders (kubernetes-models: the Kubernetes OpenAPI schemas and the Prometheus Operator CRDs). */
const models: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/Ingress': Ingress,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
};

/** Environment names the gateway reads: the config schemas, plus the operator's contract and the image's own. */
const knownEnv = new Set([
  ...Object.keys({
    ...kafkaConfig,
    ...databaseConfig,
    ...secretsConfig,
    ...telemetryConfig,
    ...httpConfig('api'),
    ...controlConfig,
    ...consoleConfig,
    ...deliveryConfig,
    ...schedulerConfig,
  }),
  'PUBLIC_BASE_URL', // docs/DESIGN.md contract
  'TOPIC_PARTITIONS', // tools/provision-topics.ts
  'SERVICE', // the image's entry point
]);

function renderFile(objects: K8sObject[], dir: string, name: string): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, objects.map((object) => JSON.stringify(object)).join('\n---\n'));
  return file;
}

describe('Helm chart', () => {
  const rendered: Record<string, K8sObject[]> = {};
  let dir: string;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'gateway-helm-'));
    for (const [name, args] of Object.entries(valueSets)) rendered[name] = helmTemplate(args);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, args] of Object.entries(valueSets)) {
    it(`helm lint --strict passes with ${name} values`, () => {
      const output = runOk([...tool('helm'), 'lint', '--strict', chartDir, ...args]);
      assert.match(output, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    });
  }

  for (const name of Object.keys(valueSets)) {
    it(`${name} values: every rendered object validates against its schema (kubernetes-models)`, () => {
      const objects = rendered[name];
      assert.ok(objects.length > 20, `${objects.length} objects`);
      const problems: string[] = [];
      for (const object of objects) {
        const Model = models[`${object.apiVersion}/${object.kind}`];
        if (!Model) {
          problems.push(
            `${object.apiVersion} ${object.kind} ${object.metadata.name}: no schema known to the test`,
          );
          continue;
        }
        try {
          new Model(object as never).validate();
        } catch (error) {
          problems.push(`${object.kind} ${object.metadata.name}: ${(error as Error).message}`);
        }
      }
      assert.deepEqual(problems, []);
    });

    it(`${name} values: built-in kinds pass strict validation (no unknown fields) for Kubernetes 1.27 and 1.37`, () => {
      const file = renderFile(rendered[name], dir, name.replace(/\W+/g, '-'));
      for (const version of ['1.27.0', '1.37.0']) {
        const result = run([...tool('kubernetes-validate'), '--strict', '--quiet', '-k', version, file]);
        const lines = `${result.stdout}\n${result.stderr}`.split('\n').filter((line) => line.trim());
        // The Prometheus Operator's kinds have no built-in schema: kubernetes-models checked them above.
        const unexpected = lines.filter(
          (line) =>
            !/WARN .*Couldn't find schema for kind (ServiceMonitor|PrometheusRule) with api version monitoring\.coreos\.com\/v1/.test(
              line,
            ),
        );
        assert.deepEqual(unexpected, [], `kubernetes-validate ${version}`);
        assert.equal(result.status, 0, `kubernetes-validate ${version} exit code`);
      }
    });

    it(`${name} values: one Deployment per service on its real port, probes on the terminus endpoints`, () => {
      const objects = rendered[name];
      const image =
        name === 'production'
          ? 'registry.example.com/platform/webhook-gateway:0.1.0'
          : 'webhook-gateway:0.1.0';
      assert.equal(byKind(objects, 'Deployment').length, services.length);
      for (const service of services) {
        const deployment = findObject(objects, 'Deployment', `${fullname}-${service}`) as Workload;
        const pod = podOf(deployment);
        const container = containerOf(deployment);
        assert.equal(container.image, image, `${service} image`);
        assert.deepEqual(container.args, [service], `${service} runs its own app`);
        assert.deepEqual(
          container.ports,
          [{ name: 'http', containerPort: servicePorts[service], protocol: 'TCP' }],
          `${service} port`,
        );
        assert.equal(envOf(container, 'PORT')?.value, String(servicePorts[service]));
        assert.deepEqual(container.livenessProbe?.httpGet, { path: '/health/live', port: 'http' });
        assert.deepEqual(container.readinessProbe?.httpGet, { path: '/health/ready', port: 'http' });
        assert.deepEqual(container.startupProbe?.httpGet, { path: '/health/live', port: 'http' });
        assert.ok(
          container.resources?.requests?.cpu && container.resources.limits?.memory,
          `${service} resources`,
        );
        assert.deepEqual(
          deployment.spec.selector?.matchLabels,
          Object.fromEntries(
            Object.entries(deployment.spec.template.metadata.labels).filter(([key]) =>
              key.startsWith('app.kubernetes.io/'),
            ),
          ),
        );
        // Security: non-root, read-only root filesystem, nothing to escalate; /tmp is the only writable path.
        assert.equal(pod.securityContext?.runAsNonRoot, true);
        assert.notEqual(pod.securityContext?.runAsUser, 0);
        assert.equal(container.securityContext?.readOnlyRootFilesystem, true);
        assert.equal(container.securityContext?.allowPrivilegeEscalation, false);
        assert.deepEqual(container.securityContext?.capabilities?.drop, ['ALL']);
        assert.deepEqual(
          container.volumeMounts?.filter((mount) => mount.name !== 'kafka-tls'),
          [{ name: 'tmp', mountPath: '/tmp' }],
          'besides the Kafka TLS files (helm-chart-kafka.spec.ts)',
        );
        assert.ok((pod.terminationGracePeriodSeconds ?? 30) > 15, 'grace period above SHUTDOWN_TIMEOUT_MS');
        // Service: same port, selecting exactly this deployment's pods.
        const svc = findObject(objects, 'Service', `${fullname}-${service}`) as K8sObject & {
          spec: {
            selector: Record<string, string>;
            ports: { name: string; port: number; targetPort: string }[];
          };
        };
        assert.deepEqual(
          svc.spec.ports.map((port) => [port.name, port.port, port.targetPort]),
          [['http', servicePorts[service], 'http']],
        );
        assert.deepEqual(svc.spec.selector, deployment.spec.selector?.matchLabels);
      }
      const api = containerOf(findObject(objects, 'Deployment', `${fullname}-api`));
      const dispatcher = containerOf(findObject(objects, 'Deployment', `${fullname}-dispatcher`));
      assert.notDeepEqual(api.resources, dispatcher.resources, 'each service has its own resources');
      assert.ok(envOf(api, 'ADMIN_TOKEN')?.valueFrom?.secretKeyRef, 'api reads ADMIN_TOKEN from the Secret');
      assert.equal(envOf(dispatcher, 'ADMIN_TOKEN'), undefined, 'only the api gets ADMIN_TOKEN');
      // ADR 0027: the services that hold secrets, and only they, read the keys from the Secret.
      for (const service of ['api', 'ingress', 'dispatcher', 'router', 'scheduler'] as const) {
        const container = containerOf(findObject(objects, 'Deployment', `${fullname}-${service}`));
        const keys = envOf(container, 'SECRETS_ENCRYPTION_KEYS');
        if (['router', 'scheduler'].includes(service)) assert.equal(keys, undefined, service);
        else
          assert.ok(
            keys?.valueFrom?.secretKeyRef,
            `${service} reads SECRETS_ENCRYPTION_KEYS from the Secret`,
          );
      }
    });

    it(`${name} values: every environment variable is one the gateway reads`, () => {
      const objects = rendered[name];
      const configMap = findObject(objects, 'ConfigMap', fullname) as K8sObject & {
        data: Record<string, string>;
      };
      const names = new Set(Object.keys(configMap.data));
      for (const workload of [...byKind(objects, 'Deployment'), ...byKind(objects, 'Job')]) {
        const container = containerOf(workload);
        for (const entry of container.env ?? []) names.add(entry.name);
        for (const from of container.envFrom ?? []) assert.equal(from.configMapRef?.name, fullname);
      }
      assert.deepEqual(
        [...names].filter((env) => !knownEnv.has(env)),
        [],
      );
      for (const env of ['KAFKA_BROKERS', 'KAFKA_TOPIC_PREFIX', 'LOG_LEVEL'])
        assert.ok(configMap.data[env], env);
    });

    it(`${name} values: HPA for ingress and dispatcher, a PodDisruptionBudget per service`, () => {
      const objects = rendered[name];
      const hpas = byKind(objects, 'HorizontalPodAutoscaler') as (K8sObject & {
        spec: { scaleTargetRef: { kind: string; name: string }; minReplicas: number; maxReplicas: number };
      })[];
      assert.deepEqual(hpas.map((hpa) => hpa.metadata.name).sort(), [
        `${fullname}-dispatcher`,
        `${fullname}-ingress`,
      ]);
      for (const hpa of hpas) {
        const target = findObject(objects, 'Deployment', hpa.spec.scaleTargetRef.name) as Workload;
        assert.equal(
          target.spec.replicas,
          undefined,
          `${target.metadata.name}: the HPA owns the replica count`,
        );
        assert.ok(hpa.spec.minReplicas >= 2 && hpa.spec.maxReplicas >= hpa.spec.minReplicas);
      }
      const pdbs = byKind(objects, 'PodDisruptionBudget') as (K8sObject & {
        spec: { selector: { matchLabels: Record<string, string> } };
      })[];
      assert.equal(pdbs.length, services.length);
      for (const service of services) {
        const pdb = pdbs.find((item) => item.metadata.name === `${fullname}-${service}`);
        const deployment = findObject(objects, 'Deployment', `${fullname}-${service}`) as Workload;
        assert.deepEqual(pdb?.spec.selector.matchLabels, deployment.spec.selector?.matchLabels);
      }
    });

    it(`${name} values: topic provisioning, then migrations, as pre-install/pre-upgrade hooks`, () => {
      const objects = rendered[name];
      const topics = findObject(objects, 'Job', `${fullname}-topics`);
      const migrations = findObject(objects, 'Job', `${fullname}-migrations`);
      for (const job of [topics, migrations]) {
        assert.equal(job.metadata.annotations?.['helm.sh/hook'], 'pre-install,pre-upgrade');
        assert.match(job.metadata.annotations?.['helm.sh/hook-delete-policy'] ?? '', /before-hook-creation/);
        assert.equal(
          podOf(job).serviceAccountName,
          undefined,
          "hook Jobs do not need the chart's ServiceAccount (not created yet on install)",
        );
        assert.equal(containerOf(job).securityContext?.readOnlyRootFilesystem, true);
      }
      const weight = (job: K8sObject) => Number(job.metadata.annotations?.['helm.sh/hook-weight']);
      assert.ok(weight(topics) < weight(migrations), 'topics first');
      assert.deepEqual(containerOf(topics).args, ['provision-topics']);
      assert.deepEqual(containerOf(migrations).args, ['migrate']);
      assert.ok(
        envOf(containerOf(topics), 'KAFKA_BROKERS')?.value,
        'topics Job gets KAFKA_BROKERS inline (the ConfigMap does not exist yet)',
      );
      assert.ok(envOf(containerOf(topics), 'TOPIC_PARTITIONS')?.value);
      const secretRef = envOf(containerOf(migrations), 'DATABASE_URL')?.valueFrom?.secretKeyRef;
      assert.ok(secretRef, 'migrations read DATABASE_URL from a Secret');
      const secret = objects.find(
        (object) => object.kind === 'Secret' && object.metadata.name === secretRef.name,
      );
      if (!existingDatabaseSecretSets.has(name)) {
        assert.ok(secret, 'the hook Secret is rendered');
        assert.equal(secret.metadata.annotations?.['helm.sh/hook'], 'pre-install,pre-upgrade');
        assert.ok(
          Number(secret.metadata.annotations?.['helm.sh/hook-weight']) < weight(topics),
          'the hook Secret exists before the Jobs',
        );
      } else {
        assert.equal(secret, undefined, 'an existing Secret is used as is');
        assert.equal(secretRef.name, 'webhook-gateway-secrets');
      }
    });
  }

  it('default values: a generated Secret with DATABASE_URL and a 16+ character ADMIN_TOKEN; no optional objects', () => {
    const objects = rendered.default;
    const secret = findObject(objects, 'Secret', fullname) as K8sObject & { data: Record<string, string> };
    assert.ok(Buffer.from(secret.data.DATABASE_URL, 'base64').toString().startsWith('postgres://'));
    assert.ok(Buffer.from(secret.data.ADMIN_TOKEN, 'base64').toString().length >= 16);
    // The generated key list is valid, and the migrations Job's hook Secret carries the same.
    const keys = Buffer.from(secret.data.SECRETS_ENCRYPTION_KEYS, 'base64').toString();
    assert.deepEqual(keyListProblems(keys), []);
    const hook = findObject(objects, 'Secret', `${fullname}-hooks`) as K8sObject & {
      data: Record<string, string>;
    };
    assert.equal(hook.data.SECRETS_ENCRYPTION_KEYS, secret.data.SECRETS_ENCRYPTION_KEYS);
    for (const kind of ['Ingress', 'ServiceMonitor', 'PrometheusRule'])
      assert.deepEqual(byKind(objects, kind), [], kind);
    assert.equal(objects.filter((object) => object.metadata.name.endsWith('-dashboards')).length, 0);
  });

  it("renders the README's install command as written (run by bash, `helm template` for `helm upgrade --install`)", () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const command = /^helm upgrade --install gateway deploy\/helm .*?(?:\\\n.*?)*$/m.exec(readme)?.[0];
    assert.ok(command, 'the README has a helm upgrade --install command');
    const script = command.replace(
      'helm upgrade --install gateway deploy/helm',
      `${tool('helm').join(' ')} template gateway ${chartDir}`,
    );
    const result = run(['bash', '-c', script]);
    assert.equal(result.status, 0, result.stderr);
    const objects = parseYamlDocuments<K8sObject & { data?: Record<string, string> }>(
      result.stdout,
      'helm template',
    );
    const config = objects.find((object) => object.kind === 'ConfigMap' && object.data?.KAFKA_BROKERS);
    assert.equal(config?.data?.KAFKA_BROKERS, 'kafka-0.kafka:9092,kafka-1.kafka:9092');
  });

  it('refuses an ADMIN_TOKEN the api would refuse (short, or with spaces)', () => {
    const result = run([...tool('helm'), 'template', 'gw', chartDir, '--set', 'secret.adminToken=short']);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /secret.adminToken must be at least 16 characters/);
    const spaced = run([
      ...tool('helm'),
      'template',
      'gw',
      chartDir,
      '--set',
      'secret.adminToken=long enough but spaced',
    ]);
    assert.notEqual(spaced.status, 0);
    assert.match(spaced.stderr, /secret.adminToken must be printable ASCII without spaces/);
  });

  it('production values: existing Secret, Ingress for ingress and api, ServiceMonitor, PrometheusRule, dashboards', () => {
    const objects = rendered.production;
    assert.deepEqual(byKind(objects, 'Secret'), [], 'no Secret: secret.existingSecret is used');
    for (const deployment of byKind(objects, 'Deployment')) {
      const ref = envOf(containerOf(deployment), 'DATABASE_URL')?.valueFrom?.secretKeyRef;
      assert.deepEqual(ref, { name: 'webhook-gateway-secrets', key: 'DATABASE_URL' });
    }
    // Ingress objects route to the right Service and port.
    const ingresses = byKind(objects, 'Ingress') as (K8sObject & {
      spec: {
        rules: {
          host: string;
          http: { paths: { path: string; backend: { service: { name: string; port: { name: string } } } }[] };
        }[];
        tls?: unknown[];
      };
    })[];
    assert.deepEqual(
      ingresses.map((ingress) => ingress.spec.rules[0].http.paths[0].backend.service.name).sort(),
      [`${fullname}-api`, `${fullname}-ingress`],
    );
    for (const ingress of ingresses) {
      const backend = ingress.spec.rules[0].http.paths[0].backend.service;
      findObject(objects, 'Service', backend.name);
      assert.equal(backend.port.name, 'http');
      assert.ok(ingress.spec.tls?.length, 'TLS on');
    }
    const inbound = ingresses.find((ingress) => ingress.metadata.name === `${fullname}-ingress`)!;
    assert.deepEqual(
      inbound.spec.rules[0].http.paths.map((rule) => rule.path),
      ['/in'],
    );
    // The api's Ingress routes the API and its documentation only: /metrics and /health stay inside.
    const api = ingresses.find((ingress) => ingress.metadata.name === `${fullname}-api`)!;
    assert.deepEqual(
      api.spec.rules[0].http.paths.map((rule) => rule.path),
      ['/v1', '/openapi.json', '/docs'],
    );
    const configMap = findObject(objects, 'ConfigMap', fullname) as K8sObject & {
      data: Record<string, string>;
    };
    assert.equal(
      configMap.data.PUBLIC_BASE_URL,
      `https://${inbound.spec.rules[0].host}`,
      'PUBLIC_BASE_URL follows the inbound host',
    );
    assert.equal(configMap.data.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://otel-collector.observability.svc:4318');

    // ServiceMonitor: selects the five Services, scrapes their http port at /metrics, labels job and component.
    const monitor = findObject(objects, 'ServiceMonitor', fullname) as K8sObject & {
      spec: {
        selector: { matchLabels: Record<string, string> };
        endpoints: {
          port: string;
          path: string;
          relabelings: { targetLabel: string; replacement?: string; sourceLabels?: string[] }[];
        }[];
      };
    };
    const selected = byKind(objects, 'Service').filter((svc) =>
      Object.entries(monitor.spec.selector.matchLabels).every(
        ([key, value]) => svc.metadata.labels?.[key] === value,
      ),
    );
    assert.equal(selected.length, services.length);
    assert.equal(monitor.spec.endpoints[0].port, 'http');
    assert.equal(monitor.spec.endpoints[0].path, '/metrics');
    const relabel = monitor.spec.endpoints[0].relabelings;
    assert.ok(
      relabel.some((rule) => rule.targetLabel === 'job' && rule.replacement === 'webhook-gateway'),
      'job="webhook-gateway", as the alert rules expect',
    );
    assert.ok(
      relabel.some(
        (rule) =>
          rule.targetLabel === 'component' &&
          rule.sourceLabels?.[0] === '__meta_kubernetes_service_label_app_kubernetes_io_component',
      ),
    );
    assert.equal(monitor.metadata.labels?.release, 'kube-prometheus-stack');

    // PrometheusRule: the rules file, with runbook URLs made absolute.
    const rule = findObject(objects, 'PrometheusRule', fullname) as K8sObject & { spec: { groups: unknown } };
    const expected = loadRules().map((group) => ({
      ...group,
      rules: group.rules.map((item) => ({
        ...item,
        annotations: {
          ...item.annotations,
          runbook_url: `https://git.example.com/platform/webhook-gateway/-/blob/main/${item.annotations?.runbook_url}`,
        },
      })),
    }));
    assert.deepEqual(rule.spec.groups, expected);

    // Dashboards ConfigMap for the Grafana sidecar: the three dashboards, unchanged.
    const dashboards = findObject(objects, 'ConfigMap', `${fullname}-dashboards`) as K8sObject & {
      data: Record<string, string>;
    };
    assert.equal(dashboards.metadata.labels?.grafana_dashboard, '1');
    assert.deepEqual(Object.keys(dashboards.data).sort(), [...dashboardFiles].sort());
    for (const file of dashboardFiles)
      assert.deepEqual(JSON.parse(dashboards.data[file]), loadDashboard(file));
  });

  it('deploy/kubernetes/gateway.yaml is a fresh render of the chart (deploy/render.sh)', () => {
    const committed = parseYamlDocuments<K8sObject>(
      readFileSync(path.join(deployDir, 'kubernetes', 'gateway.yaml'), 'utf8'),
      'gateway.yaml',
    );
    // The same command as deploy/render.sh.
    const fresh = helmTemplate(
      ['--namespace', 'webhook-gateway', '-f', path.join(deployDir, 'kubernetes', 'values.yaml')],
      'webhook-gateway',
    );
    assert.deepEqual(committed, fresh, 'deploy/kubernetes/gateway.yaml is stale: run deploy/render.sh');
    assert.ok(
      committed.every((object) => object.kind !== 'Secret'),
      'the plain manifests carry no secret',
    );
  });
});
