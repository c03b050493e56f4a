import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '@gateway/observability';
import { DurableWrites } from './durable-writes';
import { EndpointHealth, UNREADABLE_WAIT_MS, type HealthSettings } from './endpoint-health';
import { endpointRow as row } from './endpoint-row.fixture';

const writes = new DurableWrites(createLogger('test', 'silent'), () => false);

/** Health over one endpoint (`current` is what the live view serves), with a fake clock at `clock.at`. */
function health(settings: Partial<HealthSettings> = {}, first = row()) {
  const clock = { at: Date.parse('2026-01-01T00:00:00Z'), now: () => clock.at };
  const view = { current: first };
  const calls: string[] = [];
  const events: { type: string; data: Record<string, unknown> }[] = [];
  const subject = new EndpointHealth(
    {
      endpoint: () => view.current,
      setFailing: async (endpointId, failing) => void calls.push(`setFailing ${endpointId} ${failing}`),
      disableEndpoint: async (endpointId, reason) => void calls.push(`disable ${endpointId}: ${reason}`),
      emitOperational: async (type, data) => void events.push({ type, data }),
    },
    {
      breaker: { failureThreshold: 2, openMs: 1000, maxOpenMs: 4000 },
      disableAfterMs: 60_000,
      endpointSeriesMax: 10,
      ...settings,
    },
    writes,
    clock,
  );
  return { subject, clock, view, calls, events };
}

describe('EndpointHealth', () => {
  it('sends nothing to an endpoint whose secrets do not open: defers its tasks, holds an ordered head (ADR 0027)', () => {
    const reason = 'a secret at endpoint_secrets.key:ep_1 is sealed under a key id that is not configured';
    const { subject, clock } = health();
    assert.deepEqual(subject.admit(row({ unreadable: reason })), {
      kind: 'defer',
      until: clock.at + UNREADABLE_WAIT_MS,
      reason,
    });
    assert.deepEqual(subject.admit(row({ unreadable: reason, ordered: true })), {
      kind: 'hold',
      until: clock.at + UNREADABLE_WAIT_MS,
      reason,
    });
    assert.deepEqual(subject.admit(row()), { kind: 'attempt' }, 'the row read again, fixed');
  });

  it('opens the circuit after the threshold, defers until the open period ends, probes once, closes on success', async () => {
    const { subject, clock, view, calls, events } = health();
    const endpoint = view.current;
    await subject.failed(endpoint);
    assert.deepEqual(subject.admit(endpoint), { kind: 'attempt' }, 'below the threshold');
    await subject.failed(endpoint);
    assert.deepEqual(calls, ['setFailing ep_1 true'], 'the failing streak starts as the circuit opens');
    assert.equal(subject.failingSince(endpoint), new Date(clock.at).toISOString());
    assert.deepEqual(subject.admit(endpoint), {
      kind: 'defer',
      until: clock.at + 1000,
      reason: 'circuit open',
    });
    assert.equal(subject.healthy('ep_1'), false);

    clock.at += 1000;
    assert.deepEqual(subject.admit(endpoint), { kind: 'attempt' }, 'the half-open probe');
    assert.equal(subject.admit(endpoint).kind, 'defer', 'one probe at a time');
    await subject.succeeded(endpoint);
    assert.deepEqual(subject.admit(endpoint), { kind: 'attempt' });
    assert.equal(subject.healthy('ep_1'), true);
    assert.equal(subject.failingSince(endpoint), null);
    assert.deepEqual(calls, ['setFailing ep_1 true', 'setFailing ep_1 false']);
    assert.deepEqual(
      events.map((event) => event.type),
      ['endpoint.recovered'],
    );
  });

  it('disables an endpoint failing continuously past disableAfterMs, once, without writing its row', async () => {
    const { subject, clock, view, calls, events } = health({
      breaker: { failureThreshold: 1, openMs: 1000, maxOpenMs: 1000 },
    });
    const endpoint = view.current;
    await subject.failed(endpoint);
    const since = new Date(clock.at).toISOString();
    clock.at += 59_999;
    await subject.failed(endpoint);
    assert.equal(subject.enabled(endpoint), true);
    clock.at += 1;
    await subject.failed(endpoint);
    await subject.failed(endpoint);
    assert.equal(subject.enabled(endpoint), false);
    assert.equal(endpoint.enabled, true, 'the live view’s row is untouched');
    assert.deepEqual(calls, ['setFailing ep_1 true', `disable ep_1: failing continuously since ${since}`]);
    assert.deepEqual(events, [
      {
        type: 'endpoint.disabled',
        data: { endpointId: 'ep_1', reason: `failing continuously since ${since}`, failingSince: since },
      },
    ]);
    assert.deepEqual(subject.failing(), [], 'a disabled endpoint is not listed as failing');
  });

  it('reads a fresh row as it is: an endpoint enabled again by an operator is enabled', async () => {
    const { subject, view } = health();
    await subject.disable(view.current, { kind: 'gone', deliveryId: 'dlv_1' });
    assert.equal(subject.enabled(view.current), false);
    view.current = row();
    assert.equal(subject.enabled(view.current), true);
  });

  it('disables on 410 Gone through the same path, with no failing-since', async () => {
    const { subject, view, calls, events } = health();
    await subject.disable(view.current, { kind: 'gone', deliveryId: 'dlv_9' });
    assert.deepEqual(calls, ['disable ep_1: HTTP 410 Gone on delivery dlv_9']);
    assert.deepEqual(events[0].data, {
      endpointId: 'ep_1',
      reason: 'HTTP 410 Gone on delivery dlv_9',
      failingSince: null,
    });
  });

  it('gives an ordered endpoint no circuit: always admitted, its streak starts with its first failure', async () => {
    const { subject, clock, view, calls } = health({}, row({ ordered: true }));
    await subject.failed(view.current);
    assert.deepEqual(subject.admit(view.current), { kind: 'attempt' });
    assert.equal(subject.failingSince(view.current), new Date(clock.at).toISOString());
    assert.deepEqual(calls, ['setFailing ep_1 true']);
  });

  it('lists the failing endpoints it attempted, with their circuit state and failing-since', async () => {
    const { subject, clock, view } = health({
      breaker: { failureThreshold: 1, openMs: 1000, maxOpenMs: 1000 },
    });
    await subject.failed(view.current);
    assert.deepEqual(subject.failing(), [{ endpointId: 'ep_1', state: 'open', failingSince: clock.at }]);
    // Another dispatcher cleared the mark: the reloaded row says so.
    view.current = row();
    assert.deepEqual(subject.failing(), []);
  });
});
