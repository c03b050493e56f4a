import type { DataSource } from 'typeorm';
import { listenForChanges, type ChangeListener } from './change-listener';

/** How far a message's timestamp may trail the clock of whoever changed the table (clock skew). */
const SKEW_MS = 1000;

/**
 * Runs a task so that each caller's promise settles after a run that started after the call: while
 * one runs, one more is queued behind it, shared by every caller meanwhile.
 */
class RunAfterCall {
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(private readonly task: () => Promise<void>) {}

  run(): Promise<void> {
    // Between a run's end and the queued one's start, `running` is already cleared: join the queue.
    if (this.queued) return this.queued;
    if (!this.running) return this.start();
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.start();
      });
    return this.queued;
  }

  /** The last run started or queued, if any. */
  latest(): Promise<void> | undefined {
    return this.queued ?? this.running;
  }

  private start(): Promise<void> {
    const run = this.task().finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }
}

/**
 * Runs a task once, `delayMs` after the first of a burst of calls; `now` runs it at once instead of
 * at the end of the wait. Once stopped, nothing more is scheduled.
 */
class Debounced {
  private pending: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly task: () => void) {}

  /** False once stopped (nothing scheduled). */
  schedule(delayMs: number): boolean {
    if (this.stopped) return false;
    this.pending ??= setTimeout(() => {
      this.pending = undefined;
      this.task();
    }, delayMs);
    return true;
  }

  /** Drops the scheduled run (the caller runs the task itself now). */
  cancel(): void {
    clearTimeout(this.pending);
    this.pending = undefined;
  }

  stop(): void {
    this.stopped = true;
    this.cancel();
  }
}

/**
 * An in-memory copy of some table data: loaded at start, reloaded when PostgreSQL NOTIFYs a change
 * (debounced), on demand, and every `safetyReloadMs` in case a notification was missed. A failed
 * reload keeps the last copy.
 */
export class LiveView<T> {
  private listener: ChangeListener | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Stopped with the view: a notification still arriving while the listener closes schedules nothing. */
  private readonly debounced = new Debounced(() => void this.reload().catch(this.onError));
  private readonly loads = new RunAfterCall(() => this.loadOnce());
  private readonly syncs = new RunAfterCall(() => this.syncOnce());
  /** A change was notified (or a load failed) and no load started since. */
  private stale = false;
  /** Every change committed before this time (local clock) is in the copy. */
  private freshAsOf = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly channel: 'endpoints_changed' | 'sources_changed' | 'event_types_changed',
    private readonly load: (dataSource: DataSource) => Promise<T>,
    private readonly onLoad: (value: T) => void,
    private readonly onError: (error: unknown) => void,
    private readonly safetyReloadMs = 30000,
  ) {}

  async start(): Promise<void> {
    this.listener = await listenForChanges(this.dataSource, this.channel, () => this.scheduleReload());
    await this.reload();
    this.timer = setInterval(() => this.scheduleReload(), this.safetyReloadMs);
  }

  async stop(): Promise<void> {
    this.debounced.stop();
    clearInterval(this.timer);
    await this.listener?.close();
  }

  /**
   * Reloads: resolves once a load that started after this call has been applied. A load already
   * running may have read before the change that asked for this one, so one more is queued behind
   * it (shared by every caller meanwhile).
   */
  reload(): Promise<void> {
    return this.loads.run();
  }

  scheduleReload(delayMs = 20): void {
    if (this.debounced.schedule(delayMs)) this.stale = true;
  }

  /**
   * Without a round trip: loads at once a change already notified (skipping the debounce), or waits
   * for the load under way. Enough for messages written by a process that made its own copy fresh
   * first (the router's `freshFor`): the notification reached every listener then, this one too.
   */
  caughtUp(): Promise<void> {
    if (!this.stale) return this.loads.latest() ?? Promise.resolve();
    this.debounced.cancel();
    return this.reload();
  }

  /**
   * Makes the copy hold every change committed before a message stamped `timestampMs` was
   * produced: the writer of a message that depends on a change (an event published right after
   * its endpoint was created) committed that change first. Older messages pass at once; newer
   * ones wait for a round trip on the listening connection and any reload it brings. Rejects when
   * PostgreSQL cannot be reached, so the caller retries rather than decides on a stale copy.
   */
  async freshFor(timestampMs: number): Promise<void> {
    if (timestampMs < this.freshAsOf - SKEW_MS) return;
    return this.syncs.run();
  }

  private async syncOnce(): Promise<void> {
    const started = Date.now();
    if (await this.listener?.sync()) {
      // The notifications are in.
      await this.caughtUp();
    } else {
      // Not listening (reconnecting): only a full load started now is known to be fresh.
      await this.reload();
    }
    this.freshAsOf = Math.max(this.freshAsOf, started);
  }

  private async loadOnce(): Promise<void> {
    // A load reads every change committed before it started.
    const started = Date.now();
    this.stale = false;
    try {
      this.onLoad(await this.load(this.dataSource));
      this.freshAsOf = Math.max(this.freshAsOf, started);
    } catch (error) {
      this.stale = true;
      throw error;
    }
  }
}
