import { randomUUID } from 'node:crypto';
import { createDataSource, type DataSource } from '@gateway/persistence';
import { generateSecret } from '@gateway/signing';
import { testInfra } from './gateway';

let shared: DataSource | undefined;

/** Connects the helpers below to a test file's database (see freshDatabase). */
export async function useTestDatabase(url: string = testInfra().databaseUrl): Promise<DataSource> {
  await shared?.destroy();
  shared = createDataSource(url, 4, 'tests');
  await shared.initialize();
  return shared;
}

/** The connection the helpers use, for arranging rows and reading what the services wrote. */
export async function testDatabase(): Promise<DataSource> {
  return shared ?? useTestDatabase();
}

export async function closeTestDatabase(): Promise<void> {
  await shared?.destroy();
  shared = undefined;
}

export interface EndpointFixture {
  id: string;
  secret: string;
}

/** Inserts an endpoint with a fresh secret, as the control API would. */
export async function insertEndpoint(input: {
  url: string;
  eventTypes?: string[];
  tenant?: string | null;
  filter?: object | null;
  ordered?: boolean;
  headers?: Record<string, string>;
  retryPolicy?: object | null;
}): Promise<EndpointFixture> {
  const db = await testDatabase();
  const id = `ep_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  const secret = generateSecret();
  // One transaction, as the control API does: a view loaded in between would see an endpoint without a secret.
  await db.transaction(async (manager) => {
    await manager.query(
      `INSERT INTO endpoints (id, url, event_types, tenant, filter, ordered, headers, retry_policy) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        id,
        input.url,
        input.eventTypes ?? ['*'],
        input.tenant ?? null,
        input.filter ? JSON.stringify(input.filter) : null,
        input.ordered ?? false,
        JSON.stringify(input.headers ?? {}),
        input.retryPolicy ? JSON.stringify(input.retryPolicy) : null,
      ],
    );
    await manager.query(`INSERT INTO endpoint_secrets (endpoint_id, key) VALUES ($1, $2)`, [id, secret]);
  });
  return { id, secret };
}
