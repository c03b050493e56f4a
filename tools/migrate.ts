import { z } from 'zod';
import { databaseConfig, loadConfig } from '@gateway/config';
import { createDataSource, runMigrations } from '@gateway/persistence';

/** `npm run migrate`: applies pending migrations to DATABASE_URL (also the Helm pre-upgrade Job). */
async function main(): Promise<void> {
  const config = loadConfig(z.object(databaseConfig));
  const dataSource = createDataSource(config.DATABASE_URL, 1, 'gateway-migrate');
  await dataSource.initialize();
  try {
    const applied = await runMigrations(dataSource);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n');
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
