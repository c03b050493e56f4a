import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort, repoRoot } from '../support/stack';

const run = promisify(execFile);
const postgresSh = (...args: string[]) =>
  run('bash', [path.join(repoRoot, 'scripts', 'infra', 'postgres.sh'), ...args], { cwd: repoRoot });

async function query(port: number, sql: string): Promise<unknown[]> {
  const client = new Client({ connectionString: `postgres://gateway:gateway@127.0.0.1:${port}/gateway` });
  await client.connect();
  try {
    return (await client.query(sql)).rows as unknown[];
  } finally {
    await client.end();
  }
}

/** Whether the postgres user can pass through `dir` (run as root only). */
async function postgresUserCanEnter(dir: string): Promise<boolean> {
  return run('runuser', ['-u', 'postgres', '--', 'test', '-x', dir]).then(
    () => true,
    () => false,
  );
}

// Issue 24: as root, initdb and postgres run as the postgres user, which cannot pass a 0700 directory
// above the checkout (/root, a fresh mktemp -d), so `npm test` and `npm run dev` failed there.
describe('postgres.sh as root with DATA_DIR under a 0700 directory', () => {
  it('starts a cluster that accepts connections, stops and restarts it with its data, and removes it', async (t) => {
    if (process.getuid?.() !== 0)
      return t.skip(
        'as root only: as any other user initdb runs as that user, who can reach its own directories',
      );
    const parent = mkdtempSync(path.join(tmpdir(), 'pg-location-'));
    chmodSync(parent, 0o700);
    const dataDir = path.join(parent, 'checkout', 'tmp', 'pg');
    const port = await freePort();
    t.after(async () => {
      await postgresSh('stop', dataDir);
      if (existsSync(dataDir)) rmSync(realpathSync(dataDir), { recursive: true, force: true });
      rmSync(parent, { recursive: true, force: true });
    });

    await postgresSh('start', dataDir, String(port), 'fast');
    assert.equal(
      await postgresUserCanEnter(parent),
      false,
      'the postgres user cannot pass the 0700 directory',
    );
    assert.deepEqual(await query(port, 'SELECT 1 AS one'), [{ one: 1 }]);
    assert.ok(lstatSync(dataDir).isSymbolicLink(), 'DATA_DIR points to the cluster');
    const cluster = realpathSync(dataDir);
    assert.ok(
      !cluster.startsWith(`${parent}/`),
      `the cluster lives outside the 0700 directory, not in ${cluster}`,
    );
    await query(port, 'CREATE TABLE kept (id int)');

    await postgresSh('stop', dataDir);
    await assert.rejects(query(port, 'SELECT 1'), /ECONNREFUSED/, 'stop found the cluster and stopped it');
    await postgresSh('start', dataDir, String(port), 'fast');
    assert.deepEqual(
      await query(port, `SELECT to_regclass('kept')::text AS kept`),
      [{ kept: 'kept' }],
      'the restart used the same cluster',
    );

    await postgresSh('remove', dataDir);
    await assert.rejects(query(port, 'SELECT 1'), /ECONNREFUSED/, 'remove stopped the cluster');
    assert.equal(existsSync(cluster), false, 'remove deleted the cluster outside the checkout');
    assert.equal(existsSync(dataDir), false, 'remove deleted the symlink');
  });
});
