import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  metrics,
  SpanKind,
  startHopSpan,
  throttledWarning,
  validTraceparent,
  type HopSpan,
  type Logger,
} from '@gateway/observability';
import { BodyTimeoutError, BodyTooLargeError, lingerOnClose, readRawBody } from '@gateway/platform';
import type { IngressSource } from '../sources/ingress-source';
import type { InboundAcceptor } from './inbound-acceptor';
import { answerFor, type IngressOutcome } from './outcome';
import { RateLimiter } from './rate-limiter';
import { overloadRefusal } from './shed';
import { signedUrl, type PublicBase } from './signed-url';

export interface IngressRouteOptions {
  sources: {
    get(id: string): IngressSource | undefined;
    /** Brings the sources up to date with every change committed so far (a source created just now). */
    catchUp?(): Promise<void>;
  };
  acceptor: InboundAcceptor;
  publicBase: PublicBase;
  trustForwardedHeaders: boolean;
  /**
   * Requests this process handles at once now; beyond it: 503 (load shedding). INGRESS_MAX_IN_FLIGHT,
   * or a limit under it adapted to the event loop (`LoopLimit`, ADR 0011).
   */
  admitted(): number;
  retryAfterSeconds: number;
  /** Epoch milliseconds (the rate limiter's clock). */
  now(): number;
  logger: Logger;
  bodyTimeoutMs?: number;
  /** Told each answered request of a known source (the per-source stats, ADR 0030). */
  onOutcome?(sourceId: string, outcome: IngressOutcome): void;
}

/** Handles a request on Node's HTTP server; false when it is not its own (another router takes it). */
export type IngressHandler = (request: IncomingMessage, response: ServerResponse) => boolean;

/** One request on its way through the route. */
interface Exchange {
  request: IncomingMessage;
  response: ServerResponse;
  startedAt: bigint;
  /** The request's SERVER span; its traceparent goes with the message to the journal. */
  span: HopSpan;
  /** Set once the source is known (the metrics' provider label). */
  source?: IngressSource;
}

/** `/in/<sourceId>`, with or without a query (Twilio and Square sign it). */
const ingressPath = /^\/in\/([^/?#]+)(?:\?|$)/;

/** Node joins repeated headers except a few; the verifiers read one string per name. */
function flatHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function decodedSourceId(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * `POST /in/:sourceId` on Node's HTTP server itself, ahead of the service's Fastify routes: it is
 * the hot path, and Fastify's request pipeline (hooks, content-type parsing, reply) cost as much
 * CPU per request as Node's HTTP handling (ADR 0006). Everything cheap is decided before a byte of
 * the body is read: load shedding (503), unknown source (404), rate limit (429, for the source's
 * verified requests; unsigned ones have a budget of their own), declared length (413). The body is then read raw, whatever its content type, counted against the source's limit
 * while it streams. Other methods and paths are left to Fastify (its 404 and 405 answers).
 */
export function createIngressHandler(options: IngressRouteOptions): IngressHandler {
  const limiter = new RateLimiter();
  const bodyTimeoutMs = options.bodyTimeoutMs ?? 10_000;
  let inFlight = 0;
  // A flood of unknown ids during an outage is not a log flood.
  const warnCatchUp = throttledWarning(
    options.logger,
    'sources could not catch up; answering from the last copy',
    60_000,
    options.now,
  );
  const released = () => metrics.ingressInFlight.set(--inFlight);
  const refuse = overloadRefusal(options.retryAfterSeconds);

  const send = (exchange: Exchange, outcome: IngressOutcome) => {
    const { response, span, source } = exchange;
    if (response.headersSent) return;
    const provider = source?.provider ?? 'unknown';
    const answer = answerFor(outcome, provider);
    const labels = { provider, outcome: outcome.kind };
    metrics.ingressRequests.inc(labels);
    metrics.ingressRequestDuration.observe(
      labels,
      Number(process.hrtime.bigint() - exchange.startedAt) / 1e9,
    );
    if (outcome.kind === 'unauthorized') metrics.ingressRejections.inc({ provider, reason: outcome.reason });
    if (source) options.onOutcome?.(source.id, outcome);
    span.end(outcome.kind, answer.status >= 500 ? outcome.kind : undefined, {
      'gateway.provider': provider,
      'http.response.status_code': answer.status,
      ...(outcome.kind === 'accepted' || outcome.kind === 'duplicate'
        ? { 'gateway.inbound.id': outcome.id }
        : {}),
    });
    // Refused while the client may still be sending its body: close without a reset.
    if (answer.headers.connection === 'close') lingerOnClose(response.socket);
    response.writeHead(answer.status, {
      ...answer.headers,
      'content-length': Buffer.byteLength(answer.body),
    });
    response.end(answer.body);
  };

  /** Reads the body raw and hands it to the acceptor. */
  const accept = async (exchange: Exchange, source: IngressSource) => {
    const { request, response, span } = exchange;
    let rawBody: Buffer;
    try {
      rawBody = await readRawBody(request, source.maxBodyBytes, bodyTimeoutMs);
    } catch (error) {
      if (error instanceof BodyTooLargeError)
        return send(exchange, { kind: 'too-large', limit: error.limit });
      if (error instanceof BodyTimeoutError) return send(exchange, { kind: 'body-timeout' });
      // The client went away mid-body: nobody is left to answer.
      span.end('aborted');
      response.destroy();
      return;
    }
    const outcome = await options.acceptor.accept(
      source,
      {
        method: 'POST',
        url: signedUrl(
          options.publicBase,
          request.url ?? '/',
          request.headers,
          options.trustForwardedHeaders,
        ),
        headers: flatHeaders(request.headers),
        rawBody,
      },
      span.traceparent,
    );
    send(exchange, charge(source, outcome));
  };

  /**
   * Spends the rate limit by what a request turned out to be (issue 19): a verified one spends its
   * source's tokens; one whose signature failed spends a budget of its own, beyond which it is
   * answered 429. An unsigned flood thus never makes the real provider's requests 429.
   */
  const charge = (source: IngressSource, outcome: IngressOutcome): IngressOutcome => {
    const now = options.now();
    if (outcome.kind === 'unauthorized') {
      const unsigned = limiter.take(`${source.id}\u0000unsigned`, source.rateLimit, now);
      return unsigned.allowed
        ? outcome
        : { kind: 'rate-limited', retryAfterSeconds: unsigned.retryAfterSeconds };
    }
    if (outcome.kind === 'accepted' || outcome.kind === 'duplicate' || outcome.kind === 'handshake')
      limiter.spend(source.id, source.rateLimit, now);
    return outcome;
  };

  /** Everything decided before the body is read; the accept path continues in `accept`. */
  const route = (exchange: Exchange, sourceId: string): void => {
    metrics.ingressInFlight.set(++inFlight);
    exchange.response.once('close', released);
    const source = options.sources.get(sourceId);
    if (source) return admit(exchange, source);
    // Perhaps created a moment ago, its NOTIFY still on its way: look once more after catching up.
    const catchUp = options.sources.catchUp?.() ?? Promise.resolve();
    catchUp
      .catch(warnCatchUp)
      .then(() => {
        const fresh = options.sources.get(sourceId);
        return fresh ? admit(exchange, fresh) : send(exchange, { kind: 'not-found', sourceId });
      })
      .catch((error: unknown) => {
        options.logger.error({ err: error, sourceId }, 'ingress request failed');
        send(exchange, { kind: 'error' });
      });
  };

  /** A known source: rate limit (checked here, spent by `charge`) and declared length, then the body. */
  const admit = (exchange: Exchange, source: IngressSource): void => {
    exchange.source = source;
    const rate = limiter.check(source.id, source.rateLimit, options.now());
    if (!rate.allowed)
      return send(exchange, { kind: 'rate-limited', retryAfterSeconds: rate.retryAfterSeconds });
    const declared = Number(exchange.request.headers['content-length']);
    if (declared > source.maxBodyBytes)
      return send(exchange, { kind: 'too-large', limit: source.maxBodyBytes });
    accept(exchange, source).catch((error: unknown) => {
      options.logger.error({ err: error, sourceId: source.id }, 'ingress request failed');
      send(exchange, { kind: 'error' });
    });
  };

  return (request, response) => {
    if (request.method !== 'POST') return false;
    const match = ingressPath.exec(request.url ?? '');
    if (!match) return false;
    // Load shedding first, before any work a refusal does not need (no span, source or timing).
    if (inFlight >= options.admitted()) {
      refuse(response);
      return true;
    }
    const sourceId = decodedSourceId(match[1]);
    const exchange: Exchange = {
      request,
      response,
      startedAt: process.hrtime.bigint(),
      // The request's SERVER span, continuing the sender's trace when it sent a valid `traceparent`.
      span: startHopSpan(
        'POST /in/:sourceId',
        validTraceparent(request.headers.traceparent),
        { 'http.request.method': 'POST', 'http.route': '/in/:sourceId', 'gateway.source.id': sourceId },
        SpanKind.SERVER,
      ),
    };
    try {
      route(exchange, sourceId);
    } catch (error) {
      // Node's request event has no one above to catch it: an answer, not a crash.
      options.logger.error({ err: error, sourceId }, 'ingress request failed');
      send(exchange, { kind: 'error' });
    }
    return true;
  };
}
