import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { verifyInbound, type InboundResult } from '../index';
import { portVariants, sortedParams } from './twilio';

const TOKEN = '12345';
const sign = (text: string) => createHmac('sha1', TOKEN).update(text).digest('base64');

const call = (method: string, url: string, headers: Record<string, string>, body = ''): InboundResult =>
  verifyInbound(
    'twilio',
    { method, url, headers, rawBody: Buffer.from(body), now: 0 },
    { secrets: [TOKEN], toleranceSeconds: 300 },
  );

void describe('twilio', () => {
  void it('tries the URL with and without its default port, and leaves other ports alone', () => {
    assert.deepEqual(portVariants('https://a.example/x?y=1'), [
      'https://a.example/x?y=1',
      'https://a.example:443/x?y=1',
    ]);
    assert.deepEqual(portVariants('http://a.example:80/x'), ['http://a.example:80/x', 'http://a.example/x']);
    assert.deepEqual(portVariants('https://a.example:8443/x'), ['https://a.example:8443/x']);
  });

  void it('sorts parameters by name and a repeated name by its distinct values', () => {
    assert.equal(sortedParams('b=2&a=%2B1&b=1&b=2&c=x+y'), 'a+1b1b2cx y');
  });

  void it('signs a GET by its URL alone', () => {
    const url = 'https://a.example/voice?CallSid=CA1&From=%2B1';
    assert.equal(call('GET', url, { 'x-twilio-signature': sign(url) }).ok, true);
  });

  void it('refuses a body that is neither form-encoded nor covered by bodySHA256', () => {
    const url = 'https://a.example/hook';
    const result = call(
      'POST',
      url,
      { 'x-twilio-signature': sign(url), 'content-type': 'application/json' },
      '{}',
    );
    assert.equal(result.ok ? 'ok' : result.reason, 'unsupported-media-type');
  });
});
