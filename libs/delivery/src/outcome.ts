import type { TrackedMessage } from '@gateway/kafka';
import type { DeliveryTask } from '@gateway/schemas';

/** A delivery task as the dispatcher holds it: completed (or rejected) once settled. */
export type Job = TrackedMessage<DeliveryTask>;

/**
 * What happened to a delivery task, one thing each; also the `outcome` label of
 * `gateway_deliveries_total`.
 * - `delivered`: an attempt got a 2xx.
 * - `retry-scheduled`: an attempt failed; its next attempt waits in the retry scheduler.
 * - `dead-lettered`: an attempt failed for good (exhausted, blocked, invalid, 410 Gone).
 * - `deferred`: no attempt; the task waits in the retry scheduler (circuit open, queue full).
 * - `duplicate`: a copy of a task already attempted or under way; nothing sent.
 * - `cancelled`: the endpoint is deleted, disabled or has no signing secret; nothing sent.
 */
export type DispatchOutcome =
  'delivered' | 'retry-scheduled' | 'dead-lettered' | 'deferred' | 'duplicate' | 'cancelled';

/** A task whose attempt is over; `done` settles when its durable follow-up has. */
export interface Finishing {
  done: Promise<DispatchOutcome>;
  /** An attempt was made (not a copy, a cancel or a hand-off): its time counts toward the drain estimate. */
  attempted?: boolean;
}

export const finished = (outcome: DispatchOutcome): Finishing => ({ done: Promise.resolve(outcome) });
