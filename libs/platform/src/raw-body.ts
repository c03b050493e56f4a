import type { Readable } from 'node:stream';

/** The body went over the source's limit: answered 413 without buffering the rest. */
export class BodyTooLargeError extends Error {
  readonly statusCode = 413;
  constructor(readonly limit: number) {
    super(`body over ${limit} bytes`);
  }
}

/** The client stopped sending before the whole body arrived. */
export class BodyTimeoutError extends Error {
  readonly statusCode = 408;
}

/**
 * Reads a request body as the exact bytes received, counting while it streams: over `limit`
 * bytes it stops reading and rejects, so an oversized body is never held whole.
 */
export function readRawBody(stream: Readable, limit: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (error: Error | null) => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      if (error) {
        stream.pause();
        reject(error);
      } else {
        resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received));
      }
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) finish(new BodyTooLargeError(limit));
      else chunks.push(chunk);
    };
    const onEnd = () => finish(null);
    const onError = (error: Error) => finish(error);
    const timer = setTimeout(() => finish(new BodyTimeoutError('body timeout')), timeoutMs);
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}
