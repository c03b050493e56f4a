import type { SecretBox } from '@gateway/encryption';
import { EndpointSecretsRepository } from './endpoint-secrets/endpoint-secrets.repository';
import { EndpointsRepository } from './endpoints/endpoints.repository';
import { SourcesRepository } from './sources/sources.repository';
import type { Database } from './sql';

/** Rows rewritten under the newest key, by table (`endpoints`: header values and destination passwords). */
export type ReencryptionCounts = Record<'endpointSecrets' | 'endpoints' | 'sourceSecrets', number>;

/**
 * Seals every stored secret under the newest key, plaintexts from before encryption included:
 * the last step of `npm run migrate` and the whole of `npm run secrets:reencrypt`. It pages each
 * table by id in batches and rewrites a row only if it is unchanged since read (compare and swap),
 * so it is idempotent and safe while the services run (a row they rewrote meanwhile is already
 * sealed under the newest key, since every service seals with the first key of the list).
 */
export async function reencryptSecrets(
  db: Database,
  box: SecretBox,
  batchSize = 200,
): Promise<ReencryptionCounts> {
  const secrets = new EndpointSecretsRepository(db, box);
  const endpoints = new EndpointsRepository(db, box);
  const sources = new SourcesRepository(db, box);
  return {
    endpointSecrets: await inBatches(
      batchSize,
      '0',
      (after) => secrets.storedAfter(after, batchSize),
      (row) => secrets.reseal(row),
    ),
    endpoints: await inBatches(
      batchSize,
      '',
      (after) => endpoints.storedSecretsAfter(after, batchSize),
      (row) => endpoints.resealSecrets(row),
    ),
    sourceSecrets: await inBatches(
      batchSize,
      '',
      (after) => sources.storedSecretsAfter(after, batchSize),
      (row) => sources.resealSecrets(row),
    ),
  };
}

async function inBatches<R extends { id: string }>(
  batchSize: number,
  /** Sorts before every id: '' for text ids, '0' for a bigserial. */
  start: string,
  read: (afterId: string) => Promise<R[]>,
  reseal: (row: R) => Promise<boolean>,
): Promise<number> {
  let rewritten = 0;
  let after = start;
  for (;;) {
    const rows = await read(after);
    for (const row of rows) if (await reseal(row)) rewritten += 1;
    if (rows.length < batchSize) return rewritten;
    after = rows[rows.length - 1].id;
  }
}
