import type { DeliveryTask, RetryTask } from '@gateway/schemas';

/**
 * The endpoint takes no attempt until `until` (its circuit is open, or its secrets do not open:
 * `reason`): the task waits in the retry scheduler until then, spread over a fifth of the wait, so
 * the endpoint's backlog does not all come due at once.
 */
export function admissionRetry(
  task: DeliveryTask,
  admission: { until: number; reason: string },
  now: number,
  random: () => number,
): RetryTask {
  const { until, reason } = admission;
  const dueAt = until + Math.round(0.2 * Math.max(1000, until - now) * random());
  return { task, dueAt, lastError: reason, lastStatusCode: null };
}

/**
 * The endpoint's queue is full: the task waits in the retry scheduler instead of in memory, for
 * about as long as the queue needs to drain (1 s to 5 min, jittered), so an endpoint that gets more
 * than it can take does not bounce the excess through the scheduler every second.
 */
export function queueFullRetry(
  task: DeliveryTask,
  drainEstimateMs: number,
  now: number,
  random: () => number,
): RetryTask {
  const delayMs = Math.min(300_000, Math.max(1000, drainEstimateMs)) * (0.8 + 0.4 * random());
  return { task, dueAt: now + Math.round(delayMs), lastError: 'endpoint queue full', lastStatusCode: null };
}
