import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeFailure, errorChain, failureKind } from './failure-kind';
import { KafkaUnavailableError } from './batching-producer';

const pgError = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('failureKind', () => {
  it('takes PostgreSQL data errors (SQLSTATE classes 22, 23, 54) as about the message', () => {
    for (const code of ['22021', '22P05', '22P02', '23505', '23514', '54000', '54001'])
      assert.equal(failureKind(pgError(code)), 'message', code);
  });

  it('takes other PostgreSQL errors as transient: connection, shutdown, lock, timeout, serialization', () => {
    for (const code of ['08006', '57P01', '57014', '55P03', '40001', '40P01', '53300', '42P01'])
      assert.equal(failureKind(pgError(code)), 'transient', code);
  });

  it('takes outages as transient: Kafka, sockets, lost connections, timeouts', () => {
    assert.equal(failureKind(new KafkaUnavailableError('kafka write failed')), 'transient');
    assert.equal(
      failureKind(Object.assign(new Error('x'), { name: 'KafkaJSNumberOfRetriesExceeded' })),
      'transient',
    );
    assert.equal(
      failureKind(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
      'transient',
    );
    assert.equal(failureKind(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })), 'transient');
    assert.equal(failureKind(new Error('Connection terminated unexpectedly')), 'transient');
    assert.equal(failureKind(new Error('timeout exceeded when trying to connect')), 'transient');
    assert.equal(failureKind(new Error('wrapped', { cause: pgError('57P01') })), 'transient');
  });

  it('takes any other exception as about the message (a stack overflow, a type error)', () => {
    assert.equal(failureKind(new RangeError('Maximum call stack size exceeded')), 'message');
    assert.equal(failureKind(new TypeError("Cannot read properties of undefined (reading 'x')")), 'message');
    assert.equal(failureKind('a string'), 'message');
  });

  it('describes a failure in one bounded line, with its SQLSTATE', () => {
    assert.equal(
      describeFailure(pgError('22021', 'invalid byte sequence for encoding "UTF8": 0x00')),
      'Error 22021: invalid byte sequence for encoding "UTF8": 0x00',
    );
    assert.equal(describeFailure(new RangeError('x'.repeat(1000))).length, 500);
  });
});

describe('errorChain', () => {
  it('lists an error and its causes, outermost first, and stops at six even when a cause is circular', () => {
    const inner = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const outer = new Error('retries exceeded', { cause: inner });
    assert.deepEqual(errorChain(outer), [outer, inner]);
    const circular: { cause?: unknown } = {};
    circular.cause = circular;
    assert.equal(errorChain(circular).length, 6);
  });
});
