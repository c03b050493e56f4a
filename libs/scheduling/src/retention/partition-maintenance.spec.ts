import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  PartitionMaintenance,
  type MaintainedTable,
  type MaintenanceReport,
  type PartitionMaintenancePorts,
} from './partition-maintenance';

/** An in-memory catalog: each table's partitions, what each call did, and a lock other instances may hold. */
class FakeCatalog {
  readonly partitions = new Map<MaintainedTable, { name: string; detachPending: boolean }[]>([
    ['events', []],
    ['deliveries', []],
    ['attempts', []],
  ]);
  readonly detached: string[] = [];
  readonly calls: string[] = [];
  /** Rows in each table's default partition, by ISO day. */
  readonly defaultRows = new Map<string, number>();
  lockedElsewhere = false;

  ports(now: () => Date, failed: (error: unknown) => void = () => undefined): PartitionMaintenancePorts {
    return {
      exclusively: async (pass) => {
        if (this.lockedElsewhere) return false;
        await pass();
        return true;
      },
      list: (table) =>
        Promise.resolve({
          partitions: [...(this.partitions.get(table) ?? [])],
          detached: this.detached.filter((name) => name.startsWith(`${table}_p`)),
        }),
      create: (table, name, from) => {
        this.calls.push(`create ${name}`);
        this.partitions.get(table)?.push({ name, detachPending: false });
        const day = from.toISOString().slice(0, 10);
        const moved = this.defaultRows.get(`${table} ${day}`) ?? 0;
        this.defaultRows.delete(`${table} ${day}`);
        return Promise.resolve(moved);
      },
      drop: (table, name) => {
        this.calls.push(`drop ${name}`);
        this.remove(table, name);
        return Promise.resolve();
      },
      finalize: (table, name) => {
        this.calls.push(`finalize ${name}`);
        this.remove(table, name);
        return Promise.resolve();
      },
      dropDetached: (name) => {
        this.calls.push(`drop detached ${name}`);
        this.detached.splice(this.detached.indexOf(name), 1);
        return Promise.resolve();
      },
      now,
      failed,
      done: () => undefined,
    };
  }

  names(table: MaintainedTable): string[] {
    return (this.partitions.get(table) ?? []).map((entry) => entry.name).sort();
  }

  private remove(table: MaintainedTable, name: string): void {
    const list = this.partitions.get(table) ?? [];
    list.splice(
      list.findIndex((entry) => entry.name === name),
      1,
    );
  }
}

const settings = { retentionDays: 30, aheadDays: 7, intervalMs: 3_600_000 };

describe('PartitionMaintenance', () => {
  it('creates today and 7 days ahead for each table, then nothing more on the same day', async () => {
    const catalog = new FakeCatalog();
    const job = new PartitionMaintenance(
      catalog.ports(() => new Date('2026-12-07T10:00:00Z')),
      settings,
    );
    const first = await job.runOnce();
    assert.equal(first.ran, true);
    assert.equal(first.created.length, 24);
    assert.deepEqual(catalog.names('events'), [
      'events_p20261207',
      'events_p20261208',
      'events_p20261209',
      'events_p20261210',
      'events_p20261211',
      'events_p20261212',
      'events_p20261213',
      'events_p20261214',
    ]);
    assert.deepEqual(await job.runOnce(), { ran: true, created: [], dropped: [], moved: 0 });
  });

  it('drops a partition once its whole day is older than the retention, as the injected clock moves on', async () => {
    const catalog = new FakeCatalog();
    let now = new Date('2026-12-07T10:00:00Z');
    const job = new PartitionMaintenance(
      catalog.ports(() => now),
      settings,
    );
    await job.runOnce();
    now = new Date('2027-01-06T23:59:59Z'); // 20261207 ends 30 days before 2027-01-07T00:00
    assert.deepEqual((await job.runOnce()).dropped, []);
    now = new Date('2027-01-07T00:00:00Z');
    const report = await job.runOnce();
    assert.deepEqual(report.dropped, ['events_p20261207', 'deliveries_p20261207', 'attempts_p20261207']);
    assert.ok(!catalog.names('events').includes('events_p20261207'));
    assert.ok(
      catalog.names('events').includes('events_p20270114'),
      'and created the days ahead of the new today',
    );
  });

  it('moves rows the default partition holds for a day it creates, and counts them', async () => {
    const catalog = new FakeCatalog();
    catalog.defaultRows.set('deliveries 2026-12-09', 5);
    const report = await new PartitionMaintenance(
      catalog.ports(() => new Date('2026-12-07T10:00:00Z')),
      settings,
    ).runOnce();
    assert.equal(report.moved, 5);
    assert.equal(catalog.defaultRows.size, 0);
  });

  it('finishes a detach a crash left half-done, and drops a table left detached', async () => {
    const catalog = new FakeCatalog();
    catalog.partitions.get('attempts')?.push({ name: 'attempts_p20261201', detachPending: true });
    catalog.detached.push('events_p20261130');
    const report = await new PartitionMaintenance(
      catalog.ports(() => new Date('2026-12-07T10:00:00Z')),
      settings,
    ).runOnce();
    assert.ok(catalog.calls.includes('finalize attempts_p20261201'));
    assert.ok(catalog.calls.includes('drop detached events_p20261130'));
    assert.ok(report.dropped.includes('attempts_p20261201'));
    assert.deepEqual(catalog.detached, []);
  });

  it('does nothing while another instance holds the lock', async () => {
    const catalog = new FakeCatalog();
    catalog.lockedElsewhere = true;
    const report = await new PartitionMaintenance(
      catalog.ports(() => new Date('2026-12-07T10:00:00Z')),
      settings,
    ).runOnce();
    assert.deepEqual(report, { ran: false, created: [], dropped: [], moved: 0 } satisfies MaintenanceReport);
    assert.deepEqual(catalog.calls, []);
  });

  it('reports a failed pass to `failed` and stops cleanly', async () => {
    const catalog = new FakeCatalog();
    let reported!: (error: unknown) => void;
    const failure = new Promise<unknown>((resolve) => (reported = resolve));
    const ports = catalog.ports(
      () => new Date('2026-12-07T10:00:00Z'),
      (error) => reported(error),
    );
    const job = new PartitionMaintenance(
      { ...ports, list: () => Promise.reject(new Error('database down')) },
      settings,
    );
    job.start();
    assert.equal(((await failure) as Error).message, 'database down');
    await job.stop();
  });
});
