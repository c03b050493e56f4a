import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PayloadFilter } from './payload-filter';
import { buildMatcher, type RoutableEvent, type SubscribedEndpoint } from './subscription-matcher';

function endpoint(id: string, overrides: Partial<SubscribedEndpoint> = {}): SubscribedEndpoint {
  return { id, eventTypes: ['*'], filter: null, tenant: null, enabled: true, ...overrides };
}

function event(
  type: string,
  tenant: string | null | undefined = undefined,
  data: unknown = {},
): RoutableEvent {
  return { type, tenant, data };
}

const sorted = (ids: string[]) => [...ids].sort();

void describe('buildMatcher', () => {
  void it('never matches disabled endpoints', () => {
    const match = buildMatcher([endpoint('on'), endpoint('off', { enabled: false })]);
    assert.deepEqual(match(event('invoice.paid')), ['on']);
  });

  void it('gives a tenant endpoint only its tenant events, and an untenanted one every event', () => {
    const match = buildMatcher([
      endpoint('acme', { tenant: 'acme' }),
      endpoint('globex', { tenant: 'globex' }),
      endpoint('everyone'),
    ]);
    assert.deepEqual(sorted(match(event('x', 'acme'))), ['acme', 'everyone']);
    assert.deepEqual(sorted(match(event('x', 'globex'))), ['everyone', 'globex']);
    assert.deepEqual(match(event('x', 'initech')), ['everyone']);
    assert.deepEqual(match(event('x', null)), ['everyone']);
    assert.deepEqual(match(event('x', undefined)), ['everyone']);
  });

  void it('applies exact, prefix and catch-all patterns', () => {
    const match = buildMatcher([
      endpoint('exact', { eventTypes: ['invoice.paid'] }),
      endpoint('prefix', { eventTypes: ['invoice.*'] }),
      endpoint('deep', { eventTypes: ['invoice.payment.*'] }),
      endpoint('all', { eventTypes: ['*'] }),
      endpoint('none', { eventTypes: [] }),
    ]);
    assert.deepEqual(sorted(match(event('invoice.paid'))), ['all', 'exact', 'prefix']);
    assert.deepEqual(sorted(match(event('invoice.payment.failed'))), ['all', 'deep', 'prefix']);
    assert.deepEqual(sorted(match(event('invoice'))), ['all']);
    assert.deepEqual(sorted(match(event('invoice.'))), ['all']);
    assert.deepEqual(sorted(match(event('customer.created'))), ['all']);
  });

  void it('returns an endpoint once even when several of its patterns match', () => {
    const match = buildMatcher([
      endpoint('overlap', { eventTypes: ['invoice.paid', 'invoice.*', 'invoice.paid.*', 'invoice.paid'] }),
      endpoint('star', { eventTypes: ['invoice.paid', '*'] }),
    ]);
    assert.deepEqual(sorted(match(event('invoice.paid'))), ['overlap', 'star']);
    assert.deepEqual(sorted(match(event('invoice.paid.late'))), ['overlap', 'star']);
  });

  void it('requires the filter to match as well as type and tenant', () => {
    const filter: PayloadFilter = { amount: { $gte: 100 } };
    const match = buildMatcher([
      endpoint('big', { eventTypes: ['invoice.*'], filter, tenant: 'acme' }),
      endpoint('any', { eventTypes: ['invoice.*'] }),
    ]);
    assert.deepEqual(sorted(match(event('invoice.paid', 'acme', { amount: 150 }))), ['any', 'big']);
    assert.deepEqual(match(event('invoice.paid', 'acme', { amount: 50 })), ['any']);
    assert.deepEqual(match(event('invoice.paid', 'globex', { amount: 150 })), ['any']);
    assert.deepEqual(match(event('order.paid', 'acme', { amount: 150 })), []);
  });

  void it('names the endpoint whose stored filter cannot be compiled', () => {
    const bad = endpoint('ep_bad', { filter: { a: { $regex: 'x' } } });
    assert.throws(() => buildMatcher([bad]), /endpoint ep_bad: unknown operator "\$regex"/);
  });

  void it('agrees with a brute-force scan over many endpoints', () => {
    const types = [
      'invoice.paid',
      'invoice.voided',
      'invoice.payment.failed',
      'customer.created',
      'customer',
    ];
    const patterns = ['*', 'invoice.*', 'invoice.paid', 'invoice.payment.*', 'customer.*', 'customer'];
    const tenants = [null, 't1', 't2'];
    const endpoints: SubscribedEndpoint[] = [];
    for (let i = 0; i < 600; i += 1) {
      endpoints.push(
        endpoint(`ep_${i}`, {
          eventTypes: [patterns[i % patterns.length], patterns[(i * 7) % patterns.length]],
          tenant: tenants[i % tenants.length],
          enabled: i % 11 !== 0,
          filter: i % 5 === 0 ? { n: { $gt: i % 3 } } : null,
        }),
      );
    }
    const matchesType = (pattern: string, type: string) =>
      pattern === '*' ||
      pattern === type ||
      (pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1)));
    const match = buildMatcher(endpoints);
    for (const type of types) {
      for (const tenant of [null, 't1', 't2', 't3']) {
        for (const n of [0, 1, 2, 3]) {
          const expected = endpoints
            .filter((e) => e.enabled)
            .filter((e) => e.tenant === null || e.tenant === tenant)
            .filter((e) => e.eventTypes.some((pattern) => matchesType(pattern, type)))
            .filter((e) => e.filter === null || n > (e.filter.n as { $gt: number }).$gt)
            .map((e) => e.id);
          assert.deepEqual(
            sorted(match(event(type, tenant, { n }))),
            sorted(expected),
            `${type} ${tenant} ${n}`,
          );
        }
      }
    }
  });
});
