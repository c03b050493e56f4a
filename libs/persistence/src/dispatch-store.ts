import type { DataSource } from 'typeorm';
import { AttemptsRepository, type AttemptLookup } from './attempts/attempts.repository';
import type { AttemptRow } from './attempts/attempts.record';
import { DeliveriesRepository } from './deliveries/deliveries.repository';
import { EndpointsRepository } from './endpoints/endpoints.repository';

/*
 * The functions apps/dispatcher's wiring calls, each one line over a repository: kept with their
 * signatures while the dispatcher is being split into parts (issue 20, part 1). New code takes the
 * repositories from Nest instead.
 */

/** Records a batch of attempts and moves their deliveries' status (one statement, ADR 0032). */
export const recordAttempts = (dataSource: DataSource, attempts: AttemptRow[]): Promise<void> =>
  new AttemptsRepository(dataSource).record(attempts);

/** Which of these (delivery, attempt) pairs already have an attempt recorded, by attemptKey. */
export const recordedAttempts = (
  dataSource: DataSource,
  pairs: AttemptLookup[],
): Promise<Map<string, string>> => new AttemptsRepository(dataSource).recorded(pairs);

/** Marks a delivery cancelled (its endpoint was deleted or disabled). */
export const cancelDelivery = (dataSource: DataSource, deliveryId: string): Promise<void> =>
  new DeliveriesRepository(dataSource).cancel(deliveryId);

/** Marks an endpoint failing since now (kept if already failing), or healthy again (null). */
export const setEndpointFailing = (
  dataSource: DataSource,
  endpointId: string,
  failing: boolean,
): Promise<void> => new EndpointsRepository(dataSource).setFailing(endpointId, failing);
