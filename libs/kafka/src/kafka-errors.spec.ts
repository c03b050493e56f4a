import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeKafkaError } from './kafka-errors';

const named = (name: string, message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name, ...extra });

describe('describeKafkaError', () => {
  it('names a refused SASL credential and the variables to check, without any password', () => {
    const line = describeKafkaError(
      named(
        'KafkaJSSASLAuthenticationError',
        'SASL SCRAM SHA512 authentication failed: Authentication failed',
        { broker: '127.0.0.1:9093' },
      ),
    );
    assert.match(line, /^SASL authentication failed \(127\.0\.0\.1:9093\)/);
    assert.match(line, /KAFKA_SASL_PASSWORD/);
  });

  it('finds the cause KafkaJS wrapped in its retries', () => {
    const inner = named(
      'KafkaJSConnectionError',
      'Connection error: self-signed certificate in certificate chain',
      { code: 'SELF_SIGNED_CERT_IN_CHAIN', broker: 'b:1' },
    );
    const outer = named('KafkaJSNumberOfRetriesExceeded', inner.message, { cause: inner });
    assert.match(
      describeKafkaError(outer),
      /^TLS: the broker's certificate is not trusted \(b:1\) \(SELF_SIGNED_CERT_IN_CHAIN\); set KAFKA_SSL_CA_FILE/,
    );
  });

  it('tells a refused connection, a closed one and a plaintext listener apart', () => {
    assert.match(
      describeKafkaError(
        named('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED', { code: 'ECONNREFUSED' }),
      ),
      /^no broker accepts connections/,
    );
    assert.match(
      describeKafkaError(named('KafkaJSConnectionClosedError', 'Closed connection')),
      /set KAFKA_SSL and KAFKA_SASL_\*/,
    );
    assert.match(
      describeKafkaError(
        named('KafkaJSConnectionError', 'Connection error: ... wrong version number', {
          code: 'ERR_SSL_WRONG_VERSION_NUMBER',
        }),
      ),
      /set KAFKA_SSL=false/,
    );
  });

  it('keeps only the first line of anything else', () => {
    assert.equal(describeKafkaError(new Error('first\nsecond')), 'first');
    assert.equal(describeKafkaError('text'), 'text');
  });
});
