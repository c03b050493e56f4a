import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ArgumentsHost } from '@nestjs/common';
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
});
