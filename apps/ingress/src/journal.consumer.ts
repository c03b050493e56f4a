import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DedupStage, journalGather, sourceDefaults, SourceRegistry } from '@gateway/ingress';
import { traceHeaders, type ValidatingConsumer } from '@gateway/kafka';
import { InboundDedupRepository } from '@gateway/persistence';
import { CONFIG, ConsumerHost } from '@gateway/platform';
import { inboundJournalMessage, inboundMessage } from '@gateway/schemas';
import type { AppConfig } from './config';

const PURGE_INTERVAL_MS = 60_000;

/**
 * Consumes the ingress journal (provisioned with the other topics) and publishes each inbound webhook once to
 * `webhooks.inbound` (DedupStage), off the request path. Every ingress replica runs one, in one
 * consumer group, unless INGRESS_DEDUP_CONSUMER=false.
 */
@Injectable()
export class JournalConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer: ValidatingConsumer | undefined;
  private purgeTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: AppConfig,
    private readonly host: ConsumerHost,
    private readonly dedup: InboundDedupRepository,
    private readonly registry: SourceRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.INGRESS_DEDUP_CONSUMER) return;
    const stage = new DedupStage({
      claim: (claims) => this.dedup.claim(claims),
      markPublished: (refs) => this.dedup.markPublished(refs),
      publish: (entries) =>
        this.host.producer.produce(
          inboundMessage,
          entries.map(({ message, traceparent }) => ({ value: message, headers: traceHeaders(traceparent) })),
        ),
      windowSeconds: (sourceId) =>
        this.registry.get(sourceId)?.dedupWindowSeconds ?? sourceDefaults.dedupWindowSeconds,
    });
    this.consumer = await this.host.validating('journal-consumer', {
      group: 'ingress-journal',
      topic: this.host.topics.inboundJournal,
      contract: inboundJournalMessage,
      gather: journalGather(this.config.INGRESS_DEDUP_FETCH_WAIT_MS),
      handle: (messages) =>
        stage.handle(
          messages.map((message) => ({ message: message.value, traceparent: message.traceparent })),
        ),
    });
    this.purgeTimer = setInterval(() => {
      this.dedup
        .purgeExpired()
        .catch((error: unknown) =>
          this.host.logger.warn({ err: error }, 'purging expired dedup claims failed; next try in a minute'),
        );
    }, PURGE_INTERVAL_MS);
    this.purgeTimer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.purgeTimer);
    await this.consumer?.stop();
  }
}
