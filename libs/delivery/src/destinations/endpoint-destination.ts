import { z } from 'zod';
import { kafkaTarget, kafkaTargetView } from './kafka/kafka-target';

/**
 * An endpoint's `destination`: where its deliveries go instead of being POSTed to its `url`. One
 * variant per kind of destination other than HTTP.
 */
export const endpointDestination = z
  .discriminatedUnion('type', [kafkaTarget])
  .describe('Where deliveries go instead of `url` (give one of the two): a Kafka topic.');
export type EndpointDestination = z.infer<typeof endpointDestination>;

/** A destination as the API answers it: write-only fields (secrets) left out. */
export const destinationView = z.discriminatedUnion('type', [kafkaTargetView]);
export type DestinationView = z.infer<typeof destinationView>;
