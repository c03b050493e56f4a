import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from '@gateway/observability';
import { DeadLettersRepository } from '@gateway/persistence';
import { CONFIG, LOGGER } from '@gateway/platform';
import { DeadLetterExpiry } from '@gateway/scheduling';
import type { AppConfig } from './config';

/** Rows per delete statement, and how often a pass runs (ADR 0028). */
const EXPIRY_BATCH = 1000;
const EXPIRY_INTERVAL_MS = 10 * 60_000;

/** Runs the dead-letter expiry when DEAD_LETTER_RETENTION_DAYS is set (unset: dead letters are kept). */
@Injectable()
export class DeadLetterExpiryJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private expiry: DeadLetterExpiry | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly deadLetters: DeadLettersRepository,
  ) {}

  onApplicationBootstrap(): void {
    const retentionDays = this.config.DEAD_LETTER_RETENTION_DAYS;
    if (retentionDays === undefined) return;
    this.expiry = new DeadLetterExpiry(
      {
        expire: (cutoff, limit) => this.deadLetters.expire(cutoff, limit),
        now: () => new Date(),
        failed: (error) =>
          this.logger.warn({ err: error }, 'dead-letter expiry failed; the next pass retries'),
      },
      { retentionDays, batch: EXPIRY_BATCH, intervalMs: EXPIRY_INTERVAL_MS },
    );
    this.expiry.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.expiry?.stop();
  }
}
