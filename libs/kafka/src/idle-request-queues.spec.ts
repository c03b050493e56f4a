import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { quietIdleRequestQueues } from './idle-request-queues';

interface Queue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  scheduleCheckPendingRequests(): void;
}

const RequestQueue = createRequire(__filename)('kafkajs/src/network/requestQueue') as new (
  options: object,
) => Queue;
const silent = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

function queue(): Queue {
  return new RequestQueue({
    maxInFlightRequests: null,
    requestTimeout: 1000,
    enforceRequestTimeout: false,
    clientId: 'spec',
    broker: 'spec:9092',
    logger: silent,
  });
}

/** Whether a fresh queue, prepared so, arms a check timer when asked to schedule one (cleared again). */
function armed(prepare: (queue: Queue) => void): boolean {
  const subject = queue();
  prepare(subject);
  subject.scheduleCheckPendingRequests();
  const timer = subject.throttleCheckTimeoutId;
  if (timer) clearTimeout(timer);
  return timer !== null;
}

describe('quietIdleRequestQueues', () => {
  it('shows the KafkaJS loop first: an idle queue arms a timer of its own', () => {
    assert.equal(
      armed(() => undefined),
      true,
    );
  });

  it('then arms none on an idle, unthrottled queue, and is applied once', () => {
    quietIdleRequestQueues();
    quietIdleRequestQueues();
    assert.equal(
      armed(() => undefined),
      false,
    );
  });

  it('still arms the check while a request waits, or while the broker throttles', () => {
    quietIdleRequestQueues();
    assert.equal(
      armed((subject) => subject.pending.push({})),
      true,
    );
    assert.equal(
      armed((subject) => (subject.throttledUntil = Date.now() + 5000)),
      true,
    );
  });
});
