import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  byKind,
  chartDir,
  containerOf,
  envOf,
  findObject,
  helmTemplate,
  kafkaExistingValues,
  kafkaInlineValues,
  kafkaSecurityEnv,
  podOf,
  run,
  tool,
  valueSets,
  type K8sObject,
  type Workload,
} from './deploy-support';

/**
 * The chart's Kafka security and topic settings (issue 18): what the `kafka` values ask for reaches
 * every pod that talks to Kafka (the five services and the topic provisioning Job), secrets only by
 * secretKeyRef or as read-only files, and nothing of it is rendered with the default values.
 * helm-chart.spec.ts lints and validates the same value sets against the Kubernetes schemas.
 */

const fullname = 'gw-webhook-gateway';
const tlsDir = '/etc/gateway/kafka-tls';
const fileEnv: Record<string, string> = {
  'ca.crt': 'KAFKA_SSL_CA_FILE',
  'tls.crt': 'KAFKA_SSL_CERT_FILE',
  'tls.key': 'KAFKA_SSL_KEY_FILE',
};

type Data = K8sObject & { data?: Record<string, string> };

/** What one value set must render. Secrets are named as the services see them, and as the topics Job does. */
interface Expected {
  /** Plain settings every Kafka pod must see (from the ConfigMap, or inline in the Job). */
  settings: Record<string, string>;
  sasl: { secret: string; jobSecret: string; passwordKey: string; usernameKey?: string };
  tls: { secret: string; jobSecret: string; keys: string[] };
  /** Values the chart must have written into the Secrets it creates (key: plain text). */
  created?: Record<string, string>;
}

const expectations: Record<string, Expected> = {
  production: {
    settings: {
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: `${tlsDir}/ca.crt`,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_REPLICATION_FACTOR: '3',
      KAFKA_MIN_INSYNC_REPLICAS: '2',
    },
    sasl: {
      secret: 'webhook-gateway-kafka',
      jobSecret: 'webhook-gateway-kafka',
      passwordKey: 'password',
      usernameKey: 'username',
    },
    tls: { secret: 'kafka-ca', jobSecret: 'kafka-ca', keys: ['ca.crt'] },
  },
  'Kafka chart Secrets': {
    settings: {
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: `${tlsDir}/ca.crt`,
      KAFKA_SSL_CERT_FILE: `${tlsDir}/tls.crt`,
      KAFKA_SSL_KEY_FILE: `${tlsDir}/tls.key`,
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KAFKA_REPLICATION_FACTOR: '3',
      KAFKA_MIN_INSYNC_REPLICAS: '2',
      KAFKA_TOPIC_CHECK: 'warn',
    },
    sasl: {
      secret: `${fullname}-kafka`,
      jobSecret: `${fullname}-hooks`,
      passwordKey: 'password',
      usernameKey: 'username',
    },
    tls: {
      secret: `${fullname}-kafka`,
      jobSecret: `${fullname}-hooks`,
      keys: ['ca.crt', 'tls.crt', 'tls.key'],
    },
    created: {
      'ca.crt': kafkaInlineValues.ssl.ca,
      'tls.crt': kafkaInlineValues.ssl.cert,
      'tls.key': kafkaInlineValues.ssl.key,
      username: kafkaInlineValues.sasl.username,
      password: kafkaInlineValues.sasl.password,
    },
  },
  'Kafka existing Secrets': {
    settings: {
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: `${tlsDir}/ca.crt`,
      KAFKA_SSL_CERT_FILE: `${tlsDir}/tls.crt`,
      KAFKA_SSL_KEY_FILE: `${tlsDir}/tls.key`,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: kafkaExistingValues.sasl.username,
    },
    sasl: { secret: 'kafka-user', jobSecret: 'kafka-user', passwordKey: 'user-password' },
    tls: {
      secret: 'kafka-client-tls',
      jobSecret: 'kafka-client-tls',
      keys: ['ca.crt', 'tls.crt', 'tls.key'],
    },
  },
};

/** An environment entry as the container sees it: a plain value, or a reference to a Secret's key. */
interface EnvSource {
  value?: string;
  secretKeyRef?: { name: string; key: string };
  from: 'ConfigMap' | 'env';
}

/** The container's environment: its ConfigMap (envFrom) overlaid by its env entries, as the kubelet builds it. */
function environment(objects: K8sObject[], workload: K8sObject): Map<string, EnvSource> {
  const container = containerOf(workload);
  const out = new Map<string, EnvSource>();
  for (const from of container.envFrom ?? []) {
    if (!from.configMapRef) continue;
    const configMap = findObject(objects, 'ConfigMap', from.configMapRef.name) as Data;
    for (const [name, value] of Object.entries(configMap.data ?? {}))
      out.set(name, { value, from: 'ConfigMap' });
  }
  for (const entry of container.env ?? [])
    out.set(entry.name, { value: entry.value, secretKeyRef: entry.valueFrom?.secretKeyRef, from: 'env' });
  return out;
}

/** The pods that talk to Kafka: each Deployment, and the topic provisioning Job (which gets no ConfigMap). */
function kafkaWorkloads(objects: K8sObject[]): { workload: K8sObject; job: boolean }[] {
  return [
    ...byKind(objects, 'Deployment').map((workload) => ({ workload, job: false })),
    { workload: findObject(objects, 'Job', `${fullname}-topics`), job: true },
  ];
}

const decoded = (secret: Data, key: string) => Buffer.from(secret.data?.[key] ?? '', 'base64').toString();

describe('Helm chart: Kafka security and replicated topics', () => {
  const rendered: Record<string, K8sObject[]> = {};

  before(() => {
    for (const name of ['default', ...Object.keys(expectations)])
      rendered[name] = helmTemplate(valueSets[name]);
  });

  it('default values: none of it is rendered (no TLS, no SASL, no topic settings, no mounts, no Kafka Secret)', () => {
    const objects = rendered.default;
    for (const { workload } of [
      ...kafkaWorkloads(objects),
      { workload: findObject(objects, 'Job', `${fullname}-migrations`) },
    ]) {
      const env = environment(objects, workload);
      assert.deepEqual(
        kafkaSecurityEnv.filter((name) => env.has(name)),
        [],
        `${workload.metadata.name}: no Kafka security or topic settings`,
      );
      assert.deepEqual(
        (podOf(workload).volumes ?? []).map((volume) => volume.name),
        ['tmp'],
        `${workload.metadata.name}: no volume besides /tmp`,
      );
      assert.deepEqual(containerOf(workload).volumeMounts, [{ name: 'tmp', mountPath: '/tmp' }]);
      assert.equal(
        podOf(workload).volumes?.some((volume) => volume.secret),
        false,
      );
    }
    assert.equal(
      objects.some((object) => object.metadata.name === `${fullname}-kafka`),
      false,
      'no Kafka Secret',
    );
    const hooks = findObject(objects, 'Secret', `${fullname}-hooks`) as Data;
    assert.deepEqual(
      Object.keys(hooks.data ?? {}),
      ['DATABASE_URL', 'SECRETS_ENCRYPTION_KEYS'],
      'the hook Secret holds only what the migrations Job reads (it seals plaintext secrets: ADR 0027), no Kafka credential',
    );
  });

  for (const [name, expected] of Object.entries(expectations)) {
    it(`${name}: TLS, SASL mechanism, replication factor, min ISR and topic check reach every service and the topics Job`, () => {
      const objects = rendered[name];
      const kafkaPods = kafkaWorkloads(objects);
      assert.equal(kafkaPods.length, 6);
      for (const { workload, job } of kafkaPods) {
        const env = environment(objects, workload);
        for (const [variable, value] of Object.entries(expected.settings)) {
          assert.equal(env.get(variable)?.value, value, `${workload.metadata.name} ${variable}`);
          // The services read the ConfigMap; the Job runs before it exists, so it carries them inline.
          assert.equal(
            env.get(variable)?.from,
            job ? 'env' : 'ConfigMap',
            `${workload.metadata.name} ${variable}`,
          );
        }
        const unexpected = kafkaSecurityEnv.filter(
          (variable) =>
            env.has(variable) &&
            !(variable in expected.settings) &&
            !['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'].includes(variable),
        );
        assert.deepEqual(unexpected, [], `${workload.metadata.name}: only the settings asked for`);
      }
    });

    it(`${name}: the SASL password reaches each Deployment and the topics Job by secretKeyRef to the right Secret and key, never as a value`, () => {
      const objects = rendered[name];
      for (const { workload, job } of kafkaWorkloads(objects)) {
        const secret = job ? expected.sasl.jobSecret : expected.sasl.secret;
        const entry = envOf(containerOf(workload), 'KAFKA_SASL_PASSWORD');
        assert.deepEqual(
          entry,
          {
            name: 'KAFKA_SASL_PASSWORD',
            valueFrom: { secretKeyRef: { name: secret, key: expected.sasl.passwordKey } },
          },
          workload.metadata.name,
        );
        const username = envOf(containerOf(workload), 'KAFKA_SASL_USERNAME');
        if (expected.sasl.usernameKey)
          assert.deepEqual(username?.valueFrom?.secretKeyRef, {
            name: secret,
            key: expected.sasl.usernameKey,
          });
        else
          assert.equal(
            username?.valueFrom,
            undefined,
            'the username is a plain setting (see the settings spec)',
          );
      }
      for (const configMap of byKind(objects, 'ConfigMap') as Data[])
        assert.equal(configMap.data?.KAFKA_SASL_PASSWORD, undefined, `${configMap.metadata.name}`);
      const migrations = containerOf(findObject(objects, 'Job', `${fullname}-migrations`));
      assert.deepEqual(
        (migrations.env ?? []).map((entry) => entry.name).filter((variable) => variable.startsWith('KAFKA_')),
        [],
        'the migrations Job does not talk to Kafka and gets none of its settings or credentials',
      );
    });

    it(`${name}: CA, certificate and key are mounted read-only from the Secret; KAFKA_SSL_*_FILE name the mounted files`, () => {
      const objects = rendered[name];
      for (const { workload, job } of kafkaWorkloads(objects)) {
        const pod = podOf(workload);
        const container = containerOf(workload);
        const volume = pod.volumes?.find((item) => item.name === 'kafka-tls');
        assert.ok(volume?.secret, `${workload.metadata.name}: a Secret volume`);
        assert.equal(volume.secret.secretName, job ? expected.tls.jobSecret : expected.tls.secret);
        // Only the TLS keys are projected: a Secret shared with the SASL password does not become a file.
        assert.deepEqual(
          volume.secret.items,
          expected.tls.keys.map((key) => ({ key, path: key })),
        );
        assert.equal(volume.secret.defaultMode, 0o440, 'readable by the pod group (fsGroup) only');
        assert.ok(
          pod.securityContext?.fsGroup,
          'fsGroup gives the container user read access to the 0440 files',
        );
        const mount = container.volumeMounts?.find((item) => item.name === 'kafka-tls');
        assert.deepEqual(mount, { name: 'kafka-tls', mountPath: tlsDir, readOnly: true });
        assert.equal(
          container.securityContext?.readOnlyRootFilesystem,
          true,
          'still a read-only root filesystem',
        );
        const env = environment(objects, workload);
        const items = volume.secret.items ?? [];
        for (const [key, variable] of Object.entries(fileEnv)) {
          const item = items.find((entry) => entry.key === key);
          assert.equal(
            env.get(variable)?.value,
            item ? `${mount.mountPath}/${item.path}` : undefined,
            `${workload.metadata.name} ${variable}`,
          );
        }
      }
      const migrations = podOf(findObject(objects, 'Job', `${fullname}-migrations`));
      assert.equal(
        migrations.volumes?.some((volume) => volume.name === 'kafka-tls'),
        false,
        'migrations: no Kafka files',
      );
    });

    it(`${name}: the Secrets the chart creates hold what the values gave, and the secrets appear nowhere else`, () => {
      const objects = rendered[name];
      const kafkaSecret: Data | undefined = objects.find(
        (object) => object.kind === 'Secret' && object.metadata.name === `${fullname}-kafka`,
      );
      if (!expected.created) {
        assert.equal(kafkaSecret, undefined, 'existing Secrets are used as they are');
        return;
      }
      assert.ok(kafkaSecret, 'the chart creates the Kafka Secret');
      const hooks = findObject(objects, 'Secret', `${fullname}-hooks`) as Data;
      const topicsJob = findObject(objects, 'Job', `${fullname}-topics`);
      // The topics Job runs before the chart's own Secret exists: its copy is a hook made just before it.
      assert.equal(hooks.metadata.annotations?.['helm.sh/hook'], 'pre-install,pre-upgrade');
      assert.ok(
        Number(hooks.metadata.annotations?.['helm.sh/hook-weight']) <
          Number(topicsJob.metadata.annotations?.['helm.sh/hook-weight']),
      );
      assert.equal(
        kafkaSecret.metadata.annotations?.['helm.sh/hook'],
        undefined,
        'the services keep theirs after the hooks',
      );
      for (const [key, value] of Object.entries(expected.created)) {
        assert.equal(decoded(kafkaSecret, key), value, `${fullname}-kafka ${key}`);
        assert.equal(decoded(hooks, key), value, `${fullname}-hooks ${key}`);
      }
      // No plain-text password or private key in any other object (ConfigMaps, env values, annotations).
      const elsewhere = objects
        .filter((object) => object.kind !== 'Secret')
        .map((object) => JSON.stringify(object))
        .join('\n');
      for (const secret of [kafkaInlineValues.sasl.password, 'Z2F0ZXdheS1rZXk=', 'PRIVATE KEY'])
        assert.equal(elsewhere.includes(secret), false, `${secret} outside a Secret`);
    });
  }

  it('a changed Kafka password or certificate rolls the services (checksum of the Secret the chart creates)', () => {
    const checksums = (password: string) =>
      byKind(
        helmTemplate([...valueSets['Kafka chart Secrets'], '--set', `kafka.sasl.password=${password}`]),
        'Deployment',
      ).map(
        (deployment) =>
          (deployment as Workload).spec.template.metadata.annotations?.['checksum/kafka-secret'] ?? '',
      );
    const before = checksums('first-password-0001');
    const after = checksums('second-password-0002');
    assert.equal(before.length, 5);
    for (const [index, checksum] of before.entries()) {
      assert.match(checksum, /^[0-9a-f]{64}$/);
      assert.notEqual(checksum, after[index]);
    }
  });

  it('refuses Kafka values the gateway would refuse or the chart would silently ignore', () => {
    const cases: [string[], RegExp][] = [
      [
        ['--set', 'kafka.sasl.mechanism=gssapi'],
        /kafka.sasl.mechanism must be plain, scram-sha-256 or scram-sha-512/,
      ],
      [
        ['--set', 'kafka.sasl.mechanism=plain', '--set', 'kafka.sasl.username=gw'],
        /needs kafka.sasl.username and kafka.sasl.password/,
      ],
      [
        ['--set', 'kafka.sasl.existingSecret=kafka-user'],
        /kafka.sasl is configured but kafka.sasl.mechanism is empty/,
      ],
      [
        ['--set', 'kafka.ssl.existingSecret=kafka-ca'],
        /kafka.ssl is configured but kafka.ssl.enabled is false/,
      ],
      [
        ['--set', 'kafka.ssl.enabled=true', '--set', 'kafka.ssl.cert=-----BEGIN CERTIFICATE-----'],
        /kafka.ssl.cert and kafka.ssl.key go together/,
      ],
      [
        ['--set', 'kafka.ssl.enabled=true', '--set', 'kafka.ssl.ca=LS0tLS1CRUdJTg=='],
        /kafka.ssl.ca must be PEM text/,
      ],
      [
        ['--set', 'kafka.ssl.enabled=true', '--set', 'kafka.ssl.mutualTls=true'],
        /kafka.ssl.mutualTls applies to kafka.ssl.existingSecret/,
      ],
      [
        ['--set', 'kafka.replicationFactor=0'],
        /kafka.replicationFactor must be a whole number of at least 1/,
      ],
      [
        ['--set', 'kafka.replicationFactor=2', '--set', 'kafka.minInsyncReplicas=3'],
        /kafka.minInsyncReplicas must not exceed kafka.replicationFactor/,
      ],
      [['--set', 'kafka.topicCheck=ignore'], /kafka.topicCheck must be require or warn/],
    ];
    for (const [args, message] of cases) {
      const result = run([...tool('helm'), 'template', 'gw', chartDir, ...args]);
      assert.notEqual(result.status, 0, args.join(' '));
      assert.match(result.stderr, message, args.join(' '));
    }
  });
});
