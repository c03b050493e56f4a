import type { lookup as dnsLookup } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, request, type Dispatcher } from 'undici';
import type { AttemptResult } from '@gateway/retry';
import { BlockedAddressError, guardedLookup, type AddressPolicy } from '../../address-policy';
import { boundedMemo } from '../../bounded-memo';
import { RESPONSE_EXCERPT_BYTES, responseExcerpt } from '../../response-excerpt';
import type { SendResult } from '../destination';

export interface SenderOptions {
  policy: AddressPolicy;
  timeoutMs: number;
  connectTimeoutMs: number;
  /** Name resolution; replaceable in tests to simulate a name that resolves to a private address. */
  resolve?: typeof dnsLookup;
}

/**
 * Bytes of a body read (and thrown away) past the kept excerpt, so that the connection can serve
 * the next attempt; a longer body closes it instead.
 */
const RESPONSE_DRAIN_BYTES = 64 * 1024;
/** Bytes of response headers accepted (Node's own default); larger heads fail as a network error. */
const MAX_HEADER_BYTES = 16 * 1024;

/**
 * POSTs deliveries with undici on a pooled agent. The SSRF check runs inside the connector's DNS
 * lookup, on the very addresses the socket connects to, so DNS rebinding cannot slip past it;
 * literal IP hosts (which skip lookup) are checked before the request.
 */
export class HttpSender {
  private readonly agent: Agent;
  private readonly bodies = new BodyDeadlines();
  /** Parsed delivery URLs (endpoints are few and their URLs rarely change). */
  private readonly target = boundedMemo(10_000, parseTarget);

  constructor(private readonly options: SenderOptions) {
    this.agent = new Agent({
      connections: 64,
      keepAliveTimeout: 30000,
      connect: { timeout: options.connectTimeoutMs, lookup: guardedLookup(options.policy, options.resolve) },
      maxHeaderSize: MAX_HEADER_BYTES,
    });
  }

  async send(url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    const started = performance.now();
    const finish = (partial: Omit<SendResult, 'durationMs'>): SendResult => ({
      ...partial,
      durationMs: Math.round(performance.now() - started),
    });
    const target = this.target(url);
    if ('invalid' in target) {
      return finish({
        statusCode: null,
        error: 'invalid-url',
        errorDetail: target.invalid,
        retryAfterHeader: null,
        responseBody: null,
      });
    }
    if (target.literalHost !== null && !this.options.policy.allows(target.literalHost)) {
      return finish({
        statusCode: null,
        error: 'ssrf-blocked',
        errorDetail: `${target.literalHost} is a blocked address`,
        retryAfterHeader: null,
        responseBody: null,
      });
    }
    try {
      // The head must come within the timeout (undici's own coarse timers), the body within it after the head.
      const response = await request(target.url, {
        method: 'POST',
        headers,
        body,
        dispatcher: this.agent,
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
      });
      const responseBody = await this.bodies.read(response.body, performance.now() + this.options.timeoutMs);
      const retryAfter = response.headers['retry-after'];
      return finish({
        statusCode: response.statusCode,
        error: null,
        errorDetail: null,
        retryAfterHeader: Array.isArray(retryAfter) ? (retryAfter[0] ?? null) : (retryAfter ?? null),
        responseBody,
      });
    } catch (error) {
      return finish({
        statusCode: null,
        ...classifyError(error),
        retryAfterHeader: null,
        responseBody: null,
      });
    }
  }

  close(): Promise<void> {
    this.bodies.stop();
    return this.agent.close();
  }
}

type ResponseBody = Dispatcher.ResponseData['body'];

/**
 * The start of a response body as storable text (`responseExcerpt`): the first
 * RESPONSE_EXCERPT_BYTES are kept, the rest is read and thrown away up to RESPONSE_DRAIN_BYTES,
 * and a body longer than that is cut off there (its connection is dropped). Once the excerpt is
 * full, the answer is in: a body that then stalls or breaks off does not fail the attempt.
 */
function readLimited(body: ResponseBody): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let size = 0;
    const done = (): void => {
      // The error listener stays: cutting a long body off makes undici's stream emit one.
      body.off('data', onData).off('end', done);
      resolve(responseExcerpt(Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES)));
    };
    const fail = (error: Error): void => {
      if (kept >= RESPONSE_EXCERPT_BYTES) return done();
      body.off('data', onData).off('end', done).off('error', fail);
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      if (kept < RESPONSE_EXCERPT_BYTES) {
        chunks.push(chunk);
        kept += chunk.length;
      }
      size += chunk.length;
      if (size <= RESPONSE_DRAIN_BYTES) return;
      done();
      body.destroy();
    };
    body.on('data', onData).on('end', done).on('error', fail);
  });
}

/**
 * Response bodies being read, with their deadlines: one coarse sweep a second ends the late ones,
 * instead of a timer per request (the head is bounded by undici's `headersTimeout`).
 */
class BodyDeadlines {
  private readonly reading = new Map<ResponseBody, number>();
  private sweeper: NodeJS.Timeout | undefined;

  async read(body: ResponseBody, deadline: number): Promise<string> {
    this.reading.set(body, deadline);
    this.sweeper ??= setInterval(() => this.sweep(), 1000).unref();
    try {
      return await readLimited(body);
    } finally {
      this.reading.delete(body);
    }
  }

  private sweep(): void {
    const now = performance.now();
    for (const [body, deadline] of this.reading) {
      if (deadline > now) continue;
      this.reading.delete(body);
      body.destroy(
        Object.assign(new Error('the response body did not arrive within the timeout'), {
          code: 'UND_ERR_BODY_TIMEOUT',
        }),
      );
    }
  }

  stop(): void {
    clearInterval(this.sweeper);
  }
}

/** A delivery URL checked once: parsed, http(s) only, and its host when it is a literal address. */
type Target = { url: URL; literalHost: string | null } | { invalid: string };

function parseTarget(url: string): Target {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      return { invalid: `unsupported scheme ${parsed.protocol}` };
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    return { url: parsed, literalHost: isIP(host) !== 0 ? host : null };
  } catch (error) {
    return { invalid: (error as Error).message };
  }
}

function classifyError(error: unknown): { error: AttemptResult['error']; errorDetail: string } {
  const cause = (error as { cause?: unknown }).cause;
  const code = (error as { code?: string }).code ?? (cause as { code?: string } | undefined)?.code;
  const message = (error as Error).message;
  if (
    code === 'ERR_SSRF_BLOCKED' ||
    error instanceof BlockedAddressError ||
    cause instanceof BlockedAddressError
  ) {
    return {
      error: 'ssrf-blocked',
      errorDetail: (cause instanceof Error ? cause : (error as Error)).message,
    };
  }
  if (
    [
      'UND_ERR_CONNECT_TIMEOUT',
      'UND_ERR_HEADERS_TIMEOUT',
      'UND_ERR_BODY_TIMEOUT',
      'ABORT_ERR',
      'ETIMEDOUT',
    ].includes(code ?? '') ||
    (error as Error).name === 'TimeoutError'
  ) {
    return { error: 'timeout', errorDetail: `timed out (${code ?? 'timeout'})` };
  }
  return { error: 'network', errorDetail: `${code ?? 'error'}: ${message}` };
}
