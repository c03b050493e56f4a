import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from '@gateway/observability';
import { DeadLettersRepository, SourceStatsRepository } from '@gateway/persistence';
import { CONFIG, LOGGER } from '@gateway/platform';
import { DeadLetterExpiry } from '@gateway/scheduling';
import type { AppConfig } from './config';

/** Rows per delete statement, and how often a pass runs (ADR 0028). */
const EXPIRY_BATCH = 1000;
const EXPIRY_INTERVAL_MS = 10 * 60_000;
/** The console's source stats are kept this long (ADR 0030). */
const SOURCE_STATS_RETENTION_DAYS = 30;

/**
 * Runs the dead-letter expiry when DEAD_LETTER_RETENTION_DAYS is set (unset: dead letters are kept),
 * and the console's source stats expiry (30 days, ADR 0030) with the same batched loop.
 */
@Injectable()
export class DeadLetterExpiryJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly expiries: DeadLetterExpiry[] = [];

  constructor(
    @Inject(CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly deadLetters: DeadLettersRepository,
    private readonly sourceStats: SourceStatsRepository,
  ) {}

  onApplicationBootstrap(): void {
    const retentionDays = this.config.DEAD_LETTER_RETENTION_DAYS;
    if (retentionDays !== undefined) {
      this.start('dead-letter', retentionDays, (cutoff, limit) => this.deadLetters.expire(cutoff, limit));
    }
    this.start('source stats', SOURCE_STATS_RETENTION_DAYS, (cutoff, limit) =>
      this.sourceStats.expire(cutoff, limit),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.expiries.map((expiry) => expiry.stop()));
  }

  private start(
    what: string,
    retentionDays: number,
    expire: (cutoff: Date, limit: number) => Promise<number>,
  ): void {
    const expiry = new DeadLetterExpiry(
      {
        expire,
        now: () => new Date(),
        failed: (error) => this.logger.warn({ err: error }, `${what} expiry failed; the next pass retries`),
      },
      { retentionDays, batch: EXPIRY_BATCH, intervalMs: EXPIRY_INTERVAL_MS },
    );
    this.expiries.push(expiry);
    expiry.start();
  }
}
