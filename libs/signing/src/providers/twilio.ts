import { isFormEncoded } from '../body';
import { decodeBase64, decodeHex, equalBytes, hmac, sha256 } from '../digest';
import { accept, header, noMatch, reject, verifier } from '../inbound';

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/**
 * The URL as given, with its default port and without it: Twilio's SDKs accept either because
 * Twilio's own signing is inconsistent about the port. Pure string work, since the URL class
 * would re-encode the path or query and change the signed bytes.
 */
export function portVariants(url: string): string[] {
  const match = /^(https?:)\/\/([^/?#]*)(.*)$/i.exec(url);
  if (!match) return [url];
  const [, scheme, authority, rest] = match;
  const defaultPort = DEFAULT_PORTS[scheme.toLowerCase()];
  const port = /:(\d+)$/.exec(authority);
  if (!port) return [url, `${scheme}//${authority}:${defaultPort}${rest}`];
  if (port[1] !== defaultPort) return [url];
  return [url, `${scheme}//${authority.slice(0, port.index)}${rest}`];
}

/** Form parameters sorted by name, each name followed by each of its distinct values (sorted), no separators. */
export function sortedParams(form: string): string {
  const params = new URLSearchParams(form);
  return [...new Set(params.keys())]
    .sort()
    .flatMap((name) => [...new Set(params.getAll(name))].sort().map((value) => name + value))
    .join('');
}

const queryParam = (url: string, name: string): string | null =>
  new URLSearchParams(url.split('#')[0].split('?')[1] ?? '').get(name);

/**
 * `X-Twilio-Signature: <base64>`, HMAC-SHA1 keyed by the Auth Token over the public URL followed
 * by the sorted POST parameters. JSON bodies are signed through the URL instead: it carries
 * `bodySHA256`, the hex SHA-256 of the raw body, which must match too.
 */
export const twilio = verifier(
  { signed: false, headers: ['i-twilio-idempotency-token'] },
  (request, settings) => {
    const value = header(request, 'x-twilio-signature');
    if (!value) return reject('missing-header', 'missing x-twilio-signature');
    const digest = decodeBase64(value);
    if (!digest) return reject('malformed-header', 'x-twilio-signature is not base64');
    const bodyHash = queryParam(request.url, 'bodySHA256');
    let params = '';
    if (bodyHash === null && request.rawBody.length > 0) {
      if (!isFormEncoded(header(request, 'content-type'))) {
        return reject(
          'unsupported-media-type',
          'a body that is not form-encoded needs bodySHA256 in the URL',
        );
      }
      params = sortedParams(request.rawBody.toString('utf8'));
    }
    const urls = portVariants(request.url);
    const matches = (secret: string) =>
      urls.some((url) => equalBytes(hmac('sha1', secret, url, params), digest));
    if (!settings.secrets.some(matches)) return noMatch();
    if (bodyHash !== null && !equalBytes(decodeHex(bodyHash) ?? Buffer.alloc(0), sha256(request.rawBody))) {
      return reject('bad-signature', 'the body does not match bodySHA256');
    }
    return accept(header(request, 'i-twilio-idempotency-token'), null);
  },
);
