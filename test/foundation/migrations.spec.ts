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
});
