import type { Handshake, RejectionReason } from '@gateway/signing';

/**
 * What became of one request to `POST /in/:sourceId`. `kind` is also the `outcome` label of the
 * ingress metrics (a bounded set).
 */
export type IngressOutcome =
  | { kind: 'accepted'; id: string }
  | { kind: 'duplicate'; id: string }
  | { kind: 'handshake'; handshake: Handshake }
  | { kind: 'unauthorized'; reason: Exclude<RejectionReason, 'unsupported-media-type'>; detail: string }
  | { kind: 'unsupported-media-type'; detail: string }
  | { kind: 'not-found'; sourceId: string }
  | { kind: 'too-large'; limit: number }
  | { kind: 'body-timeout' }
  | { kind: 'rate-limited'; retryAfterSeconds: number }
  | { kind: 'overloaded'; retryAfterSeconds: number }
  | { kind: 'kafka-unavailable'; retryAfterSeconds: number }
  | { kind: 'misconfigured' }
  | { kind: 'source-unreadable'; retryAfterSeconds: number }
  | { kind: 'error' };

export type OutcomeKind = IngressOutcome['kind'];

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const problemJson = 'application/problem+json';

function problem(
  status: number,
  code: string,
  title: string,
  detail: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Answer {
  return {
    status,
    headers: { 'content-type': problemJson, ...headers },
    body: JSON.stringify({ type: `urn:gateway:problem:${code}`, title, status, detail, ...extra }),
  };
}

const retryAfter = (seconds: number) => ({ 'retry-after': String(seconds) });

/**
 * The HTTP answer of an outcome: 2xx only for an event Kafka acknowledged (or a duplicate of one)
 * and for handshakes; RFC 9457 problems otherwise. A 401 names the reason and never a secret or a
 * computed signature (the signing lib's details carry neither).
 */
export function answerFor(outcome: IngressOutcome, provider: string): Answer {
  switch (outcome.kind) {
    case 'accepted':
    case 'duplicate':
      // Discord's Webhook Events want 204; every other provider takes any 2xx.
      if (provider === 'discord') return { status: 204, headers: {}, body: '' };
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: outcome.id, status: outcome.kind }),
      };
    case 'handshake':
      return {
        status: outcome.handshake.status,
        headers: outcome.handshake.body === '' ? {} : { 'content-type': outcome.handshake.contentType },
        body: outcome.handshake.body,
      };
    case 'unauthorized':
      return problem(401, outcome.reason.replace(/-/g, '_'), 'Unauthorized', outcome.detail, {
        reason: outcome.reason,
      });
    case 'unsupported-media-type':
      return problem(415, 'unsupported_media_type', 'Unsupported Media Type', outcome.detail);
    case 'not-found':
      return problem(404, 'not_found', 'Not Found', `source ${outcome.sourceId} does not exist`);
    case 'too-large':
      return problem(
        413,
        'payload_too_large',
        'Payload Too Large',
        `the body exceeds this source's limit of ${outcome.limit} bytes`,
        {},
        { connection: 'close' },
      );
    case 'body-timeout':
      return problem(
        408,
        'body_timeout',
        'Request Timeout',
        'the body did not arrive in time',
        {},
        { connection: 'close' },
      );
    case 'rate-limited':
      return problem(
        429,
        'rate_limited',
        'Too Many Requests',
        'this source sent more requests than its rate limit allows; retry later',
        {},
        retryAfter(outcome.retryAfterSeconds),
      );
    case 'overloaded':
      return problem(
        503,
        'overloaded',
        'Service Unavailable',
        'the ingress is at capacity; retry later',
        {},
        retryAfter(outcome.retryAfterSeconds),
      );
    case 'kafka-unavailable':
      return problem(
        503,
        'kafka_unavailable',
        'Service Unavailable',
        'the webhook could not be made durable (Kafka did not acknowledge); retry later',
        {},
        retryAfter(outcome.retryAfterSeconds),
      );
    case 'misconfigured':
      return problem(
        500,
        'source_misconfigured',
        'Internal Server Error',
        "this source's configuration cannot verify requests",
      );
    case 'source-unreadable':
      return problem(
        503,
        'source_unreadable',
        'Service Unavailable',
        "this source's secrets cannot be read by the gateway now; retry later",
        {},
        retryAfter(outcome.retryAfterSeconds),
      );
    case 'error':
      return problem(500, 'internal', 'Internal Server Error', 'internal error');
  }
}
