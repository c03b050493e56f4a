import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, startInfra, type Infra } from './stack';

/** Compiled specs under `dir` whose source still exists (a stale one left in dist is not run). */
function specFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...specFiles(full));
    else if (entry.endsWith('.spec.js') && existsSync(sourceOf(full))) out.push(full);
  }
  return out;
}

const sourceOf = (compiled: string): string =>
  path.join(repoRoot, path.relative(path.join(repoRoot, 'dist'), compiled)).replace(/\.js$/, '.ts');

function runNode(args: string[], env: NodeJS.ProcessEnv, onLine?: (line: string) => void): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) onLine?.(line);
    });
    const stop = () => child.kill('SIGINT');
    process.once('SIGINT', stop);
    child.on('exit', (code) => {
      process.off('SIGINT', stop);
      if (buffer) onLine?.(buffer);
      resolve(code ?? 1);
    });
  });
}

/**
 * `npm test`: brings up its own Kafka and PostgreSQL (unless KAFKA_BROKERS and DATABASE_URL point at
 * running ones), applies migrations, runs every compiled spec with node's test runner, tears the
 * infrastructure down, and ends with the line `N passed, N failed`.
 * `npm run test:unit` (the argument `--unit`): only the unit specs next to the code (libs/, apps/ and tools/),
 * which need neither Kafka nor PostgreSQL: none is started, no migration is applied.
 */
async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const unit = args.includes('--unit');
  // A source path names its compiled spec: `test/api/x.spec.ts` filters as `test/api/x.spec.js`.
  const filter = args.filter((arg) => arg !== '--unit').map((arg) => arg.replace(/\.ts$/, '.js'));
  const dist = path.join(repoRoot, 'dist');
  const files = (unit ? ['libs', 'apps', 'tools'] : ['libs', 'apps', 'tools', 'test'])
    .flatMap((dir) => specFiles(path.join(dist, dir)))
    .filter((file) => filter.length === 0 || filter.some((part) => file.includes(part)))
    .sort();
  // With no file, node --test would find every spec itself: a filter that matches nothing is a mistake.
  if (files.length === 0) throw new Error(`no spec file matches ${filter.join(' ')}`);
  let infra: Infra | undefined;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    // Every service that stores secrets needs a key (ADR 0027): one per test run, unless given.
    SECRETS_ENCRYPTION_KEYS:
      process.env.SECRETS_ENCRYPTION_KEYS ?? `test:${randomBytes(32).toString('base64')}`,
  };
  if (unit) {
    // A unit spec that reached for a server would fail here rather than pass against one by chance.
    delete env.KAFKA_BROKERS;
    delete env.DATABASE_URL;
  } else if (!env.KAFKA_BROKERS || !env.DATABASE_URL) {
    process.stdout.write('starting test infrastructure (Kafka, PostgreSQL)...\n');
    infra = await startInfra({ dir: path.join(repoRoot, 'tmp', 'test-stack'), fresh: true, fast: true });
    env.KAFKA_BROKERS = infra.kafkaBrokers;
    env.DATABASE_URL = infra.databaseUrl;
    env.TEST_INFRA_DIR = path.join(repoRoot, 'tmp', 'test-stack');
  }
  const register = path.join(repoRoot, 'tools', 'register.js');
  let passed = 0;
  let failed = 0;
  let cancelled = 0;
  try {
    if (!unit) {
      const migrated = await runNode(['-r', register, path.join(dist, 'tools', 'migrate.js')], env);
      if (migrated !== 0) throw new Error('migrations failed');
    }
    await runNode(
      ['-r', register, '--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
      env,
      (line) => {
        const pass = /^ℹ pass (\d+)/.exec(line);
        const fail = /^ℹ (fail|cancelled) (\d+)/.exec(line);
        if (pass) passed = Number(pass[1]);
        // A test whose hook failed is reported as cancelled: it did not pass, so it counts as failed.
        if (fail?.[1] === 'fail') failed = Number(fail[2]);
        if (fail?.[1] === 'cancelled') cancelled = Number(fail[2]);
      },
    );
  } finally {
    await infra?.stop();
  }
  failed += cancelled;
  process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.stdout.write('\n0 passed, 1 failed\n');
    process.exit(1);
  },
);
