import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ErasedRows, TenantsRepository } from '@gateway/persistence';
import { TenantService } from './tenant.service';

const erasedRows: ErasedRows = { endpoints: 2, sources: 1, events: 3, deliveries: 4, apiKeys: 1 };

/** A service over fakes that log each call in order. */
const serviceWith = (erase: ErasedRows | undefined, calls: string[]) =>
  new TenantService(
    {
      erase: (id: string) => {
        calls.push(`erase ${id}`);
        return Promise.resolve(erase);
      },
    } as unknown as TenantsRepository,
    { tenantEndpointIds: () => Promise.resolve(['ep-1', 'ep-2']) },
    {
      disable: (id: string, reason: string) => {
        calls.push(`disable ${id} (${reason})`);
        return Promise.resolve();
      },
    },
    [{ topic: 'webhooks.dead-letter', retentionMs: -1 }],
  );

describe('TenantService.erase', () => {
  it('disables each endpoint (ending its retries) before erasing, and answers what Kafka keeps', async () => {
    const calls: string[] = [];
    const answer = await serviceWith(erasedRows, calls).erase('t1');
    assert.deepEqual(calls, ['disable ep-1 (tenant erased)', 'disable ep-2 (tenant erased)', 'erase t1']);
    assert.deepEqual(answer, {
      tenant: 't1',
      erased: erasedRows,
      kafka: [{ topic: 'webhooks.dead-letter', retentionMs: -1 }],
    });
  });

  it('answers undefined for a tenant that never existed', async () => {
    assert.equal(await serviceWith(undefined, []).erase('nobody'), undefined);
  });
});
