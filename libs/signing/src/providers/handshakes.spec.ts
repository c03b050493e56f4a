import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { verifyInbound, type InboundResult } from '../index';

const NOW = 1767225600;
const URL = 'https://hooks.example.com/in/src_1';
const hex = (key: string, text: string) => createHmac('sha256', key).update(text).digest('hex');

void describe('slack', () => {
  const secret = 'slack-signing-secret';
  const call = (body: string): InboundResult =>
    verifyInbound(
      'slack',
      {
        method: 'POST',
        url: URL,
        headers: {
          'x-slack-request-timestamp': String(NOW),
          'x-slack-signature': `v0=${hex(secret, `v0:${NOW}:${body}`)}`,
        },
        rawBody: Buffer.from(body),
        now: NOW,
      },
      { secrets: [secret], toleranceSeconds: 300 },
    );

  void it('answers url_verification with its challenge once the signature checks out', () => {
    const result = call(
      '{"token":"t","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}',
    );
    assert.deepEqual(result, {
      ok: true,
      eventId: null,
      eventType: 'url_verification',
      handshake: {
        status: 200,
        contentType: 'text/plain',
        body: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
      },
    });
  });

  void it('reads event_id and event.type of an event_callback', () => {
    const result = call('{"type":"event_callback","event_id":"Ev1","event":{"type":"app_mention"}}');
    assert.deepEqual(result, { ok: true, eventId: 'Ev1', eventType: 'app_mention' });
  });
});

void describe('discord', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publicHex = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
  const call = (body: string): InboundResult =>
    verifyInbound(
      'discord',
      {
        method: 'POST',
        url: URL,
        headers: {
          'x-signature-timestamp': String(NOW),
          'x-signature-ed25519': sign(null, Buffer.from(`${NOW}${body}`), privateKey).toString('hex'),
        },
        rawBody: Buffer.from(body),
        now: NOW,
      },
      { secrets: [publicHex], toleranceSeconds: 300 },
    );

  void it('answers a Webhook Events PING with an empty 204', () => {
    const result = call('{"version":1,"application_id":"1","type":0}');
    assert.deepEqual(result.ok && result.handshake, { status: 204, contentType: 'text/plain', body: '' });
  });

  void it('reads the type of a Webhook Event, with no handshake', () => {
    const result = call(
      '{"version":1,"application_id":"1","type":1,"event":{"type":"APPLICATION_AUTHORIZED"}}',
    );
    assert.deepEqual(result, { ok: true, eventId: null, eventType: 'APPLICATION_AUTHORIZED' });
  });
});

void describe('gitlab', () => {
  void it('requires the signing token once one is configured: no fallback to the plain token', () => {
    const result = verifyInbound(
      'gitlab',
      {
        method: 'POST',
        url: URL,
        headers: { 'x-gitlab-token': 'plain' },
        rawBody: Buffer.from('{}'),
        now: NOW,
      },
      { secrets: ['plain', 'whsec_llYVsaDGgoiqh0BL3whAF3OS4fwBiqMVMRTU2MVF73I='], toleranceSeconds: 300 },
    );
    assert.equal(result.ok ? 'ok' : result.reason, 'missing-header');
  });
});
