import { z } from 'zod';
import { databaseConfig, loadConfig, secretsConfig } from '@gateway/config';
import { SecretBox } from '@gateway/encryption';
import { createDataSource, reencryptSecrets, runMigrations } from '@gateway/persistence';

/**
 * `npm run migrate`: applies pending migrations to DATABASE_URL (also the Helm pre-upgrade Job),
 * then seals every secret still stored in plaintext (or under an older key) with the newest of
 * SECRETS_ENCRYPTION_KEYS: TypeORM's migrations hold no keys, so this step is the migration that
 * encrypts existing rows (ADR 0027).
 */
async function main(): Promise<void> {
  const config = loadConfig(z.object({ ...databaseConfig, ...secretsConfig }));
  const dataSource = createDataSource(config.DATABASE_URL, 1, 'gateway-migrate');
  await dataSource.initialize();
  try {
    const applied = await runMigrations(dataSource);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n');
    const sealed = await reencryptSecrets(dataSource, new SecretBox(config.SECRETS_ENCRYPTION_KEYS));
    process.stdout.write(`secrets sealed under the newest key: ${JSON.stringify(sealed)}\n`);
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
