import { AdaptiveBatcher } from '@gateway/platform';
import type { EventMessage } from '@gateway/schemas';
import type { EventPublisher, PublishOutcome } from './event-publisher';

interface Publication {
  input: EventMessage;
  traceparent?: string;
  confinedTo?: string;
}

/**
 * `EventPublisher.publish` for many concurrent callers (`POST /v1/events`), in self-clocking batches
 * (`AdaptiveBatcher`, as the ingress's journal writes): a batch leaves as soon as fewer than two
 * are on their way to Kafka, and what arrives meanwhile goes in the next. Each event of a batch is
 * still checked and encoded alone (an oversized one is refused alone) and all of them are produced
 * in one turn of the event loop, so they share one produce request. Under load that is one request
 * for tens of events instead of one for one or two: fewer round trips for the api and the broker
 * alike (ADR 0033). Each caller settles with its own outcome, once its batch was acknowledged.
 */
export class BatchedPublisher {
  private readonly batcher: AdaptiveBatcher<Publication, Map<Publication, Promise<PublishOutcome>>>;

  constructor(publisher: Pick<EventPublisher, 'publish'>) {
    this.batcher = new AdaptiveBatcher(
      async (publications) => {
        const outcomes = new Map(
          publications.map((item) => [
            item,
            publisher.publish(item.input, item.traceparent, item.confinedTo),
          ]),
        );
        await Promise.allSettled(outcomes.values());
        return outcomes;
      },
      // Never rejects as a whole: each outcome is its caller's.
      { isolate: () => false },
    );
  }

  async publish(input: EventMessage, traceparent?: string, confinedTo?: string): Promise<PublishOutcome> {
    const publication = { input, traceparent, confinedTo };
    const outcome = (await this.batcher.send(publication)).get(publication);
    // The batch holds every publication it was given.
    if (!outcome) throw new Error('a publication missing from its batch');
    return outcome;
  }
}
