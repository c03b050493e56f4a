import { failureKind } from '@gateway/kafka';
import { metrics, type Logger } from '@gateway/observability';
import type { AttemptRow } from '@gateway/persistence';
import type { DeadLetterReason } from '@gateway/retry';
import type { DeadLetter } from '@gateway/schemas';
import { attemptRow, type CompletedAttempt } from './attempt';
import type { Clock } from './clock';
import type { DispatcherPorts } from './dispatcher-ports';
import { isOperationalEvent } from './operational-events';
import type { DurableWrites } from './durable-writes';
import type { EndpointHealth } from './endpoint-health';
import type { DispatchOutcome } from './outcome';

type FollowUpPorts = Pick<DispatcherPorts, 'record' | 'scheduleRetry' | 'deadLetter' | 'emitOperational'>;

/**
 * Applies a completed attempt's next step durably: the one place that turns a step into commit,
 * retry hand-off, dead letter or disabling the endpoint. Each write is acknowledged before the
 * attempt is recorded, so a recorded attempt means its follow-up is safe (the copy guard relies
 * on it).
 */
export class FollowUp {
  constructor(
    private readonly ports: FollowUpPorts,
    private readonly health: EndpointHealth,
    private readonly writes: DurableWrites,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async apply(completed: CompletedAttempt): Promise<DispatchOutcome> {
    const { step, task } = completed;
    switch (step.kind) {
      case 'delivered':
        metrics.endToEndLatency.observe(Math.max(0, this.clock.now() - task.publishedAt) / 1000);
        await this.record(attemptRow(completed, 'delivered', null));
        return 'delivered';
      case 'retry':
        await this.writes.write(() =>
          this.ports.scheduleRetry(
            {
              task: { ...task, attempt: task.attempt + 1 },
              dueAt: step.dueAt,
              lastError: completed.failure,
              lastStatusCode: completed.result.statusCode,
            },
            completed.traceparent,
          ),
        );
        await this.record(attemptRow(completed, 'retrying', new Date(step.dueAt)));
        return 'retry-scheduled';
      case 'disable-endpoint':
        await this.health.disable(completed.endpoint, { kind: 'gone', deliveryId: task.deliveryId });
        return this.deadLetter(completed, 'gone');
      case 'dead-letter':
        return this.deadLetter(completed, step.reason);
    }
  }

  /** An ordered endpoint's retry happens in place (its later tasks wait): only the attempt is recorded. */
  async retryInPlace(completed: CompletedAttempt, dueAt: number): Promise<void> {
    await this.record(attemptRow(completed, 'retrying', new Date(dueAt)));
  }

  private async deadLetter(
    completed: CompletedAttempt,
    reason: DeadLetterReason | 'gone',
  ): Promise<DispatchOutcome> {
    const { task, failure: lastError } = completed;
    const lastStatusCode = completed.result.statusCode;
    const letter: DeadLetter = {
      task,
      deadAt: new Date(this.clock.now()).toISOString(),
      lastError,
      lastStatusCode,
      attempts: task.attempt,
    };
    await this.writes.write(() => this.ports.deadLetter(letter, completed.traceparent));
    metrics.deadLetters.inc({ reason });
    // Not for operational events themselves, so a failing operator endpoint cannot feed a loop.
    if (!isOperationalEvent(task.event.type)) {
      await this.writes.write(() =>
        this.ports.emitOperational('delivery.exhausted', {
          deliveryId: task.deliveryId,
          endpointId: task.endpointId,
          eventId: task.event.id,
          eventType: task.event.type,
          attempts: task.attempt,
          lastError,
          lastStatusCode,
          reason,
        }),
      );
    }
    await this.record(attemptRow(completed, 'dead', null));
    return 'dead-lettered';
  }

  /**
   * Records an attempt. Should PostgreSQL refuse the row for its content (what a receiver answered
   * is made storable when read, so this is a last resort), it is stored without the receiver's
   * texts: the attempt and the delivery's status are on record either way (ADR 0018).
   */
  private async record(row: AttemptRow): Promise<void> {
    try {
      await this.writes.write(() => this.ports.record(row));
    } catch (error) {
      if (this.writes.stopping() || failureKind(error) !== 'message') throw error;
      this.logger.error(
        { err: error, deliveryId: row.deliveryId },
        "attempt refused by PostgreSQL; recording it without the receiver's answer",
      );
      await this.writes.write(() =>
        this.ports.record({
          ...row,
          responseBody: null,
          error: row.error === null ? null : 'the error could not be stored',
        }),
      );
    }
  }
}
