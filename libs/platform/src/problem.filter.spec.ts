import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ArgumentsHost } from '@nestjs/common';
import { SecretOpenError } from '@gateway/encryption';
import { KafkaUnavailableError } from '@gateway/kafka';
import { createLogger } from '@gateway/observability';
import { NotFoundError } from './domain-error';
import { ProblemFilter } from './problem.filter';

/** What the filter answered: status, headers and problem body. */
function answer(thrown: unknown): {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
} {
  const seen = { status: 0, headers: {} as Record<string, string>, body: {} as Record<string, unknown> };
  const reply = {
    status(code: number) {
      seen.status = code;
      return reply;
    },
    headers(values: Record<string, string>) {
      seen.headers = values;
      return reply;
    },
    send(body: Record<string, unknown>) {
      seen.body = body;
      return reply;
    },
  };
  const host = {
    switchToHttp: () => ({ getResponse: () => reply, getRequest: () => ({ url: '/v1/x' }) }),
  } as unknown as ArgumentsHost;
  new ProblemFilter(createLogger('problem-filter-spec', 'silent')).catch(thrown, host);
  return seen;
}

describe('problem filter', () => {
  it('answers 503 with Retry-After when a Kafka write was not acknowledged (never a 500 or a false 2xx)', () => {
    const { status, headers, body } = answer(new KafkaUnavailableError('kafka write failed: broker down'));
    assert.equal(status, 503);
    assert.equal(headers['retry-after'], '5');
    assert.equal(headers['content-type'], 'application/problem+json');
    assert.equal(body.type, 'urn:gateway:problem:kafka_unavailable');
    assert.doesNotMatch(String(body.detail), /broker down/, 'internals do not leak');
  });

  it('keeps domain errors as they are and hides the message of unexpected ones', () => {
    assert.equal(answer(new NotFoundError('event', 'evt_1')).status, 404);
    const unexpected = answer(new Error('connection string postgres://secret'));
    assert.equal(unexpected.status, 500);
    assert.equal(unexpected.body.detail, 'internal error');
    assert.match(
      String(unexpected.body.correlationId),
      /^[0-9a-f-]{36}$/,
      'a correlation id the log carries too',
    );
  });

  it('answers 503 with Retry-After when PostgreSQL is down or busy, or a stored secret has no key, never a 500', () => {
    const down = [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      new Error('timeout exceeded when trying to connect'),
      Object.assign(new Error('query failed'), {
        cause: { code: '57P01', message: 'terminating connection' },
      }),
      Object.assign(new Error('deadlock detected'), { code: '40P01' }),
    ];
    for (const error of down) {
      const { status, headers, body } = answer(error);
      assert.equal(status, 503, error.message);
      assert.equal(headers['retry-after'], '5');
      assert.equal(body.type, 'urn:gateway:problem:dependency_unavailable');
    }
    const secret = answer(new SecretOpenError('a secret at endpoint_secrets.key:ep_1 is sealed under k0'));
    assert.equal(secret.status, 503);
    assert.equal(secret.body.type, 'urn:gateway:problem:secret_unavailable');
    assert.doesNotMatch(String(secret.body.detail), /ep_1|k0/, 'where and which key stay in the log');
  });

  it('keeps a statement PostgreSQL refuses for what it says a 500 (a fault, not an outage)', () => {
    assert.equal(answer(Object.assign(new Error('syntax error'), { code: '42601' })).status, 500);
    assert.equal(answer(Object.assign(new Error('raised'), { code: 'P0001' })).status, 500);
  });
});
