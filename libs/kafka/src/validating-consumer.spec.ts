import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KafkaMessage } from 'kafkajs';
import { INVALID_VALUE_KEPT_BYTES } from '@gateway/schemas';
import { toInvalid } from './validating-consumer';

const message = (value: Buffer, key = 'k'): KafkaMessage => ({
  key: Buffer.from(key),
  value,
  offset: '7',
  timestamp: '0',
  attributes: 0,
  headers: {},
});

describe('toInvalid', () => {
  // Issue 19 (found by the fuzz suite): a value near Kafka's size limit, or one failing its schema
  // once per key, made an invalid-topic record Kafka refused; the consumer retried it forever.
  it('bounds the record whatever the message: the value cut (its length kept), the first 20 errors and a count, long texts cut', () => {
    const value = Buffer.alloc(1_000_000, 0x61);
    const errors = Array.from({ length: 12_000 }, (_, i) => ({
      path: `headers.k${i}`,
      message: 'x'.repeat(2000),
    }));
    const record = toInvalid(message(value, 'key'.repeat(100_000)), 'topic', 0, 'group', 'schema', errors);
    assert.equal(Buffer.from(record.valueBase64 ?? '', 'base64').length, INVALID_VALUE_KEPT_BYTES);
    assert.equal(record.valueBytes, 1_000_000);
    assert.equal(record.errors.length, 21);
    assert.deepEqual(record.errors[20], { path: '', message: 'and 11980 more' });
    assert.ok(record.errors.every((error) => error.message.length <= 500));
    assert.ok((record.key ?? '').length <= 500);
    assert.ok(Buffer.byteLength(JSON.stringify(record)) < 800_000, 'well under Kafka’s 1 MB');
  });

  it('keeps a small value whole, without valueBytes', () => {
    const record = toInvalid(message(Buffer.from('not json')), 'topic', 0, 'group', 'not-json', [
      { path: '', message: 'Unexpected token' },
    ]);
    assert.equal(Buffer.from(record.valueBase64 ?? '', 'base64').toString(), 'not json');
    assert.equal(record.valueBytes, undefined);
  });
});
