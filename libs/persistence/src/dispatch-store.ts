import type { DataSource } from 'typeorm';
import { storableText } from '@gateway/schemas';
import { cancelEndpointRetries } from './retry-store';
import type { EndpointTargetRow } from './endpoints/endpoints.record';
import { EndpointsRepository } from './endpoints/endpoints.repository';

/**
 * Characters kept of an attempt's error and response body: texts a receiver chose, stored here
 * only, so bounded and made storable here (NUL and lone surrogates become U+FFFD; ADR 0018).
 */
const ATTEMPT_TEXT_MAX = 4096;
const storable = (text: string | null): string | null =>
  text === null ? null : storableText(text, ATTEMPT_TEXT_MAX);

export interface AttemptRow {
  deliveryId: string;
  attempt: number;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  responseBody: string | null;
  /** The delivery's status after this attempt. */
  status: 'delivered' | 'retrying' | 'dead' | 'cancelled';
  nextAttemptAt: Date | null;
}

/** Every endpoint the dispatcher can send to, with its signing secrets (the dispatcher's wiring). */
export const loadEndpointTargets = (dataSource: DataSource): Promise<EndpointTargetRow[]> =>
  new EndpointsRepository(dataSource).targets();

/** Records a batch of attempts and moves their deliveries' status, in one transaction. */
export async function recordAttempts(dataSource: DataSource, attempts: AttemptRow[]): Promise<void> {
  if (attempts.length === 0) return;
  await dataSource.transaction(async (manager) => {
    await manager.query(
      `INSERT INTO attempts (delivery_id, attempt, started_at, duration_ms, status_code, error, response_body)
       SELECT * FROM unnest($1::text[], $2::int[], $3::timestamptz[], $4::int[], $5::int[], $6::text[], $7::text[])
       ON CONFLICT (delivery_id, attempt) DO NOTHING`,
      [
        attempts.map((row) => row.deliveryId),
        attempts.map((row) => row.attempt),
        attempts.map((row) => row.startedAt.toISOString()),
        attempts.map((row) => row.durationMs),
        attempts.map((row) => row.statusCode),
        attempts.map((row) => storable(row.error)),
        attempts.map((row) => storable(row.responseBody)),
      ],
    );
    await manager.query(
      `UPDATE deliveries d SET status = u.status, attempts = GREATEST(d.attempts, u.attempt), updated_at = now(),
              next_attempt_at = u.next_attempt_at
       FROM unnest($1::text[], $2::int[], $3::text[], $4::timestamptz[]) AS u(id, attempt, status, next_attempt_at)
       WHERE d.id = u.id AND d.attempts <= u.attempt`,
      [
        attempts.map((row) => row.deliveryId),
        attempts.map((row) => row.attempt),
        attempts.map((row) => row.status),
        attempts.map((row) => row.nextAttemptAt?.toISOString() ?? null),
      ],
    );
  });
}

/**
 * Disables an endpoint (410 Gone, or a long outage), keeping why, and cancels its pending retries:
 * a disabled endpoint has none, whoever disabled it. Both statements are idempotent, so a caller
 * that retries the whole call after a failure between them ends in the same state.
 */
export async function disableEndpoint(
  dataSource: DataSource,
  endpointId: string,
  reason: string,
): Promise<void> {
  await new EndpointsRepository(dataSource).disable(endpointId, reason);
  await cancelEndpointRetries(dataSource, endpointId);
}

/** Marks a delivery cancelled (its endpoint was deleted or disabled). */
export async function cancelDelivery(dataSource: DataSource, deliveryId: string): Promise<void> {
  await dataSource.query(
    `UPDATE deliveries SET status = 'cancelled', updated_at = now() WHERE id = $1 AND status <> 'delivered'`,
    [deliveryId],
  );
}

/** The key `recordedAttempts` answers with: delivery id and attempt number. */
export const attemptKey = (deliveryId: string, attempt: number): string => `${deliveryId}#${attempt}`;

/**
 * Which of these (delivery, attempt) pairs already have an attempt recorded, with their delivery's
 * status now, in one statement (a task Kafka or the scheduler sent twice is looked up here).
 */
export async function recordedAttempts(
  dataSource: DataSource,
  pairs: { deliveryId: string; attempt: number }[],
): Promise<Map<string, string>> {
  const rows = await dataSource.query<{ deliveryId: string; attempt: number; status: string }[]>(
    `SELECT a.delivery_id AS "deliveryId", a.attempt, d.status
       FROM attempts a
       JOIN unnest($1::text[], $2::int[]) AS wanted(delivery_id, attempt)
         ON a.delivery_id = wanted.delivery_id AND a.attempt = wanted.attempt
       JOIN deliveries d ON d.id = a.delivery_id`,
    [pairs.map((pair) => pair.deliveryId), pairs.map((pair) => pair.attempt)],
  );
  return new Map(rows.map((row) => [attemptKey(row.deliveryId, row.attempt), row.status]));
}

/** Marks an endpoint failing since now (kept if already failing), or healthy again (null). */
export const setEndpointFailing = (
  dataSource: DataSource,
  endpointId: string,
  failing: boolean,
): Promise<void> => new EndpointsRepository(dataSource).setFailing(endpointId, failing);
