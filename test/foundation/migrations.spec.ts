import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { createDataSource, runMigrations } from '@gateway/persistence';
import { testInfra } from '../support/gateway';

describe('migrations', () => {
  it('apply to an empty database and are idempotent', async () => {
    const admin = createDataSource(testInfra().databaseUrl, 1);
    await admin.initialize();
    const name = `migrate_${randomUUID().slice(0, 8)}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const url = testInfra().databaseUrl.replace(/\/[^/]+$/, `/${name}`);
    const dataSource = createDataSource(url, 1);
    try {
      await dataSource.initialize();
      const first = await runMigrations(dataSource);
      assert.ok(first.length >= 1, 'the first run applies migrations');
      const tables = await dataSource.query<{ table_name: string }[]>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
      );
      const names = tables.map((row) => row.table_name);
      for (const table of [
        'endpoints',
        'endpoint_secrets',
        'events',
        'deliveries',
        'attempts',
        'sources',
        'schema_migrations',
      ]) {
        assert.ok(names.includes(table), `table ${table} exists`);
      }
      assert.deepEqual(await runMigrations(dataSource), [], 'the second run applies nothing');
    } finally {
      await dataSource.destroy();
      await admin.query(`DROP DATABASE ${name}`);
      await admin.destroy();
    }
  });

  it('partitions the event tables with their rows: each day with rows gets its partition, and keys still conflict', async () => {
    const admin = createDataSource(testInfra().databaseUrl, 1);
    await admin.initialize();
    const name = `partition_${randomUUID().slice(0, 8)}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const dataSource = createDataSource(testInfra().databaseUrl.replace(/\/[^/]+$/, `/${name}`), 1);
    try {
      await dataSource.initialize();
      await runMigrations(dataSource);
      // Back to the tables as they were before the partitioning: its down, and the downs of every
      // migration after it, newest first.
      const names = dataSource.migrations.map((migration) => migration.name);
      const after = names.length - names.indexOf('PartitionEventTables1764213180000');
      for (let undone = 0; undone < after; undone++) await dataSource.undoLastMigration();
      const [kind] = await dataSource.query<{ relkind: string }[]>(
        `SELECT relkind FROM pg_class WHERE relname = 'events'`,
      );
      assert.equal(kind?.relkind, 'r', 'unpartitioned again');
      await dataSource.query(
        `INSERT INTO events (id, type, data, occurred_at, received_at)
         VALUES ('evt_old', 't', '{}', now(), '2026-01-02T10:00:00Z'), ('evt_new', 't', '{}', now(), now())`,
      );
      await dataSource.query(
        `INSERT INTO deliveries (id, event_id, endpoint_id, created_at) VALUES ('dlv_old', 'evt_old', 'ep', '2026-01-02T10:00:00Z')`,
      );
      await dataSource.query(
        `INSERT INTO attempts (delivery_id, attempt, started_at, duration_ms) VALUES ('dlv_old', 1, '2026-01-03T10:00:00Z', 5)`,
      );
      assert.equal((await runMigrations(dataSource)).length, after);
      const partitions = await dataSource.query<{ name: string }[]>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = 'attempts'::regclass ORDER BY 1`,
      );
      assert.ok(
        partitions.some((row) => row.name === 'attempts_p20260102'),
        JSON.stringify(partitions),
      );
      assert.ok(partitions.some((row) => row.name === 'attempts_default'));
      const [attempt] = await dataSource.query<{ key: string }[]>(
        `SELECT event_received_at::text AS key FROM attempts_p20260102 WHERE delivery_id = 'dlv_old'`,
      );
      assert.ok(attempt, "an old attempt takes its delivery's time");
      const [counts] = await dataSource.query<{ events: number; old: number }[]>(
        `SELECT (SELECT count(*)::int FROM events) AS events, (SELECT count(*)::int FROM events_p20260102) AS old`,
      );
      assert.deepEqual(counts, { events: 2, old: 1 });
      const [again] = await dataSource.query<{ n: number }[]>(
        `WITH tried AS (
           INSERT INTO deliveries (id, event_id, endpoint_id, created_at)
           VALUES ('dlv_old', 'evt_old', 'ep', '2026-01-02T10:00:00Z') ON CONFLICT (id, created_at) DO NOTHING RETURNING 1
         ) SELECT count(*)::int AS n FROM tried`,
      );
      assert.equal(again?.n, 0, 'the moved row still conflicts on its key');
    } finally {
      await dataSource.destroy();
      await admin.query(`DROP DATABASE ${name}`);
      await admin.destroy();
    }
  });
});
