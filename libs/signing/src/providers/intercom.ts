import { parseJsonObject, stringAt } from '../body';
import { decodeHex, findSecret, hmac } from '../digest';
import { accept, header, noMatch, reject, verifier } from '../inbound';

const PREFIX = 'sha1=';

/** `X-Hub-Signature: sha1=<hex>`, HMAC-SHA1 over the body keyed by the app's client secret. */
export const intercom = verifier({ signed: true }, (request, settings) => {
  const value = header(request, 'x-hub-signature');
  if (!value) return reject('missing-header', 'missing x-hub-signature');
  const digest = value.startsWith(PREFIX) ? decodeHex(value.slice(PREFIX.length)) : null;
  if (!digest) return reject('malformed-header', 'x-hub-signature is not "sha1=<hex>"');
  if (!findSecret(settings.secrets, [digest], (secret) => hmac('sha1', secret, request.rawBody))) {
    return noMatch();
  }
  const notification = parseJsonObject(request.rawBody);
  return accept(stringAt(notification, 'id'), stringAt(notification, 'topic'));
});
