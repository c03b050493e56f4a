import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EntityManager } from 'typeorm';
import { UnitOfWork } from './unit-of-work';

/** A data source that says where each statement ran: `pool`, or the transaction it opened. */
function fakeDataSource() {
  const ran: string[] = [];
  let opened = 0;
  const dataSource = {
    query: (sql: string) => {
      ran.push(`pool:${sql}`);
      return Promise.resolve([]);
    },
    transaction: async <T>(work: (manager: EntityManager) => Promise<T>): Promise<T> => {
      const name = `tx${++opened}`;
      const manager = {
        query: (sql: string) => {
          ran.push(`${name}:${sql}`);
          return Promise.resolve([]);
        },
      } as unknown as EntityManager;
      return work(manager);
    },
  };
  return { dataSource, ran, opened: () => opened };
}

describe('UnitOfWork', () => {
  it('runs statements on the pool outside a unit', async () => {
    const { dataSource, ran } = fakeDataSource();
    const unit = new UnitOfWork(dataSource as never);
    await unit.database.query('a');
    assert.deepEqual(ran, ['pool:a']);
  });

  it('runs every statement of the work, through any repository, in one transaction', async () => {
    const { dataSource, ran, opened } = fakeDataSource();
    const unit = new UnitOfWork(dataSource as never);
    await unit.run(async () => {
      await unit.database.query('change');
      // A repository's own transaction joins the unit's instead of opening a second one.
      await unit.database.transaction((manager) => manager.query('inner'));
      await new Promise((resolve) => setImmediate(resolve));
      await unit.database.query('audit');
    });
    assert.deepEqual(ran, ['tx1:change', 'tx1:inner', 'tx1:audit']);
    assert.equal(opened(), 1);
  });

  it('keeps concurrent units apart', async () => {
    const { dataSource, ran } = fakeDataSource();
    const unit = new UnitOfWork(dataSource as never);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = unit.run(async () => {
      await held;
      await unit.database.query('first');
    });
    await unit.run(() => unit.database.query('second'));
    release();
    await first;
    assert.deepEqual(ran, ['tx2:second', 'tx1:first']);
  });

  it('a nested run joins the outer unit', async () => {
    const { dataSource, ran, opened } = fakeDataSource();
    const unit = new UnitOfWork(dataSource as never);
    await unit.run(() => unit.run(() => unit.database.query('nested')));
    assert.deepEqual(ran, ['tx1:nested']);
    assert.equal(opened(), 1);
  });
});
