/**
 * Admission of fetched tasks (backpressure): the consumer's `accept` waits while `maxInFlight`
 * tasks are held. Tasks of ordered endpoints count apart: a failing ordered head holds its
 * endpoint's later tasks, and counted with the rest they stopped every endpoint once enough had
 * gathered. Each ordered backlog is bounded instead by pausing its partition.
 */
export class InFlightGate<T extends object> {
  private held = 0;
  private ordered = 0;
  private readonly orderedTasks = new WeakSet<T>();
  private waiters: (() => void)[] = [];

  constructor(private readonly maxInFlight: number) {}

  /** Every task held (ordered ones too). */
  count(): number {
    return this.held;
  }

  orderedCount(): number {
    return this.ordered;
  }

  closed(): boolean {
    return this.held - this.ordered >= this.maxInFlight;
  }

  enter(): void {
    this.held++;
  }

  /** The task belongs to an ordered endpoint: it no longer counts toward the gate. */
  markOrdered(task: T): void {
    this.orderedTasks.add(task);
    this.ordered++;
  }

  /** The task is settled: frees its place and wakes the waiters if the gate opened. */
  leave(task: T): void {
    this.held--;
    if (this.orderedTasks.delete(task)) this.ordered--;
    if (!this.closed()) this.wake();
  }

  /** Resolves when the gate opens, or at `wake` (shutdown). */
  opened(): Promise<void> {
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}
