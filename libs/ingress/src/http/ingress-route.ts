import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { metrics, type Logger } from '@gateway/observability';
import type { IngressSource } from '../sources/ingress-source';
import type { InboundAcceptor } from './inbound-acceptor';
import { answerFor, type IngressOutcome } from './outcome';
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
  source: IngressSource;
  startedAt: bigint;
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

  const send = (reply: FastifyReply, outcome: IngressOutcome, provider: string, startedAt: bigint) => {
    const answer = answerFor(outcome, provider);
    const labels = { provider, outcome: outcome.kind };
    metrics.ingressRequests.inc(labels);
    metrics.ingressRequestDuration.observe(labels, Number(process.hrtime.bigint() - startedAt) / 1e9);
    if (outcome.kind === 'unauthorized') metrics.ingressRejections.inc({ provider, reason: outcome.reason });
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  };

  void fastify.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (request, payload, done) => {
      const state = states.get(request);
      if (!state) return done(new Error('no ingress state for this request'), undefined);
      readRawBody(payload, state.source.maxBodyBytes, bodyTimeoutMs).then(
        (body) => done(null, body),
        (error: Error) => done(error, undefined),
      );
    });

    scope.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
      const state = states.get(request);
      const provider = state?.source.provider ?? 'unknown';
      const startedAt = state?.startedAt ?? process.hrtime.bigint();
      if (error instanceof BodyTooLargeError) return send(reply, { kind: 'too-large', limit: error.limit }, provider, startedAt);
      if (error instanceof BodyTimeoutError) return send(reply, { kind: 'body-timeout' }, provider, startedAt);
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
        return send(reply, { kind: 'unsupported-media-type', detail: 'the content-type header is malformed' }, provider, startedAt);
      }
      if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
        return send(reply, { kind: 'bad-request', detail: 'the request could not be read' }, provider, startedAt);
      }
      options.logger.error({ err: error, sourceId: state?.source.id }, 'ingress request failed');
      return send(reply, { kind: 'error' }, provider, startedAt);
    });

    scope.post<{ Params: { sourceId: string } }>('/in/:sourceId', {
      onRequest: async (request, reply) => {
        const startedAt = process.hrtime.bigint();
        if (inFlight >= options.maxInFlight) {
          return send(reply, { kind: 'overloaded', retryAfterSeconds: options.retryAfterSeconds }, 'unknown', startedAt);
        }
        inFlight++;
        metrics.ingressInFlight.set(inFlight);
        reply.raw.once('close', () => metrics.ingressInFlight.set(--inFlight));
        const source = options.sources.get(request.params.sourceId);
        if (!source) return send(reply, { kind: 'not-found', sourceId: request.params.sourceId }, 'unknown', startedAt);
        const rate = limiter.take(source.id, source.rateLimit, options.now());
        if (!rate.allowed) {
          return send(reply, { kind: 'rate-limited', retryAfterSeconds: rate.retryAfterSeconds }, source.provider, startedAt);
        }
        const declared = Number(request.headers['content-length']);
        if (declared > source.maxBodyBytes) {
          return send(reply, { kind: 'too-large', limit: source.maxBodyBytes }, source.provider, startedAt);
        }
        states.set(request, { source, startedAt });
        return undefined;
      },
      handler: async (request, reply) => {
        const state = states.get(request)!;
        const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const outcome = await options.acceptor.accept(state.source, {
          method: request.method,
          url: signedUrl(options.publicBase, request.url, request.headers, options.trustForwardedHeaders),
          headers: flatHeaders(request.headers),
          rawBody,
        });
        return send(reply, outcome, state.source.provider, state.startedAt);
      },
    });
  });
}
