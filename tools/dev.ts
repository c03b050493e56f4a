import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { servicePorts } from '@gateway/config';
import { repoRoot, startInfra, startKafkaCluster, type Infra, type KafkaCluster } from '@gateway/testing';

/**
 * `npm run dev`: the whole gateway on this machine. Starts Kafka (127.0.0.1:9092) and PostgreSQL
 * (127.0.0.1:5433) unless KAFKA_BROKERS / DATABASE_URL name running ones (or something already
 * answers on those ports), applies migrations, creates topics, runs the five services with prefixed
 * logs, and on Ctrl-C stops everything it started. DEV_KAFKA_NODES=3 (or more) starts instead a
 * KRaft cluster of that many nodes whose SASL_SSL listeners the services use (ports from 29092).
 */
/** The control API's token in `npm run dev` unless ADMIN_TOKEN is set (the README uses it too). */
const DEV_ADMIN_TOKEN = 'dev-admin-token-local';
/**
 * The secrets' key in `npm run dev` unless SECRETS_ENCRYPTION_KEYS is set: fixed, since the dev
 * database outlives a run (ADR 0027). Never use it elsewhere.
 */
const DEV_SECRETS_ENCRYPTION_KEYS = 'dev:ZGV2LW9ubHkta2V5LW5ldmVyLWluLXByb2R1Y3Rpb24=';

const colors = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m'];
const reset = '\x1b[0m';
/** The cluster's first port (node i uses three from 29092 + 3 * (i - 1); see kafka-cluster.sh). */
const DEV_CLUSTER_BASE_PORT = 29092;
const services = Object.keys(servicePorts) as (keyof typeof servicePorts)[];

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** DEV_KAFKA_NODES: 1 (unset) is the single fast broker; more is a cluster of that many nodes. */
function devKafkaNodes(): number {
  const nodes = Number(process.env.DEV_KAFKA_NODES ?? '1');
  if (!Number.isInteger(nodes) || nodes < 1)
    throw new Error(
      `DEV_KAFKA_NODES must be a whole number of nodes, 1 or more (got ${process.env.DEV_KAFKA_NODES})`,
    );
  return nodes;
}

function runOnce(script: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-r', path.join(repoRoot, 'tools', 'register.js'), path.join(repoRoot, 'dist', 'tools', script)],
      { env, stdio: 'inherit' },
    );
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${script} exited with ${code}`)),
    );
  });
}

function prefixed(child: ChildProcess, label: string, color: string): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) =>
      process.stdout.write(`${color}${label.padEnd(10)}|${reset} ${line}\n`),
    );
  }
}

async function main(): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ADMIN_TOKEN: process.env.ADMIN_TOKEN ?? DEV_ADMIN_TOKEN,
    SECRETS_ENCRYPTION_KEYS: process.env.SECRETS_ENCRYPTION_KEYS ?? DEV_SECRETS_ENCRYPTION_KEYS,
    DELIVERY_ALLOWLIST: process.env.DELIVERY_ALLOWLIST ?? '127.0.0.0/8',
    PUBLIC_BASE_URL: process.env.PUBLIC_BASE_URL ?? `http://127.0.0.1:${servicePorts.ingress}`,
    // The console's health overview asks each service of the local stack (ADR 0030).
    HEALTH_SERVICE_URLS:
      process.env.HEALTH_SERVICE_URLS ??
      services.map((name) => `${name}=http://127.0.0.1:${servicePorts[name]}`).join(','),
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
  };
  let infra: Infra | undefined;
  let cluster: KafkaCluster | undefined;
  const kafkaNodes = devKafkaNodes();
  if (kafkaNodes > 1 && !env.KAFKA_BROKERS) {
    process.stdout.write(
      `starting a ${kafkaNodes}-node Kafka cluster with SASL_SSL in .local/dev-cluster...\n`,
    );
    cluster = await startKafkaCluster({
      dir: path.join(repoRoot, '.local', 'dev-cluster'),
      nodes: kafkaNodes,
      basePort: DEV_CLUSTER_BASE_PORT,
    });
    Object.assign(env, cluster.serviceEnv());
  }
  try {
    const reuseKafka = Boolean(env.KAFKA_BROKERS) || (await portOpen(9092));
    const reusePostgres = Boolean(env.DATABASE_URL) || (await portOpen(5433));
    if (!reuseKafka || !reusePostgres) {
      process.stdout.write(
        'starting local infrastructure (first run downloads Kafka from Maven Central)...\n',
      );
      infra = await startInfra({
        dir: path.join(repoRoot, '.local', 'dev'),
        kafkaPort: 9092,
        postgresPort: 5433,
        only: { kafka: !reuseKafka, postgres: !reusePostgres },
      });
    }
    env.KAFKA_BROKERS ??= '127.0.0.1:9092';
    env.DATABASE_URL ??= 'postgres://gateway:gateway@127.0.0.1:5433/gateway';
    await runOnce('migrate.js', env);
    await runOnce('provision-topics.js', env);
  } catch (error) {
    // A failed start leaves no servers of ours behind (a cluster is a JVM with a 384 MB heap per node).
    await Promise.allSettled([infra?.stop(), cluster?.stop()]);
    throw error;
  }

  const children: ChildProcess[] = services.map((name, index) => {
    const child = spawn(
      process.execPath,
      [
        '-r',
        path.join(repoRoot, 'tools', 'register.js'),
        path.join(repoRoot, 'dist', 'apps', name, 'src', 'main.js'),
      ],
      {
        env: { ...env, PORT: String(servicePorts[name]) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    prefixed(child, name, colors[index % colors.length]);
    return child;
  });

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nstopping services...\n');
    await Promise.all(
      children.map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null) return resolve(null);
            child.once('exit', resolve);
            child.kill('SIGTERM');
          }),
      ),
    );
    if (infra) {
      process.stdout.write('stopping Kafka and PostgreSQL...\n');
      await infra.stop();
    }
    if (cluster) {
      process.stdout.write('stopping the Kafka cluster...\n');
      await cluster.stop();
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  for (const child of children)
    child.once('exit', (code) => {
      if (!stopping) {
        process.stdout.write(`a service exited (${code}); stopping\n`);
        void stop(1);
      }
    });

  await Promise.all(
    services.map(async (name) => {
      for (let i = 0; i < 240 && !stopping; i++) {
        const ok = await fetch(`http://127.0.0.1:${servicePorts[name]}/health/ready`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }),
  );
  const token = env.ADMIN_TOKEN;
  process.stdout.write(`
  ┌──────────────────────────────────────────────────────────────
  │ Webhook gateway is running (Ctrl-C stops everything)
  │  api         http://127.0.0.1:${servicePorts.api}   (OpenAPI: /docs, token: ${token})
  │  ingress     http://127.0.0.1:${servicePorts.ingress}/in/:sourceId
  │  router      http://127.0.0.1:${servicePorts.router}/health/ready
  │  dispatcher  http://127.0.0.1:${servicePorts.dispatcher}/metrics
  │  scheduler   http://127.0.0.1:${servicePorts.scheduler}/metrics
  │  Kafka       ${env.KAFKA_BROKERS}    PostgreSQL ${env.DATABASE_URL}${cluster ? `\n  │              SASL_SSL, SCRAM-SHA-512 user ${cluster.username}, CA ${path.relative(repoRoot, cluster.caFile)}` : ''}
  │ Try:
  │  curl -s -X POST http://127.0.0.1:${servicePorts.api}/v1/events -H 'authorization: Bearer ${token}' \\
  │       -H 'content-type: application/json' -d '{"type":"invoice.paid","data":{"amount":1200}}'
  └──────────────────────────────────────────────────────────────
`);
}

main().catch((error: unknown) => {
  process.stderr.write(`dev: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
