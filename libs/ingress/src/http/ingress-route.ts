import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { metrics, SpanKind, startHopSpan, validTraceparent, type HopSpan, type Logger } from '@gateway/observability';
import type { IngressSource } from '../sources/ingress-source';
import type { InboundAcceptor } from './inbound-acceptor';
import { answerFor, type IngressOutcome } from './outcome';
import { lingerOnClose } from './lingering-close';
import { RateLimiter } from './rate-limiter';
import { BodyTimeoutError, BodyTooLargeError, readRawBody } from './raw-body';
import { signedUrl, type PublicBase } from './signed-url';

export interface IngressRouteOptions {
  sources: { get(id: string): IngressSource | undefined };
  acceptor: InboundAcceptor;
  publicBase: PublicBase;
  trustForwardedHeaders: boolean;
  /** Requests handled at once by this process; beyond it: 503 (load shedding). */
  maxInFlight: number;
  retryAfterSeconds: number;
  /** Epoch milliseconds (the rate limiter's clock). */
  now(): number;
  logger: Logger;
  bodyTimeoutMs?: number;
}

interface RequestState {
  startedAt: bigint;
  /** The request's SERVER span; its traceparent goes with the message to the journal. */
  span: HopSpan;
  /** Set once the source is known and the request may be read. */
  source?: IngressSource;
}

/** Node joins repeated headers except a few; the verifiers read one string per name. */
function flatHeaders(headers: FastifyRequest['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/**
 * Mounts `POST /in/:sourceId` on Fastify, in a scope of its own so its body handling touches no
 * other route. Everything cheap is decided in `onRequest`, before a byte of the body is read:
 * load shedding (503), unknown source (404), rate limit (429), declared length (413). The body is
 * then read raw, whatever its content type, counted against the source's limit while it streams.
 */
export function registerIngressRoute(fastify: FastifyInstance, options: IngressRouteOptions): void {
  const states = new WeakMap<FastifyRequest, RequestState>();
  const limiter = new RateLimiter();
  const bodyTimeoutMs = options.bodyTimeoutMs ?? 10_000;
  let inFlight = 0;

  /** Starts the request's span, continuing the sender's trace when it sent a valid `traceparent`. */
  const begin = (request: FastifyRequest, sourceId: string): RequestState => {
    const span = startHopSpan(
      'POST /in/:sourceId',
      validTraceparent(request.headers.traceparent),
      { 'http.request.method': 'POST', 'http.route': '/in/:sourceId', 'gateway.source.id': sourceId },
      SpanKind.SERVER,
    );
    const state: RequestState = { startedAt: process.hrtime.bigint(), span };
    states.set(request, state);
    return state;
  };

  const send = (reply: FastifyReply, state: RequestState, outcome: IngressOutcome) => {
    const provider = state.source?.provider ?? 'unknown';
    const answer = answerFor(outcome, provider);
    const labels = { provider, outcome: outcome.kind };
    metrics.ingressRequests.inc(labels);
    metrics.ingressRequestDuration.observe(labels, Number(process.hrtime.bigint() - state.startedAt) / 1e9);
    if (outcome.kind === 'unauthorized') metrics.ingressRejections.inc({ provider, reason: outcome.reason });
    state.span.end(outcome.kind, answer.status >= 500 ? outcome.kind : undefined, {
      'gateway.provider': provider,
      'http.response.status_code': answer.status,
      ...(outcome.kind === 'accepted' || outcome.kind === 'duplicate' ? { 'gateway.inbound.id': outcome.id } : {}),
    });
    // Refused while the client may still be sending its body: close without a reset.
    if (answer.headers.connection === 'close') lingerOnClose(reply.raw.socket);
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  };

  void fastify.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (request, payload, done) => {
      const source = states.get(request)?.source;
      if (!source) return done(new Error('no ingress state for this request'), undefined);
      readRawBody(payload, source.maxBodyBytes, bodyTimeoutMs).then(
        (body) => done(null, body),
        (error: Error) => done(error, undefined),
      );
    });

    scope.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
      const state = states.get(request) ?? begin(request, (request.params as { sourceId?: string } | undefined)?.sourceId ?? '');
      if (error instanceof BodyTooLargeError) return send(reply, state, { kind: 'too-large', limit: error.limit });
      if (error instanceof BodyTimeoutError) return send(reply, state, { kind: 'body-timeout' });
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
        return send(reply, state, { kind: 'unsupported-media-type', detail: 'the content-type header is malformed' });
      }
      if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
        return send(reply, state, { kind: 'bad-request', detail: 'the request could not be read' });
      }
      options.logger.error({ err: error, sourceId: state.source?.id }, 'ingress request failed');
      return send(reply, state, { kind: 'error' });
    });

    scope.post<{ Params: { sourceId: string } }>('/in/:sourceId', {
      onRequest: async (request, reply) => {
        const state = begin(request, request.params.sourceId);
        if (inFlight >= options.maxInFlight) {
          return send(reply, state, { kind: 'overloaded', retryAfterSeconds: options.retryAfterSeconds });
        }
        inFlight++;
        metrics.ingressInFlight.set(inFlight);
        reply.raw.once('close', () => metrics.ingressInFlight.set(--inFlight));
        const source = options.sources.get(request.params.sourceId);
        if (!source) return send(reply, state, { kind: 'not-found', sourceId: request.params.sourceId });
        state.source = source;
        const rate = limiter.take(source.id, source.rateLimit, options.now());
        if (!rate.allowed) return send(reply, state, { kind: 'rate-limited', retryAfterSeconds: rate.retryAfterSeconds });
        const declared = Number(request.headers['content-length']);
        if (declared > source.maxBodyBytes) return send(reply, state, { kind: 'too-large', limit: source.maxBodyBytes });
        return undefined;
      },
      handler: async (request, reply) => {
        const state = states.get(request)!;
        const source = state.source!;
        const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const outcome = await options.acceptor.accept(
          source,
          {
            method: request.method,
            url: signedUrl(options.publicBase, request.url, request.headers, options.trustForwardedHeaders),
            headers: flatHeaders(request.headers),
            rawBody,
          },
          state.span.traceparent,
        );
        return send(reply, state, outcome);
      },
    });
  });
}
