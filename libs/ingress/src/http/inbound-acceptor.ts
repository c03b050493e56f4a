import { SigningConfigError, verifyInbound } from '@gateway/signing';
import type { InboundMessage } from '@gateway/schemas';
import { dedupKeyOf, inboundIdFor } from '../dedup/dedup-key';
import { RecentEvents } from '../dedup/recent-events';
import type { IngressSource } from '../sources/ingress-source';
import type { IngressOutcome } from './outcome';

/** A request as the acceptor needs it: the raw bytes and the URL the provider signed. */
export interface ReceivedRequest {
  method: string;
  url: string;
  /** Lower-cased names, one string per header (repeated headers joined with ", "). */
  headers: Record<string, string>;
  rawBody: Buffer;
}

export interface AcceptorPorts {
  /**
   * Writes to the ingress journal topic, with the request span's `traceparent` in its headers;
   * resolves when Kafka acknowledged it (acks=all).
   */
  write(message: InboundMessage, traceparent?: string): Promise<void>;
  /** Epoch milliseconds. */
  now(): number;
  /** Told once per request that hit an unusable source configuration (for the operator's log). */
  onMisconfigured(source: IngressSource, error: SigningConfigError): void;
}

export interface AcceptorOptions {
  ackTimeoutMs: number;
  retryAfterSeconds: number;
  dedupCacheSize: number;
}

/** Headers that carry credentials or only describe the hop; they are not passed downstream. */
const droppedHeaders = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-gitlab-token', // GitLab's "signature" is the secret itself
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'te',
  'trailer',
  'upgrade',
  'expect',
  'host',
]);

function keptHeaders(headers: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of Object.keys(headers)) if (!droppedHeaders.has(name)) kept[name] = headers[name];
  return kept;
}

class AckTimeout extends Error {}

function withTimeout(write: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AckTimeout(`no Kafka acknowledgement within ${ms} ms`)), ms);
  });
  return Promise.race([write, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Verifies a request against its source and makes the inbound webhook durable: verify over the raw
 * bytes, answer handshakes, drop a duplicate this process already accepted, else write to the
 * journal topic and report `accepted` only once Kafka acknowledged. Never touches PostgreSQL.
 */
export class InboundAcceptor {
  private readonly recent: RecentEvents;

  constructor(
    private readonly ports: AcceptorPorts,
    private readonly options: AcceptorOptions,
  ) {
    this.recent = new RecentEvents(options.dedupCacheSize);
  }

  /** `traceparent` is the request's span: the router and dispatcher spans of the event are its children. */
  async accept(
    source: IngressSource,
    request: ReceivedRequest,
    traceparent?: string,
  ): Promise<IngressOutcome> {
    // Nothing to verify with: the operator's to fix (a key not configured), so the provider retries.
    if (source.unreadable !== null)
      return { kind: 'source-unreadable', retryAfterSeconds: this.options.retryAfterSeconds };
    const nowMs = this.ports.now();
    let result;
    try {
      result = verifyInbound(source.provider, { ...request, now: Math.floor(nowMs / 1000) }, source.settings);
    } catch (error) {
      if (!(error instanceof SigningConfigError)) throw error;
      this.ports.onMisconfigured(source, error);
      return { kind: 'misconfigured' };
    }
    if (!result.ok) {
      return result.reason === 'unsupported-media-type'
        ? { kind: 'unsupported-media-type', detail: result.detail }
        : { kind: 'unauthorized', reason: result.reason, detail: result.detail };
    }
    if (result.handshake) return { kind: 'handshake', handshake: result.handshake };

    const dedupKey = dedupKeyOf(
      source.provider,
      result.eventId,
      request.rawBody,
      request.headers['content-type'] ?? null,
    );
    const id = inboundIdFor(source.id, dedupKey);
    const cacheKey = `${source.id}\n${dedupKey}`;
    const recent =
      source.dedupWindowSeconds > 0 ? this.recent.lookup(cacheKey, nowMs) : { state: 'absent' as const };
    if (recent.state === 'acknowledged') return { kind: 'duplicate', id };
    if (recent.state === 'writing') {
      // The first copy is on its way: this one is answered with it (2xx only after its ack).
      try {
        await withTimeout(recent.write, this.options.ackTimeoutMs);
        return { kind: 'duplicate', id };
      } catch {
        return { kind: 'kafka-unavailable', retryAfterSeconds: this.options.retryAfterSeconds };
      }
    }

    const message: InboundMessage = {
      id,
      sourceId: source.id,
      provider: source.provider,
      providerEventId: result.eventId,
      providerEventType: result.eventType,
      receivedAt: new Date(nowMs).toISOString(),
      contentType: request.headers['content-type'] ?? null,
      bodyBase64: request.rawBody.toString('base64'),
      headers: keptHeaders(request.headers),
    };
    const write = this.ports.write(message, traceparent);
    if (source.dedupWindowSeconds > 0)
      this.recent.begin(cacheKey, write, nowMs + source.dedupWindowSeconds * 1000);
    try {
      await withTimeout(write, this.options.ackTimeoutMs);
    } catch {
      // KafkaUnavailableError or no ack in time: the provider retries; if the write lands after
      // all, the retry is a duplicate and is dropped by the dedup consumer.
      void write.catch(() => undefined);
      return { kind: 'kafka-unavailable', retryAfterSeconds: this.options.retryAfterSeconds };
    }
    return { kind: 'accepted', id };
  }
}
