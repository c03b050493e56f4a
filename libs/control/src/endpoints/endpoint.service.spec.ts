import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  DeliveriesRepository,
  EndpointRecord,
  EndpointsRepository,
  RetriesRepository,
} from '@gateway/persistence';
import { EndpointService } from './endpoint.service';
import { EndpointStatusService } from './endpoint-status.service';

const record = (enabled: boolean): EndpointRecord => ({
  id: 'ep_1',
  url: 'https://r.example/in',
  destination: null,
  description: null,
  eventTypes: ['*'],
  filter: null,
  tenant: null,
  ordered: false,
  retryPolicy: null,
  rateLimit: null,
  headers: {},
  enabled,
  disabledReason: null,
  failingSince: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
});

/** The statements each call ran, in order, on tables that answer as given. */
function tables(answers: { updated?: EndpointRecord; deleted?: boolean }) {
  const ran: string[] = [];
  const endpoints = {
    update: async () => (ran.push('endpoints.update'), answers.updated),
    delete: async () => (ran.push('endpoints.delete'), answers.deleted ?? false),
    disable: async (id: string, reason: string) => void ran.push(`endpoints.disable ${id} ${reason}`),
  } as unknown as EndpointsRepository;
  const retries = {
    deleteForEndpoint: async (id: string) => (ran.push(`retries.deleteForEndpoint ${id}`), 2),
  } as unknown as RetriesRepository;
  const deliveries = {
    cancelRetrying: async (id: string) => void ran.push(`deliveries.cancelRetrying ${id}`),
  } as unknown as DeliveriesRepository;
  const status = new EndpointStatusService(endpoints, retries, deliveries);
  return { ran, status, service: new EndpointService(endpoints, status) };
}

const endsRetries = ['retries.deleteForEndpoint ep_1', 'deliveries.cancelRetrying ep_1'];

// The rule was the API controller's (after the update or delete it called replay's cancel), and
// persistence's disableEndpoint repeated it for the dispatcher: now one service holds it.
describe('a disabled or deleted endpoint has no pending retries', () => {
  it('ends them when the dispatcher disables the endpoint, after keeping why', async () => {
    const { ran, status } = tables({});
    await status.disable('ep_1', 'HTTP 410 Gone');
    assert.deepEqual(ran, ['endpoints.disable ep_1 HTTP 410 Gone', ...endsRetries]);
  });

  it('ends them when an update leaves the endpoint disabled', async () => {
    const { ran, service } = tables({ updated: record(false) });
    const view = await service.update('ep_1', { enabled: false });
    assert.ok(view && 'enabled' in view);
    assert.equal(view.enabled, false);
    assert.deepEqual(ran, ['endpoints.update', ...endsRetries]);
  });

  it('keeps them when the endpoint stays enabled, or does not exist', async () => {
    for (const updated of [record(true), undefined]) {
      const { ran, service } = tables({ updated });
      await service.update('ep_1', { url: 'https://r.example/other' });
      assert.deepEqual(ran, ['endpoints.update']);
    }
  });

  it('ends them when the endpoint is deleted, and does nothing for an unknown one', async () => {
    const deleted = tables({ deleted: true });
    assert.equal(await deleted.service.remove('ep_1'), true);
    assert.deepEqual(deleted.ran, ['endpoints.delete', ...endsRetries]);
    const missing = tables({ deleted: false });
    assert.equal(await missing.service.remove('ep_1'), false);
    assert.deepEqual(missing.ran, ['endpoints.delete']);
  });

  it('answers the view without the breaker mark', async () => {
    const { service } = tables({ updated: record(false) });
    const view = await service.update('ep_1', { enabled: false });
    assert.ok(view && !('failingSince' in view) && 'createdAt' in view);
    assert.equal(view.createdAt, '1970-01-01T00:00:00.000Z');
  });
});

describe('EndpointService under EVENT_TYPES_STRICT', () => {
  it('refuses a subscription naming types not in the catalog, before writing anything', async () => {
    const { ran, status } = tables({ updated: record(true) });
    const endpoints = { update: async () => (ran.push('endpoints.update'), record(true)) };
    const strict = new EndpointService(
      endpoints as unknown as EndpointsRepository,
      status,
      async (patterns) => patterns.filter((pattern) => pattern !== 'invoice.paid'),
    );
    const refused = await strict.update('ep_1', { eventTypes: ['invoice.paid', 'nope', 'x.*'] });
    assert.deepEqual(
      refused && 'unprocessable' in refused && refused.unprocessable.map((issue) => issue.path),
      ['eventTypes'],
    );
    assert.match(JSON.stringify(refused), /nope, x\.\*/);
    assert.deepEqual(ran, []);
    const accepted = await strict.update('ep_1', { eventTypes: ['invoice.paid'] });
    assert.ok(accepted && 'enabled' in accepted);
    assert.deepEqual(ran, ['endpoints.update']);
  });
});
