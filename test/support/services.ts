import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './stack';
import { waitFor } from './wait-for';

export type ServiceName = 'api' | 'ingress' | 'router' | 'dispatcher' | 'scheduler';

/** A gateway service run as its real compiled process. */
export interface RunningService {
  name: ServiceName;
  port: number;
  url: string;
  process: ChildProcess;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** `node` arguments of a service; GATEWAY_NODE_ARGS adds more (e.g. `--cpu-prof`, which NODE_OPTIONS refuses). */
export function serviceCommand(name: ServiceName): string[] {
  const extra = (process.env.GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return [
    ...extra,
    '-r',
    path.join(repoRoot, 'tools', 'register.js'),
    path.join(repoRoot, 'dist', 'apps', name, 'src', 'main.js'),
  ];
}

/** Spawns a service with the given environment; its output goes to `logDir/<name>.log`. */
export function spawnService(
  name: ServiceName,
  port: number,
  env: Record<string, string>,
  logDir: string,
): RunningService {
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(path.join(logDir, `${name}-${port}.log`), { flags: 'a' });
  const child = spawn(process.execPath, serviceCommand(name), {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'info', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    process: child,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Spawns a service and waits until its `/health/ready` answers 200. */
export async function startService(
  name: ServiceName,
  port: number,
  env: Record<string, string>,
  logDir: string,
  timeoutMs = 60000,
): Promise<RunningService> {
  const service = spawnService(name, port, env, logDir);
  let exitCode: number | null | undefined;
  void service.exited.then((code) => (exitCode = code));
  try {
    await waitFor(`${name} ready`, timeoutMs, async () => {
      if (exitCode !== undefined)
        throw new Error(`${name} exited with ${exitCode}; see ${logDir}/${name}-${port}.log`);
      const response = await fetch(`${service.url}/health/ready`).catch(() => null);
      return response?.status === 200;
    });
  } catch (error) {
    // A service that never got ready must not outlive its spec: its pipes would keep the spec's
    // process (and so the whole run) waiting.
    await service.stop('SIGKILL');
    throw error;
  }
  return service;
}
