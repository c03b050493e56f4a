import { api, type Schemas } from './client';
import type { Answer } from '../ui/load';

export interface DeliveryTrace {
  delivery: Schemas['Delivery'];
  attempts: Schemas['Attempt'][];
}

export interface EventTrace {
  event: Schemas['Event'];
  deliveries: DeliveryTrace[];
}

/** An event, its deliveries and each delivery's attempts (first pages: 100 deliveries, 100 attempts each). */
export async function loadTrace(id: string): Promise<Answer<EventTrace>> {
  const path = { id };
  const event = await api.GET('/v1/events/{id}', { params: { path } });
  if (!event.data) return { error: event.error, response: event.response };
  const deliveries = await api.GET('/v1/events/{id}/deliveries', { params: { path, query: { limit: 100 } } });
  if (!deliveries.data) return { error: deliveries.error, response: deliveries.response };
  const traces = await Promise.all(
    deliveries.data.data.map(async (delivery) => {
      const attempts = await api.GET('/v1/deliveries/{id}/attempts', {
        params: { path: { id: delivery.id }, query: { limit: 100 } },
      });
      return { delivery, attempts: attempts.data?.data ?? [] };
    }),
  );
  return { data: { event: event.data, deliveries: traces }, response: event.response };
}

/** A delivery still moving (its page keeps polling while one is). */
export const isMoving = (delivery: Schemas['Delivery']): boolean =>
  delivery.status === 'pending' || delivery.status === 'retrying';

/** An attempt the receiver accepted. */
export const succeeded = (attempt: Schemas['Attempt']): boolean =>
  attempt.statusCode !== null && attempt.statusCode >= 200 && attempt.statusCode < 300;
