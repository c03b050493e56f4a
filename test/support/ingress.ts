import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { connect } from 'node:net';
import type { DataSource } from '@gateway/persistence';
import { signPayload } from '@gateway/signing';
import type { RunningService } from './services';
import { waitFor } from './wait-for';

export { metricValue } from './metrics';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

/**
 * POSTs exactly the given headers and bytes (fetch would add a content-type of its own). With
 * `chunked`, the body goes without content-length, in pieces.
 */
export function post(
  url: string,
  headers: Record<string, string>,
  body: string | Buffer,
  chunked = false,
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const payload = typeof body === 'string' ? Buffer.from(body) : body;
    const outgoing = request(
      url,
      {
        method: 'POST',
        headers: chunked ? headers : { ...headers, 'content-length': String(payload.length) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const flat: Record<string, string> = {};
          for (const [name, value] of Object.entries(response.headers))
            if (typeof value === 'string') flat[name] = value;
          resolve({
            status: response.statusCode ?? 0,
            headers: flat,
            text,
            json: <T>() => JSON.parse(text) as T,
          });
        });
      },
    );
    outgoing.on('error', reject);
    if (chunked) {
      for (let offset = 0; offset < payload.length; offset += 16 * 1024)
        outgoing.write(payload.subarray(offset, offset + 16 * 1024));
      outgoing.end();
    } else {
      outgoing.end(payload);
    }
  });
}

/**
 * Sends an oversized request over a bare socket, as curl does: the head first, then the body in
 * 16 KB pieces every `pieceDelayMs` (0: as fast as the socket takes them), stopping as soon as the
 * server answers (it answers 413 and closes without reading the rest; a client that kept writing
 * would get EPIPE or a reset instead of the answer). Returns that answer.
 */
export async function postOversized(
  url: string,
  headers: Record<string, string>,
  body: Buffer,
  chunked: boolean,
  pieceDelayMs = 5,
): Promise<HttpAnswer> {
  const target = new URL(url);
  const socket = connect(Number(target.port), target.hostname);
  const chunks: Buffer[] = [];
  let answered = false;
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('data', (chunk: Buffer) => {
    answered = true;
    chunks.push(chunk);
  });
  socket.on('error', () => undefined);
  const framing = chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(body.length) };
  const head = Object.entries({ host: target.host, ...headers, ...framing, connection: 'close' })
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n');
  socket.write(`POST ${target.pathname} HTTP/1.1\r\n${head}\r\n\r\n`);
  for (let offset = 0; offset < body.length && !answered && !socket.destroyed; offset += 16 * 1024) {
    await new Promise((resolve) => setTimeout(resolve, pieceDelayMs));
    const piece = body.subarray(offset, offset + 16 * 1024);
    socket.write(
      chunked
        ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')])
        : piece,
    );
  }
  const timer = setTimeout(() => socket.destroy(), 10000);
  await closed;
  clearTimeout(timer);
  const raw = Buffer.concat(chunks).toString('utf8');
  const split = raw.indexOf('\r\n\r\n');
  if (split < 0) throw new Error(`no answer: ${raw.slice(0, 200)}`);
  const [statusLine, ...lines] = raw.slice(0, split).split('\r\n');
  const flat: Record<string, string> = {};
  for (const line of lines)
    flat[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
  const text = raw.slice(split + 4);
  return {
    status: Number(statusLine.split(' ')[1]),
    headers: flat,
    text,
    json: <T>() => JSON.parse(text) as T,
  };
}

export const uniqueId = (label: string): string => `${label}_${randomBytes(8).toString('hex')}`;
export const unixNow = (): number => Math.floor(Date.now() / 1000);

/** The headers of a JSON webhook signed now with a Standard Webhooks secret, as a provider sends it. */
export function standardWebhooksHeaders(secret: string, body: string): Record<string, string> {
  const at = unixNow();
  const id = `msg_${randomBytes(8).toString('hex')}`;
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(at),
    'webhook-signature': signPayload({ id, timestamp: at, payload: body, secrets: [secret] }),
  };
}

/** Inserts a source as the control API would (for tests that are not about the API). */
export async function insertSource(
  db: DataSource,
  source: {
    provider: string;
    secrets: string[];
    forward?: { eventTypeFrom: string };
    options?: object;
    rateLimit?: object;
    maxBodyBytes?: number;
    dedupWindowSeconds?: number;
  },
): Promise<string> {
  const id = uniqueId('src');
  await db.query(
    `INSERT INTO sources (id, name, provider, secrets, max_body_bytes, dedup_window_seconds, forward, options, rate_limit)
     VALUES ($1, $1, $2, $3::jsonb, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb)`,
    [
      id,
      source.provider,
      JSON.stringify(source.secrets),
      source.maxBodyBytes ?? 512 * 1024,
      source.dedupWindowSeconds ?? 86400,
      source.forward ? JSON.stringify(source.forward) : null,
      source.options ? JSON.stringify(source.options) : null,
      source.rateLimit ? JSON.stringify(source.rateLimit) : null,
    ],
  );
  return id;
}

/** Waits until an ingress process holds `count` sources in memory. */
export async function ingressSees(ingress: RunningService, count: number): Promise<void> {
  await waitFor(`ingress ${ingress.port} to load ${count} sources`, 10000, async () => {
    const text = await (await fetch(`${ingress.url}/metrics`)).text();
    return new RegExp(`^gateway_ingress_sources_loaded ${count}$`, 'm').test(text);
  });
}
