import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';
import type { Database } from './sql';

/**
 * One transaction around a piece of work that spans several repositories, without passing a
 * manager through every call: while `run` is under way, every repository built over this unit's
 * `database` runs its statements in that transaction, and a repository's own `transaction` joins
 * it. Outside `run`, statements go to the data source as before.
 *
 * The api wraps each audited change in one (the change and its audit entry commit together, ADR
 * 0025). Work inside it must reach PostgreSQL only through the repositories: another connection
 * taken meanwhile from the pool could wait on this one's locks, or on a pool this one exhausts.
 */
export class UnitOfWork {
  private readonly current = new AsyncLocalStorage<EntityManager>();
  /** What the repositories are built over. */
  readonly database: Database;

  constructor(private readonly dataSource: Pick<DataSource, 'query' | 'transaction'>) {
    const current = this.current;
    this.database = {
      query: <T>(sql: string, params?: unknown[]) => {
        const manager = current.getStore();
        return manager ? manager.query<T>(sql, params) : dataSource.query<T>(sql, params);
      },
      transaction: <T>(work: (manager: EntityManager) => Promise<T>) => {
        const manager = current.getStore();
        return manager ? work(manager) : dataSource.transaction(work);
      },
    };
  }

  /** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.current.getStore()) return work();
    return this.dataSource.transaction((manager) => this.current.run(manager, work));
  }
}
