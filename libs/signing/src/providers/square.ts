import { parseJsonObject, stringAt } from '../body';
import { decodeBase64, findSecret, hmac } from '../digest';
import { accept, header, noMatch, reject, verifier } from '../inbound';

/**
 * `x-square-hmacsha256-signature: <base64>` over `notification URL + body`. The request URL must
 * be exactly the URL configured on the subscription. No timestamp: dedupe on the body's event_id.
 */
export const square = verifier({ signed: true }, (request, settings) => {
  const value = header(request, 'x-square-hmacsha256-signature');
  if (!value) {
    const legacy = header(request, 'x-square-signature')
      ? ' (the legacy sha1 x-square-signature is not accepted)'
      : '';
    return reject('missing-header', `missing x-square-hmacsha256-signature${legacy}`);
  }
  const digest = decodeBase64(value);
  if (!digest) return reject('malformed-header', 'x-square-hmacsha256-signature is not base64');
  if (
    !findSecret(settings.secrets, [digest], (secret) => hmac('sha256', secret, request.url, request.rawBody))
  ) {
    return noMatch();
  }
  const event = parseJsonObject(request.rawBody);
  return accept(stringAt(event, 'event_id'), stringAt(event, 'type'));
});
