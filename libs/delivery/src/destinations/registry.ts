import type { EndpointTargetRow } from '@gateway/persistence';
import type { Sender, SendResult, SignedMessage } from './destination';
import { endpointDestination } from './endpoint-destination';
import { HttpDestination, type HttpTarget } from './http/http-destination';
import type { SenderOptions } from './http/http-sender';
import { KafkaDestination, type KafkaDestinationDeps } from './kafka/kafka-destination';
import type { KafkaTarget } from './kafka/kafka-target';

/** Where one endpoint's deliveries go: one variant per kind of destination. */
export type DeliveryTarget = HttpTarget | KafkaTarget;

type Kind = DeliveryTarget['type'];
type TargetOf<K extends Kind> = Extract<DeliveryTarget, { type: K }>;

/** A sender for every kind of target: a kind without one does not compile. */
export type Senders = { [K in Kind]: Sender<TargetOf<K>> };

/** What the senders are built from: the dispatcher's configuration and its Kafka client. */
export type DestinationDeps = SenderOptions & { userAgent: string } & Omit<
    KafkaDestinationDeps,
    'policy' | 'timeoutMs'
  >;

/** The senders of every kind of destination; an attempt's target names the one it goes through. */
export function createDestinations(deps: DestinationDeps): Destinations {
  return new Destinations({
    http: new HttpDestination(deps),
    kafka: new KafkaDestination(deps),
  });
}

/** Delivers a message through the sender of its target's kind; the caller never learns the kind. */
export class Destinations {
  constructor(private readonly senders: Senders) {}

  deliver(target: DeliveryTarget, message: SignedMessage): Promise<SendResult> {
    return deliverThrough(this.senders, target.type, target);

    function deliverThrough<K extends Kind>(senders: Senders, kind: K, to: TargetOf<K>): Promise<SendResult> {
      const sender: Sender<TargetOf<K>> = senders[kind];
      return sender.deliver(to, message);
    }
  }

  async close(): Promise<void> {
    await Promise.all(Object.values<Sender<never>>(this.senders).map((sender) => sender.close()));
  }
}

/** Targets already read, per row of the live view (a reloaded row is read again). */
const targets = new WeakMap<EndpointTargetRow, DeliveryTarget>();

/**
 * The endpoint's target: its `destination`, or else its URL and custom headers (HTTP). A stored
 * destination that no longer reads as one throws: the task goes to the invalid topic with why.
 */
export function targetOf(endpoint: EndpointTargetRow): DeliveryTarget {
  let target = targets.get(endpoint);
  if (target) return target;
  if (endpoint.destination !== null) {
    const parsed = endpointDestination.safeParse(endpoint.destination);
    if (!parsed.success)
      throw new Error(
        `endpoint ${endpoint.id} has an unreadable destination: ${parsed.error.issues[0]?.message}`,
      );
    target = parsed.data;
  } else if (endpoint.url !== null) {
    target = { type: 'http', url: endpoint.url, headers: endpoint.headers };
  } else {
    throw new Error(`endpoint ${endpoint.id} has neither a URL nor a destination`);
  }
  targets.set(endpoint, target);
  return target;
}
