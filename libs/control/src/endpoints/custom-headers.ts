import { z } from 'zod';
import { isGatewayHeader } from '@gateway/delivery';

/**
 * Names an operator may not set: hop-by-hop headers (RFC 9110 §7.6.1) would break the connection's
 * framing, `host`, `content-length` and `expect` are the request's own, and `webhook-*`,
 * `content-type` and `traceparent` are the gateway's.
 */
const reservedNames = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  // Not hop-by-hop, but it changes the framing (100-continue), and undici refuses to send it.
  'expect',
]);

const tokenName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
const fieldValue = /^[\t\x20-\x7e\x80-\xff]{0,4096}$/;

/** Extra headers sent with every delivery to an endpoint. */
export const customHeaders = z
  .record(
    z.string(),
    z.string().regex(fieldValue, 'a header value of at most 4096 characters without control characters'),
  )
  .superRefine((headers, ctx) => {
    const seen = new Set<string>();
    for (const name of Object.keys(headers)) {
      const lower = name.toLowerCase();
      if (!tokenName.test(name))
        ctx.addIssue({ code: 'custom', path: [name], message: 'not a valid header name' });
      else if (lower.startsWith('webhook-'))
        ctx.addIssue({ code: 'custom', path: [name], message: 'webhook-* headers are set by the gateway' });
      // The sender's own list (content-type, traceparent, ...): a custom value would be dropped without a word.
      else if (isGatewayHeader(lower))
        ctx.addIssue({ code: 'custom', path: [name], message: `"${lower}" is set by the gateway` });
      else if (reservedNames.has(lower))
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `"${lower}" is a hop-by-hop or framing header`,
        });
      else if (seen.has(lower))
        ctx.addIssue({ code: 'custom', path: [name], message: 'the same header name appears twice' });
      seen.add(lower);
    }
    if (seen.size > 50) ctx.addIssue({ code: 'custom', path: [], message: 'at most 50 headers' });
  })
  .describe(
    'Extra headers sent with every delivery (string to string); hop-by-hop and webhook-* names are refused.',
  );

/** What the API shows instead of a header value: the values are write-only (encrypted at rest, ADR 0027). */
export const headerMask = '••••';

/** The headers as the API answers them: the names, each value masked. */
export const maskedHeaders = z
  .record(z.string(), z.literal(headerMask))
  .describe(
    `Extra headers sent with every delivery: the names, each value shown as "${headerMask}". Values are write-only (they often carry receiver credentials) and stored encrypted; PATCH \`headers\` replaces them all.`,
  );

export const maskHeaders = (headers: Record<string, string>): Record<string, typeof headerMask> =>
  Object.fromEntries(Object.keys(headers).map((name) => [name, headerMask]));
