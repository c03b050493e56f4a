import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { SourceStatsCounter } from '@gateway/ingress';
import { throttledWarning, type Logger } from '@gateway/observability';
import { SourceStatsRepository } from '@gateway/persistence';
import { CONFIG, LOGGER } from '@gateway/platform';
import type { AppConfig } from './config';

const FINAL_FLUSH_MS = 2000;

/**
 * Writes the request counters to `source_stats` every SOURCE_STATS_FLUSH_MS, in one upsert, and
 * once more on shutdown. A failed write gives its rows back to the counter (bounded) and warns at
 * most once a minute: the request path never waits on it (ADR 0030).
 */
@Injectable()
export class SourceStatsFlusher implements OnModuleInit, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly warn: (error: unknown) => void;

  constructor(
    @Inject(CONFIG) private readonly config: AppConfig,
    private readonly counter: SourceStatsCounter,
    private readonly stats: SourceStatsRepository,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.warn = throttledWarning(logger, 'source stats could not be written; kept for the next flush');
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), this.config.SOURCE_STATS_FLUSH_MS);
    this.timer.unref();
  }

  /** A last flush, waited for at most FINAL_FLUSH_MS: a database that is away never holds up shutdown. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    let timer: NodeJS.Timeout | undefined;
    const bounded = new Promise<void>((resolve) => (timer = setTimeout(resolve, FINAL_FLUSH_MS)));
    await Promise.race([this.flush(), bounded]);
    clearTimeout(timer);
  }

  /** One flush at a time: a slow database does not pile up statements. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const rows = this.counter.take();
      if (rows.length === 0) return;
      try {
        await this.stats.add(rows);
      } catch (error) {
        this.counter.giveBack(rows);
        this.warn(error);
      }
    });
    return this.flushing;
  }
}
