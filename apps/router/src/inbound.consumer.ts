import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { parseEventTypeFrom, toForwardedEvent, type EventTypeFrom } from '@gateway/ingress';
import {
  newestTimestamp,
  traceHeaders,
  type AcceptedMessage,
  type Produced,
  type ValidatingConsumer,
} from '@gateway/kafka';
import { metrics } from '@gateway/observability';
import { LiveView, SourcesRepository, type DataSource, type ForwardRuleRow } from '@gateway/persistence';
import { ConsumerHost, DATA_SOURCE } from '@gateway/platform';
import { eventMessage, inboundMessage, type EventMessage, type InboundMessage } from '@gateway/schemas';

/**
 * Consumes `webhooks.inbound`: a verified inbound webhook of a source with `forward` becomes an
 * event on `webhooks.events` (type read as the source says, data the parsed body, id the inbound
 * id), which the events consumer then routes to subscribed endpoints like any other event.
 */
/** A forwarding source's rule: where its event type comes from, and whose events it makes. */
interface ForwardRule {
  from: EventTypeFrom;
  tenant: string | null;
}

@Injectable()
export class InboundConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer: ValidatingConsumer | undefined;
  private view: LiveView<ForwardRuleRow[]> | undefined;
  /** Source id -> where its event type comes from (null: the source does not forward). */
  private rules = new Map<string, ForwardRule | null>();

  constructor(
    private readonly host: ConsumerHost,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly sources: SourcesRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.view = new LiveView(
      this.dataSource,
      'sources_changed',
      () => this.sources.forwardRules(),
      (rows) => this.setRules(rows),
      (error) => this.host.logger.warn({ err: error }, 'forward rules reload failed; keeping the last view'),
    );
    await this.view.start();
    this.consumer = await this.host.validating('inbound-consumer', {
      group: 'router-inbound',
      topic: this.host.topics.inbound,
      contract: inboundMessage,
      handle: (messages) => this.forward(messages),
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
    await this.view?.stop();
  }

  private setRules(rows: ForwardRuleRow[]): void {
    const rules = new Map<string, ForwardRule | null>();
    for (const row of rows) {
      const from = row.forward ? parseEventTypeFrom(row.forward.eventTypeFrom) : null;
      rules.set(row.id, from ? { from, tenant: row.tenant } : null);
    }
    this.rules = rules;
  }

  private async forward(messages: AcceptedMessage<InboundMessage>[]): Promise<void> {
    // A source created or changed just before these webhooks: its NOTIFY may still be on its way.
    await this.view?.freshFor(newestTimestamp(messages));
    const events: Produced<EventMessage>[] = [];
    for (const { value, traceparent } of messages) {
      const rule = this.rules.get(value.sourceId);
      if (rule === undefined) {
        metrics.inboundForwarded.inc({ outcome: 'unknown-source' });
        continue;
      }
      if (rule === null) {
        metrics.inboundForwarded.inc({ outcome: 'not-forwarding' });
        continue;
      }
      const result = toForwardedEvent(value, rule.from, rule.tenant);
      if (!result.ok) {
        metrics.inboundForwarded.inc({ outcome: result.reason });
        this.host.logger.warn(
          { inboundId: value.id, sourceId: value.sourceId },
          'inbound webhook not forwarded: no event type',
        );
        continue;
      }
      events.push({ value: result.event, headers: traceHeaders(traceparent) });
    }
    if (events.length === 0) return;
    await this.host.producer.produce(eventMessage, events);
    metrics.inboundForwarded.inc({ outcome: 'forwarded' }, events.length);
  }
}
