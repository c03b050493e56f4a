import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, request } from 'undici';
import type { AttemptResult } from '@gateway/retry';
import type { AddressPolicy } from './address-policy';

export interface SendResult extends AttemptResult {
  durationMs: number;
  /** Readable cause when no usable response arrived; never contains secrets. */
  errorDetail: string | null;
  responseBody: string | null;
}

export interface SenderOptions {
  policy: AddressPolicy;
  timeoutMs: number;
  connectTimeoutMs: number;
  /** Name resolution; replaceable in tests to simulate a name that resolves to a private address. */
  resolve?: typeof dnsLookup;
}

const responseBodyLimit = 1024;

class BlockedAddressError extends Error {
  readonly code = 'ERR_SSRF_BLOCKED';
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * POSTs deliveries with undici on a pooled agent. The SSRF check runs inside the connector's DNS
 * lookup, on the very addresses the socket connects to, so DNS rebinding cannot slip past it;
 * literal IP hosts (which skip lookup) are checked before the request.
 */
export class HttpSender {
  private readonly agent: Agent;

  constructor(private readonly options: SenderOptions) {
    const resolve = options.resolve ?? dnsLookup;
    const guardedLookup = (hostname: string, lookupOptions: LookupOptions, callback: LookupCallback): void => {
      resolve(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
        if (error) return callback(error, []);
        const list = addresses;
        const refused = list.find((entry) => !options.policy.allows(entry.address));
        if (refused || list.length === 0) {
          return callback(new BlockedAddressError(`${hostname} resolves to ${refused?.address ?? 'nothing'}, a blocked address`), []);
        }
        if (lookupOptions.all) return callback(null, list);
        return callback(null, list[0].address, list[0].family);
      });
    };
    this.agent = new Agent({
      connections: 64,
      keepAliveTimeout: 30000,
      connect: { timeout: options.connectTimeoutMs, lookup: guardedLookup },
    });
  }

  async send(url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    const started = performance.now();
    const finish = (partial: Omit<SendResult, 'durationMs'>): SendResult => ({ ...partial, durationMs: Math.round(performance.now() - started) });
    let target: URL;
    try {
      target = new URL(url);
      if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new Error(`unsupported scheme ${target.protocol}`);
    } catch (error) {
      return finish({ statusCode: null, error: 'invalid-url', errorDetail: (error as Error).message, retryAfterHeader: null, responseBody: null });
    }
    const host = target.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) !== 0 && !this.options.policy.allows(host)) {
      return finish({ statusCode: null, error: 'ssrf-blocked', errorDetail: `${host} is a blocked address`, retryAfterHeader: null, responseBody: null });
    }
    try {
      const response = await request(target, {
        method: 'POST',
        headers,
        body,
        dispatcher: this.agent,
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const responseBody = await readLimited(response.body);
      const retryAfter = response.headers['retry-after'];
      return finish({
        statusCode: response.statusCode,
        error: null,
        errorDetail: null,
        retryAfterHeader: Array.isArray(retryAfter) ? (retryAfter[0] ?? null) : (retryAfter ?? null),
        responseBody,
      });
    } catch (error) {
      return finish({ statusCode: null, ...classifyError(error), retryAfterHeader: null, responseBody: null });
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

async function readLimited(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= responseBodyLimit) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, responseBodyLimit).toString('utf8');
}

function classifyError(error: unknown): { error: AttemptResult['error']; errorDetail: string } {
  const cause = (error as { cause?: unknown }).cause;
  const code = (error as { code?: string }).code ?? (cause as { code?: string } | undefined)?.code;
  const message = (error as Error).message;
  if (code === 'ERR_SSRF_BLOCKED' || error instanceof BlockedAddressError || cause instanceof BlockedAddressError) {
    return { error: 'ssrf-blocked', errorDetail: (cause instanceof Error ? cause : (error as Error)).message };
  }
  if (['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ABORT_ERR', 'ETIMEDOUT'].includes(code ?? '') || (error as Error).name === 'TimeoutError') {
    return { error: 'timeout', errorDetail: `timed out (${code ?? 'timeout'})` };
  }
  return { error: 'network', errorDetail: `${code ?? 'error'}: ${message}` };
}
