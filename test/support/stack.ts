import { execFile } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
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
    startPostgres: () => sh('postgres.sh', ['start', postgresDir, String(postgresPort), options.fast ? 'fast' : '']),
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
export async function freePortPair(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    if ((await portFree(port)) && (await portFree(port + 1))) return port;
  }
  throw new Error('no free port pair found');
}
