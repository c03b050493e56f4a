import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { traceHeaders, type ValidatingConsumer } from '@gateway/kafka';
import { metrics } from '@gateway/observability';
import { RetriesRepository } from '@gateway/persistence';
import { CONFIG, ConsumerHost } from '@gateway/platform';
import { RetryIntake, RetryScheduler } from '@gateway/scheduling';
import { deliveryTask, retryTask, stringifyJson, type DeliveryTask } from '@gateway/schemas';
import type { AppConfig } from './config';

/** Consumes `webhooks.retries` into PostgreSQL (offsets commit after the insert, soon-due retries first) and fires them when due. */
@Injectable()
export class RetriesConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer: ValidatingConsumer | undefined;
  private scheduler: RetryScheduler | undefined;
  private intake: RetryIntake | undefined;
  private sampler: NodeJS.Timeout | undefined;
  private readonly owner = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;

  constructor(
    @Inject(CONFIG) private readonly config: AppConfig,
    private readonly host: ConsumerHost,
    private readonly retries: RetriesRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { config, retries, owner } = this;
    const lease = config.SCHEDULER_LEASE_MS;
    this.scheduler = new RetryScheduler(
      {
        claimDue: (limit) => retries.claimDue(owner, lease, config.SCHEDULER_WINDOW_MS, limit),
        emit: (items) =>
          this.host.producer.produce(
            deliveryTask,
            // Read back from the task column, which only validated tasks are written to.
            items.map(({ task, traceparent }) => ({
              value: task as DeliveryTask,
              headers: traceHeaders(traceparent ?? undefined),
            })),
          ),
        deleteFired: (keys) => retries.deleteFired(keys),
        renew: (keys) => retries.renewLeases(owner, keys, lease),
      },
      {
        windowMs: config.SCHEDULER_WINDOW_MS,
        leaseMs: lease,
        pollMs: config.SCHEDULER_POLL_MS,
        batch: config.SCHEDULER_BATCH,
      },
      this.host.logger,
    );
    const scheduler = this.scheduler;
    scheduler.start();
    const intake = new RetryIntake(
      {
        store: (rows) =>
          retries.insert(rows, { owner, leaseMs: lease, windowMs: config.SCHEDULER_WINDOW_MS }),
        adopt: (claimed) => scheduler.adopt(claimed),
        now: Date.now,
        onStoreError: (error) => this.host.logger.warn({ err: error }, 'storing retries failed; retrying'),
      },
      { windowMs: config.SCHEDULER_WINDOW_MS, maxBackground: config.SCHEDULER_INTAKE_BUFFER },
    );
    this.intake = intake;
    this.consumer = await this.host.tracked('retries-consumer', {
      group: 'scheduler',
      topic: this.host.topics.retries,
      contract: retryTask,
      accept: (messages) =>
        intake.accept(
          messages.map(({ value, traceparent, complete, reject }) => ({
            row: {
              deliveryId: value.task.deliveryId,
              attempt: value.task.attempt,
              endpointId: value.task.endpointId,
              dueAt: value.dueAt,
              task: stringifyJson(value.task),
              traceparent: traceparent ?? null,
              lastError: value.lastError,
              lastStatusCode: value.lastStatusCode,
            },
            complete,
            reject,
          })),
        ),
    });
    this.sampler = setInterval(() => {
      retries.count().then(
        (count) => metrics.retriesPending.set(count),
        (error: unknown) => this.host.logger.warn({ err: error }, 'counting pending retries failed'),
      );
    }, 5000);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.sampler);
    await this.consumer?.stop(() => this.intake?.drain() ?? Promise.resolve());
    await this.scheduler?.stop();
  }
}
