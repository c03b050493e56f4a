export {
  retryPolicy,
  type RetryPolicy,
  defaultRetrySchedule,
  maxAttemptsOf,
  nextAttemptDelayMs,
} from './retry-policy';
export { parseRetryAfter } from './retry-after';
export {
  classifyOutcome,
  defaultRetryAfterCapMs,
  type AttemptResult,
  type AttemptOutcome,
} from './classify-outcome';
export { decideNextStep, type NextStep, type DeadLetterReason } from './decide-next-step';
