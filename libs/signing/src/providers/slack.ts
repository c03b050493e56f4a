import { objectAt, parseJsonObject, stringAt } from '../body';
import { decodeHex, findSecret, hmac } from '../digest';
import { accept, header, noMatch, reject, verifier } from '../inbound';
import { checkTimestamp, parseUnixSeconds } from '../timestamp';

const PREFIX = 'v0=';

/**
 * `X-Slack-Signature: v0=<hex>` over `v0:<X-Slack-Request-Timestamp>:<body>`; the window is
 * both ways, as in Slack's SDK. Events API `url_verification` is answered with its challenge.
 */
export const slack = verifier({ signed: true }, (request, settings) => {
  const value = header(request, 'x-slack-signature');
  const timestampValue = header(request, 'x-slack-request-timestamp');
  if (!value || !timestampValue) {
    return reject('missing-header', `missing ${value ? 'x-slack-request-timestamp' : 'x-slack-signature'}`);
  }
  const timestamp = parseUnixSeconds(timestampValue);
  if (timestamp === null) return reject('malformed-header', 'x-slack-request-timestamp is not unix seconds');
  const digest = value.startsWith(PREFIX) ? decodeHex(value.slice(PREFIX.length)) : null;
  if (!digest) return reject('malformed-header', 'x-slack-signature is not "v0=<hex>"');
  const expected = (secret: string) => hmac('sha256', secret, `v0:${timestampValue}:`, request.rawBody);
  if (!findSecret(settings.secrets, [digest], expected)) return noMatch();
  const late = checkTimestamp(timestamp, request.now, settings.toleranceSeconds);
  if (late) return late;
  // Slash commands and interactivity are form-encoded: no event id or type to read.
  const body = parseJsonObject(request.rawBody);
  const type = stringAt(body, 'type');
  const challenge = stringAt(body, 'challenge');
  if (type === 'url_verification' && challenge !== null) {
    return accept(null, type, { status: 200, contentType: 'text/plain', body: challenge });
  }
  return accept(stringAt(body, 'event_id'), stringAt(objectAt(body, 'event'), 'type') ?? type);
});
