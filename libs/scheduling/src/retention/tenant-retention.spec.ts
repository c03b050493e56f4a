import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TenantRetention, type TenantRetentionTable } from './tenant-retention';

const now = new Date('2026-12-07T12:00:00.000Z');

describe('TenantRetention', () => {
  it("deletes each tenant's rows older than its own retention, attempts first, in batches until one is short", async () => {
    const calls: string[] = [];
    const left = new Map<string, number>([['attempts a', 5]]);
    const retention = new TenantRetention(
      {
        tenants: () =>
          Promise.resolve([
            { id: 'a', retentionDays: 7 },
            { id: 'b', retentionDays: 1 },
            { id: 'c', retentionDays: null },
          ]),
        expire: (table: TenantRetentionTable, tenant, cutoff, limit) => {
          calls.push(`${table} ${tenant} ${cutoff.toISOString()}`);
          const rows = left.get(`${table} ${tenant}`) ?? 0;
          const deleted = Math.min(rows, limit);
          left.set(`${table} ${tenant}`, rows - deleted);
          return Promise.resolve(deleted);
        },
        now: () => now,
        failed: () => assert.fail('no failure'),
      },
      { batch: 2, intervalMs: 60_000 },
    );
    assert.equal(await retention.runOnce(), 5);
    assert.deepEqual(calls, [
      'attempts a 2026-11-30T12:00:00.000Z',
      'attempts a 2026-11-30T12:00:00.000Z',
      'attempts a 2026-11-30T12:00:00.000Z',
      'deliveries a 2026-11-30T12:00:00.000Z',
      'events a 2026-11-30T12:00:00.000Z',
      'attempts b 2026-12-06T12:00:00.000Z',
      'deliveries b 2026-12-06T12:00:00.000Z',
      'events b 2026-12-06T12:00:00.000Z',
    ]);
  });
});
