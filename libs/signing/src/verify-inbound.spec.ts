import path from 'node:path';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  providerKeys,
  verifyInbound,
  type InboundResult,
  type ProviderKey,
  type RejectionReason,
} from './index';
import { readProviderVectors, type ProviderVector } from './provider-vectors';

const vectors = readProviderVectors(path.resolve('test/fixtures/provider-vectors.json'));

// What each kind of negative must be refused for, read from the case id's last segment.
const reasons: [RegExp, RejectionReason][] = [
  [/\/missing-prefix$/, 'malformed-header'],
  [/\/(missing-|sha1-only)/, 'missing-header'],
  [/\/stale-/, 'stale-timestamp'],
  [/\/future-/, 'future-timestamp'],
  [
    /\/(tampered|wrong|changed|mismatch|url-mismatch|timestamp-swapped|only-v0|hex-instead|token-case)/,
    'bad-signature',
  ],
  [/\/(signing-token-tampered|json-tampered|mismatched)/, 'bad-signature'],
];
const expectedReason = (id: string) => reasons.find(([pattern]) => pattern.test(id))?.[1];

// Schemes without a timestamp ignore the tolerance; the vectors leave it null for them.
const NO_TIMESTAMP_TOLERANCE = 300;

function run(vector: ProviderVector): InboundResult {
  const headers = Object.fromEntries(
    Object.entries(vector.headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  return verifyInbound(
    vector.provider,
    {
      method: 'POST',
      // Twilio and Square sign the URL and give it; for the others any public URL will do.
      url: vector.url ?? 'https://hooks.example.com/in/src_1',
      headers,
      rawBody: Buffer.from(vector.body, 'utf8'),
      now: vector.timestamp_now,
    },
    {
      secrets: [vector.secret ?? vector.public_key ?? ''],
      toleranceSeconds: vector.tolerance_seconds ?? NO_TIMESTAMP_TOLERANCE,
    },
  );
}

void describe('provider vectors', () => {
  void it('covers 100 cases over the 17 named providers', () => {
    assert.equal(vectors.length, 100);
    const named = new Set(vectors.map((vector) => vector.provider));
    assert.deepEqual([...named].sort(), providerKeys.filter((key) => key !== 'generic-hmac').sort());
  });

  for (const vector of vectors) {
    void it(`${vector.id} is ${vector.expect}`, () => {
      const result = run(vector);
      if (vector.expect === 'valid') {
        assert.ok(result.ok, result.ok ? '' : `${result.reason}: ${result.detail}`);
        if (vector.expected_response) {
          assert.ok(result.handshake, 'a handshake reply is expected');
          assert.equal(result.handshake.status, vector.expected_response.status);
          assert.deepEqual(JSON.parse(result.handshake.body), vector.expected_response.json);
        }
        return;
      }
      assert.equal(result.ok, false);
      if (result.ok) return;
      const reason = expectedReason(vector.id);
      if (reason) assert.equal(result.reason, reason, `${vector.reason} -> ${result.detail}`);
      const secret = vector.secret ?? vector.public_key ?? '';
      assert.ok(!result.detail.includes(secret), 'the detail must not carry the secret');
    });
  }

  void it('maps every negative to a reason', () => {
    const unmapped = vectors.filter((vector) => vector.expect === 'invalid' && !expectedReason(vector.id));
    assert.deepEqual(
      unmapped.map((vector) => vector.id),
      [],
    );
  });
});

void describe('event id and type', () => {
  const cases: [string, string | null, string | null][] = [
    ['stripe/valid/dotnet-fixture', 'evt_123', 'customer.created'],
    ['github/valid/docs-example', '72d3162e-cc78-11e3-81ab-4c9367dc0958', 'ping'],
    ['standard-webhooks/valid/library-vector', 'msg_p5jXN8AQM9LWM0D4loKWxJek', null],
    ['svix/valid/branded-headers', 'msg_p5jXN8AQM9LWM0D4loKWxJek', null],
    ['shopify/valid/sdk-vector', '123456789', 'products/create'],
    ['square/valid/sdk-vector', 'ac3ac95b-f97d-458c-a6e6-18981597e05f', 'webhooks.test_notification'],
    ['zoom/valid/constructed', null, 'meeting.started'],
    ['linear/valid/constructed', '234d1a4e-b617-4388-90fe-adc3633d6b72', 'Comment'],
    ['intercom/valid/constructed', 'notif_78c122d0-23ba-11e4-9464-79b01267cc2e', 'user.created'],
    ['mailgun/valid/constructed', 'CPgfbmQMTCKtHW6uIWtuVe', 'delivered'],
    ['pagerduty/valid/sdk-vector', '01BWDWL3NYY7LUFPZCC28QUCMK', 'incident.priority_updated'],
    ['gitlab/valid/constructed-token', 'f5b9e2a4-3c1d-4b8e-9a7f-2d6c1e0b8a93', 'Push Hook'],
    ['gitlab/valid/constructed-signing-token', 'f5b9e2a4-3c1d-4b8e-9a7f-2d6c1e0b8a93', 'Push Hook'],
    ['discord/valid/constructed-ping', '787053080478613555', null],
    ['twilio/valid/sdk-vector', null, null],
  ];
  for (const [id, eventId, eventType] of cases) {
    void it(id, () => {
      const vector = vectors.find((candidate) => candidate.id === id);
      assert.ok(vector, `no vector ${id}`);
      const result = run(vector);
      assert.ok(result.ok);
      assert.deepEqual([result.eventId, result.eventType], [eventId, eventType]);
    });
  }
});

void describe('verifyInbound', () => {
  const github = vectors.find((vector) => vector.id === 'github/valid/docs-example')!;

  void it('accepts a rotation: any configured secret may verify', () => {
    const result = verifyInbound(
      'github',
      {
        method: 'POST',
        url: 'https://hooks.example.com/in/src_1',
        headers: Object.fromEntries(
          Object.entries(github.headers).map(([name, value]) => [name.toLowerCase(), value]),
        ),
        rawBody: Buffer.from(github.body),
        now: github.timestamp_now,
      },
      { secrets: ['the-new-secret', github.secret!], toleranceSeconds: 300 },
    );
    assert.equal(result.ok, true);
  });

  void it('refuses a provider it does not know, by code', () => {
    assert.throws(
      () =>
        verifyInbound(
          'nope' as ProviderKey,
          { method: 'POST', url: 'https://x', headers: {}, rawBody: Buffer.alloc(0), now: 0 },
          { secrets: [], toleranceSeconds: 300 },
        ),
      { code: 'signing_config_invalid' },
    );
  });
});
