import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TrackedMessage } from '@gateway/kafka';
import { createLogger, metrics } from '@gateway/observability';
import type { AttemptRow, EndpointTargetRow } from '@gateway/persistence';
import type { DeliveryTask, RetryTask } from '@gateway/schemas';
import type { Clock } from './clock';
import { Dispatcher, type DispatcherPorts, type DispatcherSettings } from './dispatcher';
import { answer, endpointRow } from './endpoint-row.fixture';

const endpoint = endpointRow();

function job(n: number, completed: number[], rejected: number[] = []): TrackedMessage<DeliveryTask> {
  const task: DeliveryTask = {
    deliveryId: `dlv_${n}`,
    endpointId: endpoint.id,
    attempt: 1,
    event: {
      id: `evt_${n}`,
      type: 'test.pacing',
      data: { n },
      tenant: null,
      occurredAt: new Date(0).toISOString(),
    },
    orderingKey: null,
    publishedAt: Date.now(),
  };
  return {
    value: task,
    key: endpoint.id,
    partition: 0,
    offset: String(n),
    timestamp: Date.now(),
    traceparent: undefined,
    complete: () => completed.push(n),
    reject: async () => void rejected.push(n),
  };
}

/** Dispatcher settings for a spec: small bounds, a breaker that opens after 5 failures, with `overrides`. */
function settings(overrides: Partial<DispatcherSettings> = {}): DispatcherSettings {
  return {
    concurrencyPerEndpoint: 4,
    queuePerEndpoint: 100,
    maxInFlight: 100,
    breaker: { failureThreshold: 5, openMs: 1000, maxOpenMs: 1000 },
    disableAfterMs: 86_400_000,
    endpointSeriesMax: 0,
    ...overrides,
  };
}

/** Ports that do nothing, with `overrides` for what a spec watches. */
function fakePorts(overrides: Partial<DispatcherPorts>): DispatcherPorts {
  return {
    endpoint: () => endpoint,
    catchUpEndpoints: async () => undefined,
    deliver: async () => answer(200),
    record: async () => undefined,
    cancel: async () => undefined,
    scheduleRetry: async () => undefined,
    deadLetter: async () => undefined,
    disableEndpoint: async () => undefined,
    recordedAttempt: async () => undefined,
    setFailing: async () => undefined,
    emitOperational: async () => undefined,
    ...overrides,
  };
}

/**
 * A dispatcher whose one endpoint answers 500 after `answerMs`, with a circuit that opens at the
 * first failure for `openMs`; `onRetry` sees every hand-off to the retry topic.
 */
function failingDispatcher(
  openMs: number,
  answerMs: number,
  onRetry: (retry: RetryTask) => void,
  clock?: Clock,
): Dispatcher {
  const ports = fakePorts({
    deliver: async () => {
      await new Promise((resolve) => setTimeout(resolve, answerMs));
      return {
        statusCode: 500,
        error: null,
        retryAfterHeader: null,
        durationMs: answerMs,
        errorDetail: null,
        responseBody: null,
      };
    },
    scheduleRetry: async (retry) => onRetry(retry),
  });
  return new Dispatcher(
    ports,
    settings({
      concurrencyPerEndpoint: 1,
      queuePerEndpoint: 1000,
      maxInFlight: 1000,
      breaker: { failureThreshold: 1, openMs, maxOpenMs: openMs },
    }),
    { logger: createLogger('test', 'silent'), clock },
  );
}

/**
 * Resolves once the dispatcher has done everything it can without a timer or an answer: the fake
 * ports resolve at once, so their chains are microtasks, all run before a check phase comes.
 */
async function untilIdle(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

async function settle(completed: number[], count: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while (completed.length < count && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('Dispatcher, circuit breaker', () => {
  it('hands an opened circuit’s queue to the retry topic at most 50 per turn of the event loop, due dates spread', async () => {
    let turn = 0;
    let ticking = true;
    const tick = () => {
      turn++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const handOffs: { turn: number; retry: RetryTask }[] = [];
    const dispatcher = failingDispatcher(10_000, 20, (retry) => handOffs.push({ turn, retry }));
    const completed: number[] = [];
    const openedAt = Date.now();
    await dispatcher.accept(Array.from({ length: 201 }, (_, n) => job(n, completed)));
    await settle(completed, 201);
    ticking = false;

    assert.equal(completed.length, 201, 'every task completed');
    const deferred = handOffs.filter((handOff) => handOff.retry.lastError === 'circuit open');
    assert.equal(deferred.length, 200, 'the 200 queued behind the failed attempt were handed off');
    const perTurn = new Map<number, number>();
    for (const handOff of deferred) perTurn.set(handOff.turn, (perTurn.get(handOff.turn) ?? 0) + 1);
    assert.ok(
      Math.max(...perTurn.values()) <= 50,
      `at most 50 hand-offs in one turn, got ${Math.max(...perTurn.values())}`,
    );
    assert.ok(perTurn.size >= 4, `spread over at least 4 turns, got ${perTurn.size}`);
    const dues = deferred.map((handOff) => handOff.retry.dueAt - openedAt);
    assert.ok(Math.min(...dues) >= 10_000, 'none due before the circuit half-opens');
    assert.ok(Math.max(...dues) <= 12_500, 'all due within a fifth of the open period after it');
    assert.ok(Math.max(...dues) - Math.min(...dues) >= 500, 'the due dates are spread, not one instant');
  });

  it('counts the half-open probe as a circuit transition', async () => {
    const probes = async () =>
      (await metrics.circuitTransitions.get()).values.find((value) => value.labels.to === 'half-open')
        ?.value ?? 0;
    const before = await probes();
    const completed: number[] = [];
    const clock = { at: 1_000_000, now: () => clock.at };
    const dispatcher = failingDispatcher(100, 1, () => undefined, clock);
    await dispatcher.accept([job(1, completed)]);
    await settle(completed, 1);
    clock.at += 150; // past the circuit's 100 ms open period
    await dispatcher.accept([job(2, completed)]);
    await settle(completed, 2);
    assert.equal((await probes()) - before, 1);
  });
});

describe('Dispatcher, copies of a task', () => {
  it('completes a copy of a task under way only after the original, so its offset cannot pass the original', async () => {
    let respond: () => void = () => undefined;
    let sends = 0;
    let recorded = 0;
    const ports = fakePorts({
      deliver: async () => {
        sends++;
        await new Promise<void>((resolve) => (respond = resolve));
        return answer(200);
      },
      record: async () => {
        recorded++;
      },
    });
    const dispatcher = new Dispatcher(ports, settings(), { logger: createLogger('test', 'silent') });
    const completed: number[] = [];
    const original = job(7, completed);
    // The same task read again (a rebalance re-sends what was not committed), as another message.
    const copy = { ...job(7, completed), offset: '8', complete: () => completed.push(8) };
    await dispatcher.accept([original]);
    await dispatcher.accept([copy]);
    await untilIdle();
    assert.equal(sends, 1, 'the copy is not sent again');
    assert.deepEqual(completed, [], 'nothing completes while the original is in flight');
    respond();
    await settle(completed, 2);
    assert.equal(recorded, 1);
    assert.deepEqual(completed, [7, 8], 'the copy completes after the original');
  });
});

describe('Dispatcher, a failing ordered endpoint', () => {
  it(
    'holds its backlog outside the in-flight gate, pauses its partition when the backlog is full, and resumes it once half is gone',
    { timeout: 60_000 },
    async () => {
      const ordered = endpointRow({
        id: 'ep_ordered',
        ordered: true,
        retryPolicy: { maxAttempts: 50, baseSeconds: 0.02, factor: 1, capSeconds: 0.02 },
        headers: { 'x-target': 'ep_ordered' },
      });
      const healthy = endpointRow({ id: 'ep_healthy', headers: { 'x-target': 'ep_healthy' } });
      let broken = true;
      const delivered: string[] = [];
      const paused: number[] = [];
      const resumed: number[] = [];
      const ports = fakePorts({
        endpoint: (id) => (id === ordered.id ? ordered : healthy),
        deliver: async (to) => {
          const target = to.type === 'http' ? (to.headers['x-target'] ?? '') : '';
          if (target === ordered.id && broken) return answer(500);
          delivered.push(target);
          return answer(200);
        },
        pausePartition: (partition) => paused.push(partition),
        resumePartition: (partition) => resumed.push(partition),
      });
      const dispatcher = new Dispatcher(
        ports,
        settings({
          queuePerEndpoint: 4,
          maxInFlight: 3,
          breaker: { failureThreshold: 1000, openMs: 1000, maxOpenMs: 1000 },
        }),
        { logger: createLogger('test', 'silent') },
      );
      const completed: number[] = [];
      const task = (n: number, target: EndpointTargetRow, partition: number) => {
        const base = job(n, completed);
        return { ...base, partition, value: { ...base.value, endpointId: target.id } };
      };
      // Ten tasks behind a failing ordered head: more than maxInFlight (3), yet accept returns.
      const accepted = dispatcher.accept(Array.from({ length: 10 }, (_, i) => task(i, ordered, 5)));
      await accepted; // the ordered backlog does not close the gate for everyone (else: the test's timeout)
      assert.ok(paused.includes(5), 'its partition is paused once its backlog reaches queuePerEndpoint');
      await dispatcher.accept([task(100, healthy, 6)]);
      await settle(completed, 1);
      assert.deepEqual(completed, [100], 'another endpoint is delivered while the ordered head fails');
      assert.deepEqual(resumed, []);
      broken = false;
      await settle(completed, 11);
      assert.deepEqual(
        completed.slice(1),
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        'the ordered backlog is delivered in order',
      );
      assert.deepEqual(resumed, [5]);
    },
  );
});

describe('Dispatcher, a full queue', () => {
  /**
   * One endpoint, one slot, room for 4 waiting: a first task, then 10 at once. `statusOf` answers
   * the n-th attempt, after 5 ms.
   */
  async function overflow(statusOf: (n: number) => number, holdDrainMaxMs: number | undefined) {
    const retries: RetryTask[] = [];
    const paused: number[] = [];
    const resumed: number[] = [];
    /** How many tasks had completed at each resume. */
    const resumedAfter: number[] = [];
    const completed: number[] = [];
    let sent = 0;
    const ports = fakePorts({
      deliver: async () => {
        const statusCode = statusOf(sent++);
        await new Promise((resolve) => setTimeout(resolve, 5));
        return {
          statusCode,
          error: null,
          retryAfterHeader: null,
          durationMs: 5,
          errorDetail: null,
          responseBody: null,
        };
      },
      scheduleRetry: async (retry) => void retries.push(retry),
      pausePartition: (partition) => paused.push(partition),
      resumePartition: (partition) => {
        resumed.push(partition);
        resumedAfter.push(completed.length);
      },
    });
    const dispatcher = new Dispatcher(
      ports,
      settings({
        concurrencyPerEndpoint: 1,
        queuePerEndpoint: 4,
        holdDrainMaxMs,
        breaker: { failureThreshold: 10, openMs: 1000, maxOpenMs: 1000 },
      }),
      { logger: createLogger('test', 'silent') },
    );
    // The first task gives the endpoint a completion rate and a last outcome.
    await dispatcher.accept([{ ...job(0, completed), partition: 3 }]);
    await settle(completed, 1);
    await dispatcher.accept(
      Array.from({ length: 10 }, (_, i) => ({ ...job(i + 1, completed), partition: 3 })),
    );
    await settle(completed, 11);
    return { retries, paused, resumed, resumedAfter, completed };
  }

  it('keeps the excess of a healthy endpoint that drains soon, pausing its partition until half is delivered', async () => {
    const { retries, paused, resumed, completed } = await overflow(() => 200, 15_000);
    assert.deepEqual(retries, [], 'nothing goes through the retry scheduler');
    assert.deepEqual(paused.slice(0, 1), [3]);
    assert.deepEqual(resumed, [3]);
    assert.deepEqual(
      completed,
      Array.from({ length: 11 }, (_, i) => i),
      'every task is delivered, in order',
    );
  });

  it('lets go of a held partition as soon as the endpoint fails, before half its queue is gone', async () => {
    // Held with 1 running and 9 waiting; the third attempt fails (the circuit stays closed below 10
    // failures): released with about 7 still waiting.
    const { resumedAfter } = await overflow((n) => (n < 2 ? 200 : 500), 15_000);
    assert.ok(
      resumedAfter.length > 0 && resumedAfter[0] <= 4,
      `released after ${resumedAfter[0]} completions`,
    );
  });

  it('defers the excess when the endpoint’s last attempt failed, its queue drains too slowly, or holding is off', async () => {
    for (const [firstStatus, holdDrainMaxMs] of [
      [500, 15_000],
      [200, 1],
      [200, undefined],
      [200, 0],
    ] as const) {
      const { retries, paused } = await overflow((n) => (n === 0 ? firstStatus : 200), holdDrainMaxMs);
      const deferred = retries.filter((retry) => retry.lastError === 'endpoint queue full');
      assert.equal(
        deferred.length,
        5,
        `${firstStatus}, ${holdDrainMaxMs}: the 5 over the queue's bound are deferred`,
      );
      assert.deepEqual(paused, []);
    }
  });
});

describe('Dispatcher, copies of a task (Kafka re-reads, retries sent twice)', () => {
  /** Runs `tasks` through a dispatcher that joined just now; `recorded` is the status of each delivery whose attempt was recorded. */
  async function run(
    ordered: boolean,
    recorded: Record<string, string>,
    tasks: { n: number; attempt?: number; timestamp: number }[],
  ) {
    const target = endpointRow({ ordered });
    const sent: string[] = [];
    const asked: string[] = [];
    const dispatcher = new Dispatcher(
      fakePorts({
        endpoint: () => target,
        deliver: async (_target, message) => {
          sent.push(message.headers['webhook-id']);
          return answer(200);
        },
        recordedAttempt: async (deliveryId) => {
          asked.push(deliveryId);
          return recorded[deliveryId];
        },
      }),
      settings({ queuePerEndpoint: 10 }),
      { logger: createLogger('test', 'silent') },
    );
    dispatcher.rejoined();
    const completed: number[] = [];
    await dispatcher.accept(
      tasks.map(({ n, attempt = 1, timestamp }) => ({
        ...job(n, completed),
        timestamp,
        value: { ...job(n, completed).value, attempt },
      })),
    );
    await settle(completed, tasks.length);
    assert.equal(completed.length, tasks.length, 'every copy completes');
    return { sent: sent.length, asked: asked.sort() };
  }
  const old = Date.now() - 60_000;

  it('skips a first attempt produced before the join whose attempt is recorded; sends newer ones without asking', async () => {
    // 1: re-read, delivered before; 2: re-read, failed before (its retry is with the scheduler); 3: re-read, never tried; 4: produced after the join.
    const result = await run(false, { dlv_1: 'delivered', dlv_2: 'retrying' }, [
      { n: 1, timestamp: old },
      { n: 2, timestamp: old },
      { n: 3, timestamp: old },
      { n: 4, timestamp: Date.now() + 5 },
    ]);
    assert.deepEqual(
      result.asked,
      ['dlv_1', 'dlv_2', 'dlv_3'],
      'only the ones produced before the join are looked up',
    );
    assert.equal(result.sent, 2, 'the two recorded ones are not sent again');
  });

  it('sends again a recorded attempt of an ordered endpoint whose delivery is still retrying (that retry lived in memory)', async () => {
    const result = await run(true, { dlv_1: 'retrying', dlv_2: 'delivered' }, [
      { n: 1, attempt: 3, timestamp: Date.now() + 5 },
      { n: 2, attempt: 3, timestamp: Date.now() + 5 },
    ]);
    assert.deepEqual(result.asked, ['dlv_1', 'dlv_2'], 'retries are always looked up');
    assert.equal(result.sent, 1, 'only the retrying one is sent again');
  });
});

describe('Dispatcher, a rejoin of the consumer group', () => {
  it('forgets the holds KafkaJS resumed (gauge back to 0), and pauses again with the next task over the limit', async () => {
    const ordered = endpointRow({ id: 'ep_ordered_rejoin', ordered: true });
    const paused: number[] = [];
    const resumed: number[] = [];
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const dispatcher = new Dispatcher(
      fakePorts({
        endpoint: () => ordered,
        deliver: async () => {
          await gate;
          return answer(200);
        },
        pausePartition: (partition) => paused.push(partition),
        resumePartition: (partition) => resumed.push(partition),
      }),
      settings({ concurrencyPerEndpoint: 1, queuePerEndpoint: 2 }),
      { logger: createLogger('test', 'silent') },
    );
    const gauge = async () => (await metrics.dispatchPausedPartitions.get()).values[0]?.value;
    const completed: number[] = [];
    const task = (n: number) => ({
      ...job(n, completed),
      partition: 5,
      value: { ...job(n, completed).value, endpointId: ordered.id },
    });
    await dispatcher.accept([0, 1, 2].map(task));
    assert.deepEqual(paused, [5]);
    assert.equal(await gauge(), 1);
    dispatcher.rejoined();
    assert.equal(await gauge(), 0, 'the rejoin resumed the partition');
    await dispatcher.accept([task(3)]);
    assert.deepEqual(paused, [5, 5], 'still over its limit: paused again');
    assert.equal(await gauge(), 1);
    open();
    await settle(completed, 4);
    assert.deepEqual(completed, [0, 1, 2, 3]);
    assert.deepEqual(resumed, [5]);
    assert.equal(await gauge(), 0);
  });
});

describe('Dispatcher, partition pause refused', () => {
  it('logs a refused pause or resume (KafkaJS consumer stopped) instead of rejecting a settle', async () => {
    const ordered = endpointRow({ id: 'ep_ordered_2', ordered: true });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const refuse = () => {
        throw new Error('Consumer group was not initialized');
      };
      const dispatcher = new Dispatcher(
        fakePorts({ endpoint: () => ordered, pausePartition: refuse, resumePartition: refuse }),
        settings({ concurrencyPerEndpoint: 1, queuePerEndpoint: 2 }),
        { logger: createLogger('test', 'silent') },
      );
      const completed: number[] = [];
      await dispatcher.accept(
        Array.from({ length: 6 }, (_, n) => ({
          ...job(n, completed),
          value: { ...job(n, completed).value, endpointId: ordered.id },
        })),
      );
      await settle(completed, 6);
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(completed, [0, 1, 2, 3, 4, 5]);
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('Dispatcher, an ordered endpoint failing for long', () => {
  it('is disabled after ENDPOINT_DISABLE_AFTER_MS of continuous failure, like the others (it has no circuit)', async () => {
    // Frozen (endpointRow): what the dispatcher decides is kept beside the live view's row, never on it.
    const ordered = endpointRow({
      id: 'ep_ordered_3',
      ordered: true,
      retryPolicy: { maxAttempts: 50, baseSeconds: 0.01, factor: 1, capSeconds: 0.01 },
    });
    const disabled: string[] = [];
    const operational: string[] = [];
    const cancelled: string[] = [];
    let sends = 0;
    const dispatcher = new Dispatcher(
      fakePorts({
        endpoint: () => ordered,
        cancel: async (deliveryId) => void cancelled.push(deliveryId),
        deliver: async () => {
          sends++;
          return answer(500);
        },
        disableEndpoint: async (endpointId) => void disabled.push(endpointId),
        emitOperational: async (type) => void operational.push(type),
      }),
      settings({
        concurrencyPerEndpoint: 1,
        breaker: { failureThreshold: 1, openMs: 1000, maxOpenMs: 1000 },
        disableAfterMs: 100,
      }),
      { logger: createLogger('test', 'silent') },
    );
    const completed: number[] = [];
    await dispatcher.accept([
      { ...job(1, completed), value: { ...job(1, completed).value, endpointId: ordered.id } },
    ]);
    await settle(completed, 1);
    assert.deepEqual(disabled, [ordered.id]);
    assert.deepEqual(operational, ['endpoint.disabled']);
    assert.deepEqual(completed, [1], 'its head is then cancelled and completed');
    const sent = sends;
    await dispatcher.accept([
      { ...job(2, completed), value: { ...job(2, completed).value, endpointId: ordered.id } },
    ]);
    await settle(completed, 2);
    assert.equal(sends, sent, 'nothing more is sent to it while the view still serves the same row');
    assert.deepEqual(cancelled, ['dlv_1', 'dlv_2']);
  });
});

describe('Dispatcher, an attempt PostgreSQL refuses to store (issue 19)', () => {
  const dataError = () =>
    Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' });
  const answered = async () => ({
    statusCode: 200,
    error: null,
    retryAfterHeader: null,
    durationMs: 1,
    errorDetail: null,
    responseBody: 'ok\u0000',
  });

  async function run(
    record: (row: AttemptRow) => Promise<void>,
  ): Promise<{ completed: number[]; rejected: number[] }> {
    const completed: number[] = [];
    const rejected: number[] = [];
    const dispatcher = new Dispatcher(fakePorts({ deliver: answered, record }), settings(), {
      logger: createLogger('test', 'silent'),
    });
    await dispatcher.accept([job(1, completed, rejected)]);
    const deadline = Date.now() + 5000;
    while (completed.length + rejected.length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    return { completed, rejected };
  }

  it("stores the attempt without the receiver's texts when its row is refused for its data, instead of retrying it forever", async () => {
    const rows: AttemptRow[] = [];
    const { completed, rejected } = await run(async (row) => {
      rows.push(row);
      if (row.responseBody !== null) throw dataError();
    });
    assert.deepEqual([completed, rejected], [[1], []]);
    assert.deepEqual(
      rows.map((row) => [row.status, row.responseBody]),
      [
        ['delivered', 'ok\u0000'],
        ['delivered', null],
      ],
    );
  });

  it('sends the task to the invalid topic when even that row is refused, so its partition moves on', async () => {
    let calls = 0;
    const { completed, rejected } = await run(async () => {
      calls++;
      throw dataError();
    });
    assert.deepEqual([completed, rejected, calls], [[], [1], 2]);
  });

  it('still retries a write that failed for an outage until it succeeds', async () => {
    let calls = 0;
    const { completed, rejected } = await run(async () => {
      if (++calls < 3) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    });
    assert.deepEqual([completed, rejected, calls], [[1], [], 3]);
  });
});

describe('Dispatcher, its clock', () => {
  it('signs with the secrets active by its clock, and stamps the request and the attempt with its time', async () => {
    const at = Date.parse('2030-01-01T00:00:00Z');
    const target = endpointRow({
      secrets: [
        // Active by the system's time, expired by the dispatcher's clock.
        { key: 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', expiresAt: '2029-12-31T00:00:00Z' },
        { key: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', expiresAt: null },
      ],
    });
    const requests: Record<string, string>[] = [];
    const rows: AttemptRow[] = [];
    const dispatcher = new Dispatcher(
      fakePorts({
        endpoint: () => target,
        deliver: async (_target, message) => {
          requests.push(message.headers);
          return answer(200);
        },
        record: async (row) => void rows.push(row),
      }),
      settings(),
      { logger: createLogger('test', 'silent'), clock: { now: () => at } },
    );
    const completed: number[] = [];
    await dispatcher.accept([job(1, completed)]);
    await settle(completed, 1);
    assert.equal(requests[0]['webhook-timestamp'], String(at / 1000));
    assert.equal(requests[0]['webhook-signature'].split(' ').length, 1, 'signed with the active secret only');
    assert.equal(rows[0].startedAt.getTime(), at);
  });
});

describe('Dispatcher, queueing before an attempt (issue 23)', () => {
  const queueSeries = async (suffix: 'sum' | 'count') =>
    (await metrics.deliveryQueue.get()).values.find(
      (value) => value.metricName === `gateway_delivery_queue_seconds_${suffix}`,
    )?.value ?? 0;

  it("times a queued task's attempt as its destination call alone; its wait is gateway_delivery_queue_seconds", async () => {
    const clock = { at: 1_000_000, now: () => clock.at };
    const answers: (() => void)[] = [];
    /** Resolves once the `n`th request has been sent. */
    const sent = async (n: number) => {
      for (let turn = 0; answers.length < n; turn++) {
        assert.ok(turn < 100_000, `request ${n} is sent`);
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const rows: AttemptRow[] = [];
    const dispatcher = new Dispatcher(
      fakePorts({
        deliver: async () => {
          await new Promise<void>((resolve) => answers.push(resolve));
          return { ...answer(200), durationMs: 999 }; // the sender's own figure is not what is kept
        },
        record: async (row) => void rows.push(row),
      }),
      settings({ concurrencyPerEndpoint: 1 }),
      { logger: createLogger('test', 'silent'), clock },
    );
    const [sumBefore, countBefore] = [await queueSeries('sum'), await queueSeries('count')];
    const completed: number[] = [];
    await dispatcher.accept([job(1, completed), job(2, completed)]);
    await sent(1);
    clock.at += 40; // the first call takes 40 ms; the second task waits behind it in the queue
    answers[0]();
    await sent(2);
    clock.at += 7;
    answers[1]();
    await settle(completed, 2);
    const byDelivery = new Map(rows.map((row) => [row.deliveryId, row]));
    assert.equal(byDelivery.get('dlv_1')?.durationMs, 40);
    assert.equal(byDelivery.get('dlv_2')?.durationMs, 7, 'the 40 ms it waited are not attempt time');
    assert.equal(byDelivery.get('dlv_2')?.startedAt.getTime(), 1_000_040);
    assert.equal((await queueSeries('count')) - countBefore, 2);
    assert.ok(Math.abs((await queueSeries('sum')) - sumBefore - 0.04) < 1e-9, 'waits of 0 and 40 ms');
  });
});

describe('Dispatcher, outcomes', () => {
  const count = async (outcome: string) =>
    (await metrics.deliveries.get()).values.find((value) => value.labels.outcome === outcome)?.value ?? 0;

  it('names each outcome once: cancelled, duplicate, deferred, delivered', async () => {
    const names = ['cancelled', 'duplicate', 'deferred', 'delivered'];
    const counts = () => Promise.all(names.map(count));
    const before = await counts();
    const waiting: (() => void)[] = [];
    /** Answers the next request, once it has arrived. */
    const respond = async () => {
      for (let turn = 0; waiting.length === 0; turn++) {
        assert.ok(turn < 100_000, 'a request arrives');
        await new Promise((resolve) => setImmediate(resolve));
      }
      waiting.shift()!();
    };
    const dispatcher = new Dispatcher(
      fakePorts({
        endpoint: (id) => (id === endpoint.id ? endpoint : undefined),
        deliver: async () => {
          await new Promise<void>((resolve) => waiting.push(resolve));
          return answer(200);
        },
      }),
      settings({ concurrencyPerEndpoint: 1, queuePerEndpoint: 2 }),
      { logger: createLogger('test', 'silent') },
    );
    const completed: number[] = [];
    const gone = job(1, completed);
    await dispatcher.accept([{ ...gone, value: { ...gone.value, endpointId: 'ep_gone' } }]);
    // 2 is sent; its copy and 3 wait in the queue (2 places); 4 finds it full.
    await dispatcher.accept([job(2, completed), job(2, completed), job(3, completed), job(4, completed)]);
    await settle(completed, 2);
    await respond();
    await settle(completed, 4);
    await respond();
    await settle(completed, 5);
    const after = await counts();
    assert.deepEqual(
      names.map((name, i) => [name, after[i] - before[i]]),
      [
        ['cancelled', 1],
        ['duplicate', 1],
        ['deferred', 1],
        ['delivered', 2],
      ],
    );
  });
});
