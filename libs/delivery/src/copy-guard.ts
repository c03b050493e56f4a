import type { Clock } from './clock';
import type { DispatcherPorts } from './dispatcher-ports';
import type { DurableWrites } from './durable-writes';
import { finished, type DispatchOutcome, type Finishing, type Job } from './outcome';

/**
 * A first attempt produced this long before the consumer joined its group is looked up before it
 * is sent (it may be a re-read). Newer ones cannot have been attempted by an earlier generation;
 * the margin absorbs clock skew between the router's and this process's clocks (skew only moves
 * which tasks pay a lookup, never whether one is sent).
 */
const REREAD_SLACK_MS = 1000;

/**
 * Keeps a copy of a task from being attempted twice. A copy arrives when Kafka re-sends what was
 * not committed (a rebalance, a restart) or the retry scheduler sends a retry twice. A copy of a
 * task under way here waits for the original's durable follow-up; a copy of an attempt an earlier
 * run already made is found in the attempt records.
 */
export class CopyGuard {
  /** Attempts under way, by delivery and attempt number: each one's durable follow-up. */
  private readonly attempting = new Map<string, Promise<DispatchOutcome>>();
  /** When the consumer last joined its group: a first attempt produced before it may be a re-read. */
  private joinedAt = 0;

  constructor(
    private readonly ports: Pick<DispatcherPorts, 'endpoint' | 'recordedAttempt'>,
    private readonly writes: DurableWrites,
    private readonly clock: Clock,
  ) {}

  rejoined(): void {
    this.joinedAt = this.clock.now();
  }

  /** Runs `attempt` for the job unless it is a copy; a copy finishes as a duplicate. */
  run(job: Job, attempt: () => Promise<Finishing>): Promise<Finishing> {
    const key = `${job.value.deliveryId}\u0000${job.value.attempt}`;
    // A copy of a task under way is not sent, but completes only once the original's follow-up is
    // durable (and never if that fails): completing it at once let its offset be committed past
    // the original while it was still in flight, so a crash then lost the original's retry.
    const original = this.attempting.get(key);
    if (original) return Promise.resolve({ done: original.then(() => 'duplicate' as const) });
    const finishing = this.unlessMadeBefore(job, attempt);
    // Registered in this turn, before the attempt lookup, so two copies arriving together are not both sent.
    const followUp = finishing.then((result) => result.done);
    this.attempting.set(key, followUp);
    const forget = () => void this.attempting.delete(key);
    followUp.then(forget, forget);
    return finishing;
  }

  /**
   * The attempt, unless an earlier run of the dispatcher already made it. A task may be such a
   * copy when it is a retry (the scheduler may send one twice) or was produced before the
   * consumer joined (Kafka re-sends what was not committed, after a restart or a rebalance).
   */
  private async unlessMadeBefore(job: Job, attempt: () => Promise<Finishing>): Promise<Finishing> {
    const { deliveryId, attempt: number, endpointId, acceptedAt } = job.value;
    const mayBeCopy = number > 1 || job.timestamp < this.joinedAt - REREAD_SLACK_MS;
    if (!mayBeCopy) return attempt();
    const status = await this.writes.read(() => this.ports.recordedAttempt(deliveryId, number, acceptedAt));
    return this.madeBefore(endpointId, status) ? finished('duplicate') : attempt();
  }

  /**
   * Whether a recorded attempt (`status`: its delivery's status now) needs nothing more from this
   * task. An unordered endpoint's follow-up (retry hand-off, dead letter) is durable before the
   * attempt is recorded, so the record is enough. An ordered endpoint retries in place, in memory:
   * unless its delivery is finished for good, that retry was lost with the process.
   */
  private madeBefore(endpointId: string, status: string | undefined): boolean {
    if (status === undefined) return false;
    return !this.ports.endpoint(endpointId)?.ordered || status === 'delivered' || status === 'dead';
  }
}
