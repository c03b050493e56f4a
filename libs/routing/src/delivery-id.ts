import { createHash } from 'node:crypto';

/**
 * The delivery id, sent as `webhook-id`: derived from the event and the endpoint rather than
 * generated, so every retry of a delivery, and a re-send after a crash, carries the same id and
 * the receiver can deduplicate. 18 bytes of SHA-256 (144 bits) keep collisions out of reach; the
 * NUL separator keeps ("ab", "c") and ("a", "bc") apart.
 */
export function deliveryIdFor(eventId: string, endpointId: string): string {
  const digest = createHash('sha256').update(`${eventId}\0${endpointId}`).digest();
  return `msg_${digest.subarray(0, 18).toString('base64url')}`;
}
