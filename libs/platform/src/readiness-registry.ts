import { Injectable } from '@nestjs/common';
import type { ReadinessCheck } from './tokens';

/** The dependencies `/health/ready` asks; the platform adds Kafka and Postgres, apps add theirs. */
@Injectable()
export class ReadinessRegistry {
  private readonly checks: ReadinessCheck[] = [];

  add(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  /** Ready only while the consumer is a member of its group (tests and rollouts wait for this). */
  addConsumer(name: string, consumer: { isJoined(): boolean }): void {
    this.add({
      name,
      check: async () => {
        if (!consumer.isJoined()) throw new Error('not a member of its consumer group yet');
      },
    });
  }

  list(): readonly ReadinessCheck[] {
    return this.checks;
  }
}
