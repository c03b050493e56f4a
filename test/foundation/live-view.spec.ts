import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LiveView, type DataSource } from '@gateway/persistence';
import { closeTestDatabase, insertEndpoint, useTestDatabase } from '../support/endpoints';
import { freshDatabase } from '../support/gateway';

const countEndpoints = async (db: DataSource) => (await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM endpoints`))[0].n;

describe('LiveView: an in-memory copy of a table, current on change', () => {
  let db: DataSource;

  before(async () => {
    db = await useTestDatabase(await freshDatabase());
  });

  after(async () => {
    await closeTestDatabase();
  });

  it('holds a change committed before freshFor(now) once it resolves, without waiting for the debounce', async () => {
    let seen = -1;
    const view = new LiveView(db, 'endpoints_changed', countEndpoints, (n) => (seen = n), () => undefined, 60000);
    await view.start();
    try {
      const before = seen;
      await insertEndpoint({ url: 'http://127.0.0.1:9/a' });
      await view.freshFor(Date.now());
      assert.equal(seen, before + 1);
      await insertEndpoint({ url: 'http://127.0.0.1:9/b' });
      await Promise.all([view.freshFor(Date.now()), view.freshFor(Date.now()), view.freshFor(Date.now())]);
      assert.equal(seen, before + 2, 'callers sharing one round trip all see the change');
    } finally {
      await view.stop();
    }
  });

  it('lets a message older than its last load pass at once, without waiting for a change', async () => {
    let seen = -1;
    const view = new LiveView(db, 'endpoints_changed', countEndpoints, (n) => (seen = n), () => undefined, 60000);
    await view.start();
    try {
      const before = seen;
      await insertEndpoint({ url: 'http://127.0.0.1:9/old' });
      await view.freshFor(Date.now() - 60000);
      assert.equal(seen, before, 'a message produced before the change does not wait for it');
      await view.freshFor(Date.now());
      assert.equal(seen, before + 1);
    } finally {
      await view.stop();
    }
  });

  it('loads once more when a change lands while a load is running, instead of joining it', async () => {
    let release: (() => void) | undefined;
    let loads = 0;
    let seen = -1;
    const load = async (source: DataSource) => {
      loads++;
      const n = await countEndpoints(source);
      if (loads === 2) await new Promise<void>((resolve) => (release = resolve));
      return n;
    };
    const view = new LiveView(db, 'endpoints_changed', load, (n) => (seen = n), () => undefined, 60000);
    await view.start();
    try {
      const running = view.reload(); // reads before the insert below, then waits
      while (!release) await new Promise((resolve) => setTimeout(resolve, 5));
      await insertEndpoint({ url: 'http://127.0.0.1:9/c' });
      const after = view.reload();
      release();
      await running;
      await after;
      assert.equal(loads, 3, 'a second load behind the running one');
      assert.equal(seen, await countEndpoints(db));
    } finally {
      await view.stop();
    }
  });
});
