import type { AttemptRow, EndpointTargetRow } from '@gateway/persistence';
import type { DeadLetter, RetryTask } from '@gateway/schemas';
import type { SendResult, SignedMessage } from './destinations/destination';
import type { DeliveryTarget } from './destinations/registry';
import type { OperationalEventData, OperationalEventType } from './operational-events';

/** The I/O a dispatch needs; each is a boundary the tests cross with real servers. */
export interface DispatcherPorts {
  endpoint(id: string): EndpointTargetRow | undefined;
  /** Resolves once the endpoints hold every change committed before the call. */
  catchUpEndpoints(): Promise<void>;
  /** Sends one attempt through the sender of the target's kind (`Destinations.deliver`). */
  deliver(target: DeliveryTarget, message: SignedMessage): Promise<SendResult>;
  record(row: AttemptRow): Promise<void>;
  cancel(deliveryId: string): Promise<void>;
  scheduleRetry(retry: RetryTask, traceparent: string | undefined): Promise<void>;
  deadLetter(letter: DeadLetter, traceparent: string | undefined): Promise<void>;
  /** Disables the endpoint and cancels its pending retries (persistence's `disableEndpoint`). */
  disableEndpoint(endpointId: string, reason: string): Promise<void>;
  /**
   * When this attempt of the delivery was already recorded: the delivery's status now; else
   * undefined. `acceptedAt` (the task's, when it has one) lets the lookup read only its partitions.
   */
  recordedAttempt(
    deliveryId: string,
    attempt: number,
    acceptedAt: number | undefined,
  ): Promise<string | undefined>;
  setFailing(endpointId: string, failing: boolean): Promise<void>;
  /** Publishes an operational event (endpoint.disabled, endpoint.recovered, delivery.exhausted) to the events topic. */
  emitOperational(type: OperationalEventType, data: OperationalEventData): Promise<void>;
  /**
   * Stops fetching one partition of the deliveries topic, and starts it again: an ordered
   * endpoint's backlog is full, and its tasks cannot go to the retry topic without losing their
   * order. Called again while the backlog stays full (idempotent). Absent: never paused.
   */
  pausePartition?(partition: number): void;
  resumePartition?(partition: number): void;
}
