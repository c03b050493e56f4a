import { parseJsonObject, stringAt } from '../body';
import { decodeHex, findSecret, hmac } from '../digest';
import { accept, header, noMatch, reject, verifier } from '../inbound';

const PREFIX = 'v1=';

/** `X-PagerDuty-Signature: v1=<hex>[,v1=<hex>…]` over the body; one v1 per active secret. */
export const pagerduty = verifier({ signed: true }, (request, settings) => {
  const value = header(request, 'x-pagerduty-signature');
  if (!value) return reject('missing-header', 'missing x-pagerduty-signature');
  const signatures = value
    .split(',')
    .map((item) => item.trim())
    .flatMap((item) => (item.startsWith(PREFIX) ? [decodeHex(item.slice(PREFIX.length))] : []))
    .filter((digest) => digest !== null);
  if (signatures.length === 0) {
    return reject('malformed-header', 'x-pagerduty-signature has no "v1=<hex>" entry');
  }
  if (!findSecret(settings.secrets, signatures, (secret) => hmac('sha256', secret, request.rawBody))) {
    return noMatch();
  }
  const event = parseJsonObject(request.rawBody)?.event;
  return accept(stringAt(event, 'id'), stringAt(event, 'event_type'));
});
