import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const repoRoot = path.resolve(__dirname, '..', '..', '..');
const script = (name: string) => path.join(repoRoot, 'scripts', 'infra', name);

/** A Kafka broker and a PostgreSQL cluster run as plain processes, each in its own folder. */
export interface Infra {
  kafkaBrokers: string;
  databaseUrl: string;
  startKafka(): Promise<void>;
  stopKafka(): Promise<void>;
  startPostgres(): Promise<void>;
  stopPostgres(): Promise<void>;
  stop(): Promise<void>;
}

export interface InfraOptions {
  /** Folder holding the data of both servers. */
  dir: string;
  kafkaPort?: number;
  postgresPort?: number;
  /** Start from empty data folders. */
  fresh?: boolean;
  /** fsync off: for throwaway test clusters. */
  fast?: boolean;
  /** Start only some of the servers (the others are already running elsewhere). */
  only?: { kafka: boolean; postgres: boolean };
}

async function sh(name: string, args: string[]): Promise<void> {
  try {
    await run('bash', [script(name), ...args], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`${name} ${args[0]} failed:\n${stderr ?? (error as Error).message}`);
  }
}

/** Starts Kafka and PostgreSQL from the project's scripts (installing what is missing). */
export async function startInfra(options: InfraOptions): Promise<Infra> {
  const kafkaPort = options.kafkaPort ?? (await freePortPair());
  const postgresPort = options.postgresPort ?? (await freePort());
  const kafkaDir = path.join(options.dir, 'kafka');
  const postgresDir = path.join(options.dir, 'pg');
  const only = options.only ?? { kafka: true, postgres: true };
  // As root the cluster's files live outside options.dir (see postgres.sh): a throwaway stack removes them itself.
  if (options.fresh) {
    await sh('postgres.sh', ['remove', postgresDir]);
    rmSync(options.dir, { recursive: true, force: true });
  }
  mkdirSync(options.dir, { recursive: true });
  const infra: Infra = {
    kafkaBrokers: `127.0.0.1:${kafkaPort}`,
    databaseUrl: `postgres://gateway:gateway@127.0.0.1:${postgresPort}/gateway`,
    startKafka: () => sh('kafka.sh', ['start', kafkaDir, String(kafkaPort)]),
    stopKafka: () => sh('kafka.sh', ['stop', kafkaDir]),
    startPostgres: () =>
      sh('postgres.sh', ['start', postgresDir, String(postgresPort), options.fast ? 'fast' : '']),
    stopPostgres: () => sh('postgres.sh', ['stop', postgresDir]),
    stop: async () => {
      await Promise.allSettled([infra.stopKafka(), infra.stopPostgres()]);
      if (options.fresh && only.postgres) await sh('postgres.sh', ['remove', postgresDir]);
    },
  };
  await Promise.all([only.kafka ? infra.startKafka() : null, only.postgres ? infra.startPostgres() : null]);
  if (!only.kafka) infra.stopKafka = async () => undefined;
  if (!only.postgres) infra.stopPostgres = async () => undefined;
  return infra;
}

/**
 * A local KRaft cluster (scripts/infra/kafka-cluster.sh): combined broker+controller nodes whose
 * clients connect through SASL_SSL, with SCRAM users and certificates of its own CA.
 */
export interface KafkaCluster {
  /** The nodes' SASL_SSL listeners, `127.0.0.1:port,...`: the only ones the services use. */
  brokers: string;
  /** The nodes' PLAINTEXT inter-broker listeners, for admin use by tests only. */
  internalBrokers: string;
  nodes: number;
  /** PEM files: the CA that signed every certificate, and a client certificate for mutual TLS. */
  caFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** A SCRAM-SHA-512 user (SCRAM-SHA-256 and PLAIN accept it too). */
  username: string;
  password: string;
  mechanism: 'scram-sha-512';
  /** The gateway's environment for this cluster: brokers, TLS with the CA, SCRAM-SHA-512. */
  serviceEnv(): Record<string, string>;
  /** SIGKILL node `node` (1..nodes). */
  kill(node: number): Promise<void>;
  /** Starts node `node` again on its data, and waits until every node is registered. */
  restart(node: number): Promise<void>;
  stop(): Promise<void>;
}

export interface KafkaClusterOptions {
  /** Folder of the certificates and of every node's data. */
  dir: string;
  /** 3 unless told. */
  nodes?: number;
  /** First of the nodes x 3 consecutive ports (see the script); free ones unless told. */
  basePort?: number;
  /** Start from an empty folder. */
  fresh?: boolean;
}

/** Starts the cluster and waits until all its nodes are registered brokers. */
export async function startKafkaCluster(options: KafkaClusterOptions): Promise<KafkaCluster> {
  const nodes = options.nodes ?? 3;
  const basePort = options.basePort ?? (await freePortRange(nodes * 3));
  if (options.fresh) rmSync(options.dir, { recursive: true, force: true });
  mkdirSync(options.dir, { recursive: true });
  await sh('kafka-cluster.sh', ['start', options.dir, String(basePort), String(nodes)]);
  // The script's own record of what it made: one source for ports, user and file names.
  const layout = Object.fromEntries(
    readFileSync(path.join(options.dir, 'cluster.env'), 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  ) as Record<string, string>;
  const cluster: KafkaCluster = {
    brokers: layout.BOOTSTRAP,
    internalBrokers: layout.INTERNAL_BOOTSTRAP,
    nodes,
    caFile: layout.CA_FILE,
    clientCertFile: layout.CLIENT_CERT_FILE,
    clientKeyFile: layout.CLIENT_KEY_FILE,
    username: layout.SASL_USERNAME,
    password: layout.SASL_PASSWORD,
    mechanism: 'scram-sha-512',
    serviceEnv: () => ({
      KAFKA_BROKERS: cluster.brokers,
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: cluster.caFile,
      KAFKA_SASL_MECHANISM: cluster.mechanism,
      KAFKA_SASL_USERNAME: cluster.username,
      KAFKA_SASL_PASSWORD: cluster.password,
    }),
    kill: (node) => sh('kafka-cluster.sh', ['kill', options.dir, String(node)]),
    restart: (node) => sh('kafka-cluster.sh', ['restart', options.dir, String(node)]),
    stop: () => sh('kafka-cluster.sh', ['stop', options.dir]),
  };
  return cluster;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port p with p+1 also free (Kafka's broker and controller listeners). */
export function freePortPair(): Promise<number> {
  return freePortRange(2);
}

/** A port p with p+1 ... p+count-1 also free. */
export async function freePortRange(count: number): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    let free = true;
    for (let offset = 0; offset < count && free; offset++) free = await portFree(port + offset);
    if (free) return port;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}
