import { createHash, createHmac, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { generateSecret, signPayload, type ProviderKey } from '@gateway/signing';

/**
 * Test-side signers, written from PROVIDERS.md and independent of the signing lib, so a request the
 * ingress accepts is one a provider would really send.
 */
export interface SignInput {
  body: string;
  /** Unix seconds the request claims to be signed at. */
  at: number;
  /** The public URL the provider calls (Twilio and Square sign it). */
  url: string;
}

export interface SignedRequest {
  headers: Record<string, string>;
  body: string;
}

export interface ProviderCase {
  provider: ProviderKey;
  /** What the source is configured with. */
  secrets: string[];
  options?: Record<string, unknown>;
  /** A body for one event with this id (the event type is `type`). */
  body(eventId: string): string;
  /** Signs with the configured key, or with another one (the "wrong secret" case). */
  sign(input: SignInput, wrongKey?: boolean): SignedRequest;
  /** The header (or body field) whose absence must be refused; null: not applicable. */
  removeSignature(request: SignedRequest): SignedRequest;
  /** Changes one byte covered by the signature. */
  tamper(request: SignedRequest): SignedRequest;
  /** Whether the scheme signs a timestamp (so a stale one can be refused). */
  signsTimestamp: boolean;
  expected(eventId: string): { providerEventId: string | null; providerEventType: string | null };
}

const hmac = (algorithm: string, key: string | Buffer, ...parts: (string | Buffer)[]) => {
  const mac = createHmac(algorithm, key);
  for (const part of parts) mac.update(part);
  return mac.digest();
};
const hex = (value: Buffer) => value.toString('hex');
const b64 = (value: Buffer) => value.toString('base64');
const random = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;

/** Flips the last character of a string value inside the body: one byte changed, same length. */
function flip(body: string): string {
  const at = body.lastIndexOf('"', body.length - 2) - 1;
  const index = at > 0 ? at : body.length - 1;
  const replacement = body[index] === 'x' ? 'y' : 'x';
  return body.slice(0, index) + replacement + body.slice(index + 1);
}
const tamperBody = (request: SignedRequest): SignedRequest => ({ ...request, body: flip(request.body) });
const without =
  (...names: string[]) =>
  (request: SignedRequest): SignedRequest => ({
    ...request,
    headers: Object.fromEntries(Object.entries(request.headers).filter(([name]) => !names.includes(name))),
  });
const json = { 'content-type': 'application/json' };

function twilioParams(form: string): string {
  const params = new URLSearchParams(form);
  return [...new Set(params.keys())]
    .sort()
    .flatMap((name) => [...new Set(params.getAll(name))].sort().map((value) => name + value))
    .join('');
}

const ed25519 = () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicHex: publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex'),
    privateKey,
  };
};

export function providerCases(): ProviderCase[] {
  const cases: ProviderCase[] = [];
  const hmacCase = (
    provider: ProviderKey,
    body: (eventId: string) => string,
    headers: (key: string, input: SignInput) => Record<string, string>,
    extra: Partial<ProviderCase> & Pick<ProviderCase, 'removeSignature' | 'signsTimestamp' | 'expected'>,
    secret = random(provider),
  ) => {
    const wrong = random('wrong');
    cases.push({
      provider,
      secrets: [secret],
      body,
      sign: (input, wrongKey) => ({ body: input.body, headers: headers(wrongKey ? wrong : secret, input) }),
      tamper: tamperBody,
      ...extra,
    });
  };

  hmacCase(
    'stripe',
    (id) => JSON.stringify({ id, object: 'event', type: 'invoice.paid', data: { object: { amount: 1200 } } }),
    (key, { body, at }) => ({
      ...json,
      'stripe-signature': `t=${at},v1=${hex(hmac('sha256', key, `${at}.`, body))}`,
    }),
    {
      removeSignature: without('stripe-signature'),
      signsTimestamp: true,
      expected: (id) => ({ providerEventId: id, providerEventType: 'invoice.paid' }),
    },
    `whsec_${randomBytes(16).toString('hex')}`,
  );
  hmacCase(
    'github',
    (id) => JSON.stringify({ ref: 'refs/heads/main', after: id, commits: [{ message: 'fix' }] }),
    (key, { body }) => ({
      ...json,
      'x-hub-signature-256': `sha256=${hex(hmac('sha256', key, body))}`,
      'x-github-event': 'push',
    }),
    {
      removeSignature: without('x-hub-signature-256'),
      signsTimestamp: false,
      expected: (id) => ({ providerEventId: id, providerEventType: 'push' }),
    },
  );
  // GitHub's delivery id is a header, so the signer needs it: wrap to add it from the body.
  const github = cases[cases.length - 1];
  const githubSign = github.sign;
  github.sign = (input, wrongKey) => {
    const signed = githubSign(input, wrongKey);
    return {
      ...signed,
      headers: {
        ...signed.headers,
        'x-github-delivery': (JSON.parse(input.body) as { after: string }).after,
      },
    };
  };
  hmacCase(
    'slack',
    (id) =>
      JSON.stringify({ type: 'event_callback', event_id: id, event: { type: 'message', text: 'hello' } }),
    (key, { body, at }) => ({
      ...json,
      'x-slack-request-timestamp': String(at),
      'x-slack-signature': `v0=${hex(hmac('sha256', key, `v0:${at}:`, body))}`,
    }),
    {
      removeSignature: without('x-slack-signature'),
      signsTimestamp: true,
      expected: (id) => ({ providerEventId: id, providerEventType: 'message' }),
    },
  );
  for (const provider of ['standard-webhooks', 'svix'] as const) {
    const secret = generateSecret();
    const wrong = generateSecret();
    const prefix = provider === 'svix' ? 'svix' : 'webhook';
    cases.push({
      provider,
      secrets: [secret],
      body: (id) => JSON.stringify({ type: 'invoice.paid', data: { id, amount: 1200 } }),
      sign: ({ body, at }, wrongKey) => {
        const id = (JSON.parse(body) as { data: { id: string } }).data.id;
        return {
          body,
          headers: {
            ...json,
            [`${prefix}-id`]: id,
            [`${prefix}-timestamp`]: String(at),
            [`${prefix}-signature`]: signPayload({
              id,
              timestamp: at,
              payload: body,
              secrets: [wrongKey ? wrong : secret],
            }),
          },
        };
      },
      removeSignature: without(`${prefix}-signature`),
      tamper: tamperBody,
      signsTimestamp: true,
      expected: (id) => ({ providerEventId: id, providerEventType: 'invoice.paid' }),
    });
  }
  {
    const token = random('twilio');
    const wrong = random('wrong');
    const form = (id: string) =>
      `CallSid=${id}&From=%2B15550001111&To=%2B15550002222&CallStatus=completed&Digits=1+2`;
    cases.push({
      provider: 'twilio',
      secrets: [token],
      body: form,
      sign: ({ body, url }, wrongKey) => ({
        body,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': b64(hmac('sha1', wrongKey ? wrong : token, url, twilioParams(body))),
          'i-twilio-idempotency-token': new URLSearchParams(body).get('CallSid')!,
        },
      }),
      removeSignature: without('x-twilio-signature'),
      tamper: (request) => ({ ...request, body: request.body.replace('completed', 'completeX') }),
      signsTimestamp: false,
      expected: (id) => ({ providerEventId: id, providerEventType: null }),
    });
  }
  hmacCase(
    'shopify',
    (id) => JSON.stringify({ id: 820982911946154500, note: id, total_price: '10.00' }),
    (key, { body }) => ({
      ...json,
      'x-shopify-hmac-sha256': b64(hmac('sha256', key, body)),
      'x-shopify-topic': 'orders/create',
      'x-shopify-webhook-id': (JSON.parse(body) as { note: string }).note,
    }),
    {
      removeSignature: without('x-shopify-hmac-sha256'),
      signsTimestamp: false,
      expected: (id) => ({ providerEventId: id, providerEventType: 'orders/create' }),
    },
  );
  hmacCase(
    'paddle',
    (id) => JSON.stringify({ event_id: id, event_type: 'transaction.completed', data: { id: 'txn_1' } }),
    (key, { body, at }) => ({
      ...json,
      'paddle-signature': `ts=${at};h1=${hex(hmac('sha256', key, `${at}:`, body))}`,
    }),
    {
      removeSignature: without('paddle-signature'),
      signsTimestamp: true,
      expected: (id) => ({ providerEventId: id, providerEventType: 'transaction.completed' }),
    },
  );
  hmacCase(
    'square',
    (id) => JSON.stringify({ merchant_id: 'M1', type: 'payment.created', event_id: id, data: { id: 'p1' } }),
    (key, { body, url }) => ({
      ...json,
      'x-square-hmacsha256-signature': b64(hmac('sha256', key, url, body)),
    }),
    {
      removeSignature: without('x-square-hmacsha256-signature'),
      signsTimestamp: false,
      expected: (id) => ({ providerEventId: id, providerEventType: 'payment.created' }),
    },
  );
  hmacCase(
    'zoom',
    (id) =>
      JSON.stringify({
        event: 'meeting.started',
        payload: { object: { uuid: id } },
        event_ts: 1767225600000,
      }),
    (key, { body, at }) => ({
      ...json,
      'x-zm-request-timestamp': String(at),
      'x-zm-signature': `v0=${hex(hmac('sha256', key, `v0:${at}:`, body))}`,
    }),
    {
      removeSignature: without('x-zm-signature'),
      signsTimestamp: true,
      expected: () => ({ providerEventId: null, providerEventType: 'meeting.started' }),
    },
  );
  {
    const secret = random('linear');
    const wrong = random('wrong');
    cases.push({
      provider: 'linear',
      secrets: [secret],
      // webhookTimestamp is set by sign(): the body carries the signing time.
      body: (id) => JSON.stringify({ action: 'create', type: 'Issue', data: { id }, webhookTimestamp: 0 }),
      sign: ({ body, at }, wrongKey) => {
        const parsed = JSON.parse(body) as { data: { id: string }; webhookTimestamp: number };
        const signedBody = JSON.stringify({ ...parsed, webhookTimestamp: at * 1000 });
        return {
          body: signedBody,
          headers: {
            ...json,
            'linear-signature': hex(hmac('sha256', wrongKey ? wrong : secret, signedBody)),
            'linear-delivery': parsed.data.id,
            'linear-event': 'Issue',
          },
        };
      },
      removeSignature: without('linear-signature'),
      tamper: (request) => ({ ...request, body: request.body.replace('"create"', '"creatx"') }),
      signsTimestamp: true,
      expected: (id) => ({ providerEventId: id, providerEventType: 'Issue' }),
    });
  }
  hmacCase(
    'intercom',
    (id) =>
      JSON.stringify({
        type: 'notification_event',
        id,
        topic: 'user.created',
        data: { item: { type: 'user' } },
      }),
    (key, { body }) => ({ ...json, 'x-hub-signature': `sha1=${hex(hmac('sha1', key, body))}` }),
    {
      removeSignature: without('x-hub-signature'),
      signsTimestamp: false,
      expected: (id) => ({ providerEventId: id, providerEventType: 'user.created' }),
    },
  );
  {
    const key = random('mailgun');
    const wrong = random('wrong');
    cases.push({
      provider: 'mailgun',
      secrets: [key],
      body: (id) =>
        JSON.stringify({
          signature: { timestamp: '0', token: '', signature: '' },
          'event-data': { id, event: 'delivered' },
        }),
      sign: ({ body, at }, wrongKey) => {
        const parsed = JSON.parse(body) as { 'event-data': { id: string } };
        const token = createHash('sha256').update(parsed['event-data'].id).digest('hex').slice(0, 50);
        const signature = hex(hmac('sha256', wrongKey ? wrong : key, String(at), token));
        return {
          body: JSON.stringify({ ...parsed, signature: { timestamp: String(at), token, signature } }),
          headers: { ...json },
        };
      },
      // The signature lives in the body: "missing" means the body has none.
      removeSignature: (request) => {
        const parsed = JSON.parse(request.body) as Record<string, unknown>;
        delete parsed.signature;
        return { ...request, body: JSON.stringify(parsed) };
      },
      // event-data is not signed (PROVIDERS.md); the token is.
      tamper: (request) => ({
        ...request,
        body: request.body.replace(
          /"token":"(.)/,
          (_, first: string) => `"token":"${first === 'a' ? 'b' : 'a'}`,
        ),
      }),
      signsTimestamp: true,
      expected: (id) => ({ providerEventId: id, providerEventType: 'delivered' }),
    });
  }
  {
    const pair = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const right = pair();
    const wrong = pair();
    const der = (key: KeyObject) => key.export({ format: 'der', type: 'spki' }).toString('base64');
    cases.push({
      provider: 'sendgrid',
      secrets: [der(right.publicKey)],
      body: (id) => JSON.stringify([{ email: 'a@example.com', event: 'delivered', sg_event_id: id }]),
      sign: ({ body, at }, wrongKey) => ({
        body,
        headers: {
          ...json,
          'x-twilio-email-event-webhook-timestamp': String(at),
          'x-twilio-email-event-webhook-signature': b64(
            sign('sha256', Buffer.from(`${at}${body}`), (wrongKey ? wrong : right).privateKey),
          ),
        },
      }),
      removeSignature: without('x-twilio-email-event-webhook-signature'),
      tamper: tamperBody,
      signsTimestamp: true,
      expected: () => ({ providerEventId: null, providerEventType: null }),
    });
  }
  {
    const right = ed25519();
    const wrong = ed25519();
    cases.push({
      provider: 'discord',
      secrets: [right.publicHex],
      body: (id) =>
        JSON.stringify({
          version: 1,
          application_id: '1',
          type: 1,
          id,
          event: { type: 'APPLICATION_AUTHORIZED', data: {} },
        }),
      sign: ({ body, at }, wrongKey) => ({
        body,
        headers: {
          ...json,
          'x-signature-timestamp': String(at),
          'x-signature-ed25519': hex(
            sign(null, Buffer.from(`${at}${body}`), (wrongKey ? wrong : right).privateKey),
          ),
        },
      }),
      removeSignature: without('x-signature-ed25519'),
      tamper: tamperBody,
      signsTimestamp: true,
      expected: (id) => ({ providerEventId: id, providerEventType: 'APPLICATION_AUTHORIZED' }),
    });
  }
  hmacCase(
    'pagerduty',
    (id) => JSON.stringify({ event: { id, event_type: 'incident.triggered', data: { id: 'Q1' } } }),
    (key, { body }) => ({ ...json, 'x-pagerduty-signature': `v1=${hex(hmac('sha256', key, body))}` }),
    {
      removeSignature: without('x-pagerduty-signature'),
      signsTimestamp: false,
      expected: (id) => ({ providerEventId: id, providerEventType: 'incident.triggered' }),
    },
  );
  {
    // GitLab's signing token (Standard Webhooks headers): the plain token cannot see a changed body.
    const secret = generateSecret();
    const wrong = generateSecret();
    cases.push({
      provider: 'gitlab',
      secrets: [secret],
      body: (id) => JSON.stringify({ object_kind: 'push', checkout_sha: id }),
      sign: ({ body, at }, wrongKey) => {
        const id = (JSON.parse(body) as { checkout_sha: string }).checkout_sha;
        return {
          body,
          headers: {
            ...json,
            'x-gitlab-event': 'Push Hook',
            'idempotency-key': id,
            'webhook-id': id,
            'webhook-timestamp': String(at),
            'webhook-signature': signPayload({
              id,
              timestamp: at,
              payload: body,
              secrets: [wrongKey ? wrong : secret],
            }),
          },
        };
      },
      removeSignature: without('webhook-signature'),
      tamper: tamperBody,
      signsTimestamp: true,
      expected: (id) => ({ providerEventId: id, providerEventType: 'Push Hook' }),
    });
  }
  {
    const secret = random('generic');
    const wrong = random('wrong');
    cases.push({
      provider: 'generic-hmac',
      secrets: [secret],
      options: {
        header: 'x-signature',
        prefix: 'sha256=',
        signed: 'timestamp.body',
        timestampHeader: 'x-timestamp',
        eventIdHeader: 'x-event-id',
        eventTypeHeader: 'x-event-type',
      },
      body: (id) => JSON.stringify({ kind: 'thing.happened', ref: id }),
      sign: ({ body, at }, wrongKey) => ({
        body,
        headers: {
          ...json,
          'x-timestamp': String(at),
          'x-signature': `sha256=${hex(hmac('sha256', wrongKey ? wrong : secret, `${at}.`, body))}`,
          'x-event-id': (JSON.parse(body) as { ref: string }).ref,
          'x-event-type': 'thing.happened',
        },
      }),
      removeSignature: without('x-signature'),
      tamper: tamperBody,
      signsTimestamp: true,
      expected: (id) => ({ providerEventId: id, providerEventType: 'thing.happened' }),
    });
  }
  return cases;
}
