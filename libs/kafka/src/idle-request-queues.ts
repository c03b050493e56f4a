import { createRequire } from 'node:module';

/** The parts of KafkaJS's per-connection request queue (`src/network/requestQueue`) this touches. */
interface RequestQueueInternals {
  pending: unknown[];
  /** Epoch ms until which the broker throttles this connection; -1 when it never did. */
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  scheduleCheckPendingRequests(): void;
}

const applied = Symbol.for('gateway.kafka.idleRequestQueues');

/**
 * KafkaJS 2.2.4 re-arms a timer for its pending-request check on every broker connection whenever
 * one fires, even with nothing pending and no throttle: with `throttledUntil` at -1 its delay is
 * negative, so it fires every millisecond for the life of the connection (kafkajs issues 1556,
 * 1604 and 1704; no release carries a fix). An idle ingress spent about 8 % of a core on it. This
 * schedules the check only when a request waits or the broker throttles; a request that cannot be
 * sent at once is queued with a check of its own, and a finished request runs the check anyway.
 * Applied once per process, before any client is made (`createKafka`); a KafkaJS whose queue no
 * longer looks like this is left as it is.
 */
export function quietIdleRequestQueues(): void {
  const load = createRequire(__filename);
  let RequestQueue: { prototype: RequestQueueInternals & { [applied]?: true } };
  try {
    RequestQueue = load('kafkajs/src/network/requestQueue') as typeof RequestQueue;
  } catch {
    return;
  }
  const proto = RequestQueue.prototype;
  const original = proto.scheduleCheckPendingRequests;
  if (typeof original !== 'function' || proto[applied]) return;
  proto[applied] = true;
  proto.scheduleCheckPendingRequests = function scheduleWhenNeeded(this: RequestQueueInternals): void {
    const idle = Array.isArray(this.pending) && this.pending.length === 0;
    if (idle && !(this.throttledUntil > Date.now())) return;
    original.call(this);
  };
}
