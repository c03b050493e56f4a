import { z } from 'zod';
import { decodeDigest, findSecret, hmac } from '../digest';
import { accept, header, noMatch, reject, type InboundSettings, verifier } from '../inbound';
import { SigningConfigError } from '../signing-error';
import { checkTimestamp, parseUnixSeconds } from '../timestamp';

const headerName = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'expected an HTTP header name')
  .transform((name) => name.toLowerCase());

/** Options of a `generic-hmac` source: a provider not covered by name, described by its scheme. */
export const genericHmacOptionsSchema = z
  .object({
    header: headerName.describe('Header that carries the signature, e.g. "x-signature".'),
    algorithm: z.enum(['sha1', 'sha256', 'sha512']).default('sha256').describe('HMAC hash.'),
    encoding: z.enum(['hex', 'base64']).default('hex').describe('How the digest is written in the header.'),
    prefix: z.string().default('').describe('Text before the digest, e.g. "sha256=".'),
    signed: z
      .enum(['body', 'timestamp.body'])
      .default('body')
      .describe('What is signed: the raw body, or "<timestamp>.<raw body>".'),
    timestampHeader: headerName
      .optional()
      .describe('Header with unix seconds; required for "timestamp.body".'),
    eventIdHeader: headerName.optional().describe('Header to read the event id from, if any.'),
    eventTypeHeader: headerName.optional().describe('Header to read the event type from, if any.'),
  })
  .refine((options) => options.signed === 'body' || options.timestampHeader !== undefined, {
    message: 'timestampHeader is required when signed is "timestamp.body"',
    path: ['timestampHeader'],
  });

export type GenericHmacOptions = z.infer<typeof genericHmacOptionsSchema>;

// Parsed once per options object: sources are loaded once and verified many times.
const parsed = new WeakMap<object, GenericHmacOptions>();

function optionsOf(settings: InboundSettings): GenericHmacOptions {
  const raw = settings.options ?? {};
  const cached = parsed.get(raw);
  if (cached) return cached;
  const result = genericHmacOptionsSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`,
    );
    throw new SigningConfigError(`invalid generic-hmac options: ${problems.join('; ')}`);
  }
  parsed.set(raw, result.data);
  return result.data;
}

/** HMAC keyed by the UTF-8 secret over the body, or over `timestamp.body`, as the options say. */
export const genericHmac = verifier({ signed: false, headers: 'options' }, (request, settings) => {
  const options = optionsOf(settings);
  // An unsigned timestamp proves nothing, so it is read only when it is part of the signed bytes.
  const timestampName = options.signed === 'timestamp.body' ? options.timestampHeader : undefined;
  const value = header(request, options.header);
  const timestampValue = timestampName ? header(request, timestampName) : '';
  if (!value || timestampValue === null) {
    return reject('missing-header', `missing ${value ? timestampName : options.header}`);
  }
  const timestamp = timestampName ? parseUnixSeconds(timestampValue) : null;
  if (timestampName && timestamp === null) {
    return reject('malformed-header', `${timestampName} is not unix seconds`);
  }
  const encoded = value.startsWith(options.prefix) ? value.slice(options.prefix.length) : null;
  const digest = encoded === null ? null : decodeDigest(encoded, options.encoding);
  if (!digest) {
    return reject('malformed-header', `${options.header} is not "${options.prefix}<${options.encoding}>"`);
  }
  const head = timestampName ? `${timestampValue}.` : '';
  if (
    !findSecret(settings.secrets, [digest], (secret) =>
      hmac(options.algorithm, secret, head, request.rawBody),
    )
  ) {
    return noMatch();
  }
  const late = timestamp === null ? null : checkTimestamp(timestamp, request.now, settings.toleranceSeconds);
  if (late) return late;
  const read = (name: string | undefined) => (name ? header(request, name) : null);
  return accept(read(options.eventIdHeader), read(options.eventTypeHeader));
});
