import { objectAt, parseJsonObject, stringAt } from '../body';
import { decodeHex, findSecret, hmac } from '../digest';
import { accept, header, noMatch, reject, verifier } from '../inbound';
import { checkTimestamp, parseUnixSeconds } from '../timestamp';

const PREFIX = 'v0=';

/**
 * `x-zm-signature: v0=<hex>` over `v0:<x-zm-request-timestamp>:<body>`. Zoom publishes no window,
 * so the source's tolerance applies both ways. `endpoint.url_validation` (sent at set-up and every
 * 72 h) is answered with the plain token and its HMAC under the secret that verified the request.
 */
export const zoom = verifier(null, (request, settings) => {
  const value = header(request, 'x-zm-signature');
  const timestampValue = header(request, 'x-zm-request-timestamp');
  if (!value || !timestampValue) {
    return reject('missing-header', `missing ${value ? 'x-zm-request-timestamp' : 'x-zm-signature'}`);
  }
  const timestamp = parseUnixSeconds(timestampValue);
  if (timestamp === null) return reject('malformed-header', 'x-zm-request-timestamp is not unix seconds');
  const digest = value.startsWith(PREFIX) ? decodeHex(value.slice(PREFIX.length)) : null;
  if (!digest) return reject('malformed-header', 'x-zm-signature is not "v0=<hex>"');
  const expected = (secret: string) => hmac('sha256', secret, `v0:${timestampValue}:`, request.rawBody);
  const secret = findSecret(settings.secrets, [digest], expected);
  if (secret === undefined) return noMatch();
  const late = checkTimestamp(timestamp, request.now, settings.toleranceSeconds);
  if (late) return late;
  const body = parseJsonObject(request.rawBody);
  const event = stringAt(body, 'event');
  const plainToken = stringAt(objectAt(body, 'payload'), 'plainToken');
  if (event === 'endpoint.url_validation' && plainToken !== null) {
    const encryptedToken = hmac('sha256', secret, plainToken).toString('hex');
    const reply = JSON.stringify({ plainToken, encryptedToken });
    return accept(null, event, { status: 200, contentType: 'application/json', body: reply });
  }
  return accept(null, event);
});
