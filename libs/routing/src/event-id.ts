import { createHash } from 'node:crypto';

/**
 * The id of an event published without one: derived from its Kafka position, so a message consumed
 * twice (after a crash) keeps its id and is still delivered once per endpoint.
 */
export function eventIdFor(topic: string, partition: number, offset: string): string {
  const digest = createHash('sha256').update(`${topic}\0${partition}\0${offset}`).digest('base64url');
  return `evt_${digest.slice(0, 22)}`;
}
