import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { ValidatingConsumer } from '@gateway/kafka';
import { DeadLettersRepository } from '@gateway/persistence';
import { ConsumerHost } from '@gateway/platform';
import { deadLetter, stringifyJson } from '@gateway/schemas';

/** Consumes `webhooks.dead-letter` into the `dead_letters` table, which the API lists and redrives. */
@Injectable()
export class DeadLettersConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer: ValidatingConsumer | undefined;

  constructor(
    private readonly host: ConsumerHost,
    private readonly deadLetters: DeadLettersRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = await this.host.validating('dead-letters-consumer', {
      group: 'scheduler-dead-letters',
      topic: this.host.topics.deadLetter,
      contract: deadLetter,
      handle: (messages) =>
        this.deadLetters.record(
          messages.map(({ value }) => ({
            deliveryId: value.task.deliveryId,
            attempt: value.attempts,
            endpointId: value.task.endpointId,
            eventId: value.task.event.id,
            deadAt: value.deadAt,
            lastError: value.lastError,
            lastStatusCode: value.lastStatusCode,
            task: stringifyJson(value.task),
          })),
        ),
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}
