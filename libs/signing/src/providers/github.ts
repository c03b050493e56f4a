import { decodeHex, findSecret, hmac } from '../digest';
import { accept, header, noMatch, reject, verifier } from '../inbound';

const PREFIX = 'sha256=';

/** `X-Hub-Signature-256: sha256=<hex>` over the body. No timestamp: dedupe on X-GitHub-Delivery. */
export const github = verifier({ signed: false, headers: ['x-github-delivery'] }, (request, settings) => {
  const value = header(request, 'x-hub-signature-256');
  if (!value) {
    // Policy: the SHA-1 header alone is refused, GitHub itself recommends the SHA-256 one.
    const legacy = header(request, 'x-hub-signature')
      ? ' (the legacy sha1 x-hub-signature is not accepted)'
      : '';
    return reject('missing-header', `missing x-hub-signature-256${legacy}`);
  }
  const digest = value.startsWith(PREFIX) ? decodeHex(value.slice(PREFIX.length)) : null;
  if (!digest) return reject('malformed-header', 'x-hub-signature-256 is not "sha256=<hex>"');
  if (!findSecret(settings.secrets, [digest], (secret) => hmac('sha256', secret, request.rawBody))) {
    return noMatch();
  }
  return accept(header(request, 'x-github-delivery'), header(request, 'x-github-event'));
});
