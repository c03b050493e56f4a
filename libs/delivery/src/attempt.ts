import { metrics, SpanKind, startHopSpan, type HopSpan } from '@gateway/observability';
import type { AttemptRow, EndpointTargetRow } from '@gateway/persistence';
import { decideNextStep, type NextStep } from '@gateway/retry';
import type { DeliveryTask } from '@gateway/schemas';
import type { Clock } from './clock';
import type { SendResult, SignedMessage } from './destinations/destination';
import type { DispatcherPorts } from './dispatcher-ports';
import { targetOf, type DeliveryTarget } from './destinations/registry';
import { signMessage } from './outbound-request';

/**
 * One attempt moves through three typed stages: prepared (signed, its span started), called (the
 * destination's answer) and completed (the next step decided). A failure before the attempt is a
 * `Preparation` that cancels; a receiver's failure is a result, not an exception.
 */
export interface PreparedAttempt {
  task: DeliveryTask;
  endpoint: EndpointTargetRow;
  target: DeliveryTarget;
  message: SignedMessage;
  span: HopSpan;
}

export type Preparation = { kind: 'ready'; attempt: PreparedAttempt } | { kind: 'cancel'; reason: string };

export interface CalledAttempt {
  prepared: PreparedAttempt;
  startedAt: Date;
  result: SendResult;
}

export interface CompletedAttempt {
  task: DeliveryTask;
  endpoint: EndpointTargetRow;
  step: NextStep;
  result: SendResult;
  startedAt: Date;
  /** Why the attempt failed, as the retry, the dead letter and the attempt log say it. */
  failure: string;
  /** The attempt's span: a retry or dead letter continues the trace from it. */
  traceparent: string | undefined;
}

/** Signs the task for the endpoint with its secrets active at `now`; none active cancels it. */
export function prepareAttempt(input: {
  task: DeliveryTask;
  endpoint: EndpointTargetRow;
  traceparent: string | undefined;
  now: number;
}): Preparation {
  const { task, endpoint, now } = input;
  const secrets = endpoint.secrets
    .filter((secret) => secret.expiresAt === null || Date.parse(secret.expiresAt) > now)
    .map((secret) => secret.key);
  if (secrets.length === 0) return { kind: 'cancel', reason: 'endpoint has no signing secret' };
  const span = startHopSpan(
    'deliver',
    input.traceparent,
    {
      'gateway.event.id': task.event.id,
      'gateway.endpoint.id': task.endpointId,
      'gateway.delivery.id': task.deliveryId,
      'gateway.attempt': task.attempt,
    },
    SpanKind.CLIENT,
  );
  const message = signMessage({
    task,
    secrets,
    traceparent: span.traceparent,
    nowSeconds: Math.floor(now / 1000),
  });
  return { kind: 'ready', attempt: { task, endpoint, target: targetOf(endpoint), message, span } };
}

/**
 * Calls the destination, timed by `clock` from the call to its answer: the attempt's duration (its
 * metric and its record) is that call alone, whatever the sender measured inside it. The wait
 * before it is `gateway_delivery_queue_seconds` (`Arrivals`).
 */
export async function callAttempt(
  prepared: PreparedAttempt,
  destination: Pick<DispatcherPorts, 'deliver'>,
  clock: Clock,
): Promise<CalledAttempt> {
  const started = clock.now();
  const result = await destination.deliver(prepared.target, prepared.message);
  const durationMs = Math.max(0, Math.round(clock.now() - started));
  return { prepared, startedAt: new Date(started), result: { ...result, durationMs } };
}

/** Decides the next step from the destination's answer, and ends the attempt's span. */
export function completeAttempt(called: CalledAttempt, now: number, random: () => number): CompletedAttempt {
  const { prepared, result, startedAt } = called;
  const { task, endpoint, span } = prepared;
  const step = decideNextStep(result, task.attempt, endpoint.retryPolicy, now, random);
  span.end(
    step.kind,
    step.kind === 'delivered' ? undefined : (result.errorDetail ?? `HTTP ${result.statusCode}`),
  );
  metrics.attemptDuration.observe(
    { outcome: step.kind === 'delivered' ? 'success' : 'failure' },
    result.durationMs / 1000,
  );
  const failure =
    result.errorDetail ?? (result.statusCode === null ? 'no response' : `HTTP ${result.statusCode}`);
  return { task, endpoint, step, result, startedAt, failure, traceparent: span.traceparent };
}

/** The attempt log's row, with the delivery's status after it. */
export function attemptRow(
  completed: CompletedAttempt,
  status: AttemptRow['status'],
  nextAttemptAt: Date | null,
): AttemptRow {
  const { task, result } = completed;
  return {
    deliveryId: task.deliveryId,
    attempt: task.attempt,
    startedAt: completed.startedAt,
    durationMs: result.durationMs,
    statusCode: result.statusCode,
    error: completed.step.kind === 'delivered' ? null : completed.failure,
    responseBody: result.responseBody,
    status,
    nextAttemptAt,
    eventReceivedAt: task.acceptedAt === undefined ? null : new Date(task.acceptedAt),
  };
}
