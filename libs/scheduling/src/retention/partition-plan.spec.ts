import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dayOfPartition, partitionName, planPartitions } from './partition-plan';

const now = new Date('2026-12-07T13:45:00.000Z');

describe('planPartitions', () => {
  it('creates today and the days ahead on an empty table', () => {
    const plan = planPartitions({ table: 'events', existing: [], now, retentionDays: 30, aheadDays: 2 });
    assert.deepEqual(
      plan.create.map((part) => [part.name, part.from.toISOString(), part.to.toISOString()]),
      [
        ['events_p20261207', '2026-12-07T00:00:00.000Z', '2026-12-08T00:00:00.000Z'],
        ['events_p20261208', '2026-12-08T00:00:00.000Z', '2026-12-09T00:00:00.000Z'],
        ['events_p20261209', '2026-12-09T00:00:00.000Z', '2026-12-10T00:00:00.000Z'],
      ],
    );
    assert.deepEqual(plan.drop, []);
  });

  it('creates only the missing days', () => {
    const existing = ['events_p20261207', 'events_p20261209'];
    const plan = planPartitions({ table: 'events', existing, now, retentionDays: 30, aheadDays: 2 });
    assert.deepEqual(
      plan.create.map((part) => part.name),
      ['events_p20261208'],
    );
  });

  it('drops a partition only once all of it is older than the retention', () => {
    // now - 30 days = 2026-11-07T13:45Z: the 6th ends at the 7th's midnight (expired), the 7th does not.
    const existing = ['events_p20261105', 'events_p20261106', 'events_p20261107', 'events_p20261108'];
    const plan = planPartitions({ table: 'events', existing, now, retentionDays: 30, aheadDays: 0 });
    assert.deepEqual(plan.drop, ['events_p20261105', 'events_p20261106']);
  });

  it('drops the day whose end is exactly the cutoff', () => {
    const midnight = new Date('2026-12-07T00:00:00.000Z');
    const plan = planPartitions({
      table: 'events',
      existing: ['events_p20261106', 'events_p20261107'],
      now: midnight,
      retentionDays: 30,
      aheadDays: 0,
    });
    assert.deepEqual(plan.drop, ['events_p20261106']);
  });

  it('leaves the default partition, other tables and malformed names alone', () => {
    const existing = [
      'events_default',
      'deliveries_p20200101',
      'events_p20201399',
      'events_p2020010',
      'events_pold',
    ];
    const plan = planPartitions({ table: 'events', existing, now, retentionDays: 1, aheadDays: 0 });
    assert.deepEqual(plan.drop, []);
    assert.deepEqual(
      plan.create.map((part) => part.name),
      ['events_p20261207'],
    );
  });

  it('moves with the clock: a later now drops more and creates further ahead', () => {
    const first = planPartitions({ table: 'attempts', existing: [], now, retentionDays: 3, aheadDays: 1 });
    const existing = first.create.map((part) => part.name);
    const later = new Date(now.getTime() + 5 * 86_400_000);
    const plan = planPartitions({ table: 'attempts', existing, now: later, retentionDays: 3, aheadDays: 1 });
    assert.deepEqual(plan.drop, ['attempts_p20261207', 'attempts_p20261208']);
    assert.deepEqual(
      plan.create.map((part) => part.name),
      ['attempts_p20261212', 'attempts_p20261213'],
    );
  });

  it('is idempotent: the plan of an applied plan is empty', () => {
    const first = planPartitions({ table: 'deliveries', existing: [], now, retentionDays: 30, aheadDays: 7 });
    const applied = first.create.map((part) => part.name);
    assert.deepEqual(
      planPartitions({ table: 'deliveries', existing: applied, now, retentionDays: 30, aheadDays: 7 }),
      {
        create: [],
        drop: [],
      },
    );
  });

  it('crosses a year end', () => {
    const plan = planPartitions({
      table: 'events',
      existing: [],
      now: new Date('2026-12-31T23:59:59.999Z'),
      retentionDays: 30,
      aheadDays: 1,
    });
    assert.deepEqual(
      plan.create.map((part) => part.name),
      ['events_p20261231', 'events_p20270101'],
    );
  });

  it('refuses a retention or look-ahead that is not a whole count of days', () => {
    assert.throws(
      () => planPartitions({ table: 'events', existing: [], now, retentionDays: 0, aheadDays: 7 }),
      RangeError,
    );
    assert.throws(
      () => planPartitions({ table: 'events', existing: [], now, retentionDays: 1.5, aheadDays: 7 }),
      RangeError,
    );
    assert.throws(
      () => planPartitions({ table: 'events', existing: [], now, retentionDays: 30, aheadDays: -1 }),
      RangeError,
    );
  });
});

describe('partition names', () => {
  it('round-trip a day', () => {
    const day = new Date('2026-02-28T00:00:00.000Z');
    assert.equal(partitionName('events', day), 'events_p20260228');
    assert.equal(dayOfPartition('events', 'events_p20260228')?.toISOString(), day.toISOString());
  });

  it('reject an impossible date', () => {
    assert.equal(dayOfPartition('events', 'events_p20260230'), undefined);
  });
});
