import { Injectable } from '@nestjs/common';
import type { ReadinessCheck } from './tokens';

/** The dependencies `/health/ready` asks; the platform adds Kafka and Postgres, apps add theirs. */
@Injectable()
export class ReadinessRegistry {
  private readonly checks: ReadinessCheck[] = [];

  add(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  list(): readonly ReadinessCheck[] {
    return this.checks;
  }
}
