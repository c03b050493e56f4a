import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LiveView, type DataSource } from '@gateway/persistence';
import { closeTestDatabase, insertEndpoint, useTestDatabase } from '../support/endpoints';
import { freshDatabase } from '../support/gateway';
import { waitFor } from '../support/wait-for';

const countEndpoints = async (db: DataSource) =>
  (await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM endpoints`))[0].n;

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
    const view = new LiveView(
      db,
      'endpoints_changed',
      countEndpoints,
      (n) => (seen = n),
      () => undefined,
      60000,
    );
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
    const view = new LiveView(
      db,
      'endpoints_changed',
      countEndpoints,
      (n) => (seen = n),
      () => undefined,
      60000,
    );
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
    const view = new LiveView(
      db,
      'endpoints_changed',
      load,
      (n) => (seen = n),
      () => undefined,
      60000,
    );
    await view.start();
    try {
      const running = view.reload(); // reads before the insert below, then waits
      const releaseLoad = await waitFor('the second load under way', 5000, () => release, 5);
      await insertEndpoint({ url: 'http://127.0.0.1:9/c' });
      const after = view.reload();
      releaseLoad();
      await running;
      await after;
      assert.equal(loads, 3, 'a second load behind the running one');
      assert.equal(seen, await countEndpoints(db));
    } finally {
      await view.stop();
    }
  });

  it('schedules no reload once stopped (a notification still arriving while its listener closes)', async () => {
    let loads = 0;
    const view = new LiveView(
      db,
      'endpoints_changed',
      async (source) => (loads++, countEndpoints(source)),
      () => undefined,
      () => undefined,
      60000,
    );
    await view.start();
    await view.stop();
    const before = loads;
    view.scheduleReload(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(loads, before);
  });

  describe('caughtUp: current for messages whose writer made its own copy fresh first', () => {
    /** A view whose notified reloads wait a minute: only caughtUp can load them sooner. */
    class SlowDebounce<T> extends LiveView<T> {
      notified = 0;
      override scheduleReload(): void {
        this.notified++;
        super.scheduleReload(60000);
      }
    }

    /** A started view counting its loads and keeping the last count it loaded. */
    const startedView = async () => {
      const state = { loads: 0, seen: -1 };
      const load = async (source: DataSource) => {
        state.loads++;
        return countEndpoints(source);
      };
      const view = new SlowDebounce(
        db,
        'endpoints_changed',
        load,
        (n) => (state.seen = n),
        () => undefined,
        60000,
      );
      await view.start();
      return { view, state };
    };

    it('resolves without a load when no change was notified', async () => {
      const { view, state } = await startedView();
      const loads = state.loads;
      await view.caughtUp().finally(() => view.stop());
      assert.equal(state.loads, loads);
    });

    it('loads a notified change at once instead of after the debounce', async () => {
      const { view, state } = await startedView();
      try {
        const before = state.seen;
        const loads = state.loads;
        await insertEndpoint({ url: 'http://127.0.0.1:9/notified' });
        await waitFor('the change notified', 5000, () => view.notified > 0, 5);
        await view.caughtUp();
        assert.equal(state.seen, before + 1);
        assert.equal(state.loads, loads + 1, 'one load, not the debounced one as well');
      } finally {
        await view.stop();
      }
    });

    it('waits for a load under way', async () => {
      let release: (() => void) | undefined;
      let loads = 0;
      const load = async (source: DataSource) => {
        loads++;
        const n = await countEndpoints(source);
        if (loads === 2) await new Promise<void>((resolve) => (release = resolve));
        return n;
      };
      const view = new SlowDebounce(
        db,
        'endpoints_changed',
        load,
        () => undefined,
        () => undefined,
        60000,
      );
      await view.start();
      try {
        const running = view.reload();
        const releaseLoad = await waitFor('the second load under way', 5000, () => release, 5);
        let settled = false;
        const caughtUp = view.caughtUp().then(() => (settled = true));
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.equal(settled, false, 'not before the load under way is applied');
        releaseLoad();
        await running;
        await caughtUp;
        assert.equal(loads, 2, 'no load of its own');
      } finally {
        await view.stop();
      }
    });
  });
});
