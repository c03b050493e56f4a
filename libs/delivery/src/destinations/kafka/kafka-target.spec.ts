import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { destinationView, endpointDestination } from '../endpoint-destination';

const problems = (value: unknown): string[] => {
  const parsed = endpointDestination.safeParse(value);
  return parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('Kafka destination field', () => {
  it('accepts a topic of the gateway’s cluster, or of another with its brokers, TLS and SASL', () => {
    assert.deepEqual(problems({ type: 'kafka', topic: 'billing.invoices-v2_eu' }), []);
    assert.deepEqual(
      problems({
        type: 'kafka',
        topic: 'orders',
        brokers: ['kafka-1.example.com:9093', '10.1.2.3:9092', '[2001:db8::1]:9092'],
        ssl: true,
        sasl: { mechanism: 'scram-sha-512', username: 'gateway', password: 's3cret' },
      }),
      [],
    );
  });

  it('refuses hostile topic names, broker lists and credentials', () => {
    const hostile: [unknown, string][] = [
      [{ type: 'kafka', topic: '' }, 'topic'],
      [{ type: 'kafka', topic: 'a/b' }, 'topic'],
      [{ type: 'kafka', topic: 'x'.repeat(250) }, 'topic'],
      [{ type: 'kafka', topic: '..' }, 'topic'],
      [{ type: 'kafka', topic: '__consumer_offsets' }, 'topic'],
      [{ type: 'kafka', topic: 'ok\u0000' }, 'topic'],
      [{ type: 'kafka', topic: 't', brokers: [] }, 'brokers'],
      [{ type: 'kafka', topic: 't', brokers: ['no-port'] }, 'brokers.0'],
      [{ type: 'kafka', topic: 't', brokers: ['host:0'] }, 'brokers.0'],
      [{ type: 'kafka', topic: 't', brokers: ['host:70000'] }, 'brokers.0'],
      [{ type: 'kafka', topic: 't', brokers: ['http://host:9092'] }, 'brokers.0'],
      [{ type: 'kafka', topic: 't', brokers: ['host:9092\r\nX: y'] }, 'brokers.0'],
      [{ type: 'kafka', topic: 't', brokers: ['a:1', 'a:1'] }, 'brokers'],
      [{ type: 'kafka', topic: 't', brokers: Array.from({ length: 21 }, (_, i) => `b${i}:9092`) }, 'brokers'],
      [
        { type: 'kafka', topic: 't', sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' } },
        'sasl',
      ],
      [{ type: 'kafka', topic: 't', ssl: true }, 'ssl'],
      [
        {
          type: 'kafka',
          topic: 't',
          brokers: ['a:1'],
          sasl: { mechanism: 'plain', username: 'u', password: 'p' },
        },
        'ssl',
      ],
      [
        {
          type: 'kafka',
          topic: 't',
          brokers: ['a:1'],
          ssl: true,
          sasl: { mechanism: 'gssapi', username: 'u', password: 'p' },
        },
        'sasl.mechanism',
      ],
      [
        {
          type: 'kafka',
          topic: 't',
          brokers: ['a:1'],
          ssl: true,
          sasl: { mechanism: 'plain', username: 'u\n', password: 'p' },
        },
        'sasl.username',
      ],
      [{ type: 'kafka', topic: 't', extra: 1 }, ''],
      [{ type: 'sqs', topic: 't' }, 'type'],
    ];
    for (const [value, path] of hostile) {
      const found = problems(value);
      assert.ok(
        found.some((problem) => problem.startsWith(`${path}:`)),
        `${JSON.stringify(value)}: expected a problem at "${path}", got ${JSON.stringify(found)}`,
      );
    }
  });

  it('answers without the SASL password', () => {
    const stored = {
      type: 'kafka',
      topic: 'orders',
      brokers: ['a:9093'],
      ssl: true,
      sasl: { mechanism: 'scram-sha-256', username: 'gateway', password: 's3cret' },
    };
    const view = destinationView.parse(stored);
    assert.deepEqual(view.sasl, { mechanism: 'scram-sha-256', username: 'gateway' });
    assert.ok(!JSON.stringify(view).includes('s3cret'));
  });
});
