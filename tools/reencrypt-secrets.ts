import { z } from 'zod';
import { databaseConfig, loadConfig, secretsConfig } from '@gateway/config';
import { SecretBox } from '@gateway/encryption';
import { createDataSource, reencryptSecrets } from '@gateway/persistence';

/**
 * `npm run secrets:reencrypt`: re-encrypts every stored secret under the newest key of
 * SECRETS_ENCRYPTION_KEYS, in batches, while the services run; idempotent (ADR 0027).
 */
async function main(): Promise<void> {
  const config = loadConfig(z.object({ ...databaseConfig, ...secretsConfig }));
  const dataSource = createDataSource(config.DATABASE_URL, 1, 'gateway-reencrypt');
  await dataSource.initialize();
  try {
    const counts = await reencryptSecrets(dataSource, new SecretBox(config.SECRETS_ENCRYPTION_KEYS));
    process.stdout.write(
      `re-encrypted under "${config.SECRETS_ENCRYPTION_KEYS[0].id}": ${JSON.stringify(counts)}\n`,
    );
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`re-encryption failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
