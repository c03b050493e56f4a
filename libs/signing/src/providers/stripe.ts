import { parseJsonObject, stringAt } from '../body';
import { decodeHex, findSecret, hmac } from '../digest';
import { accept, header, noMatch, reject, verifier } from '../inbound';
import { checkTimestamp, parseUnixSeconds } from '../timestamp';

/** `Stripe-Signature: t=<s>,v1=<hex>[,v1=…]`, HMAC-SHA256 over `t.body` keyed by the `whsec_` string as-is. */
export const stripe = verifier({ signed: true }, (request, settings) => {
  const value = header(request, 'stripe-signature');
  if (!value) return reject('missing-header', 'missing stripe-signature');
  let t = '';
  const signatures: Buffer[] = [];
  for (const item of value.split(',')) {
    const [key, ...rest] = item.trim().split('=');
    const digest = key === 'v1' ? decodeHex(rest.join('=')) : null;
    if (key === 't') t = rest.join('=');
    if (digest) signatures.push(digest); // v0 and other schemes are ignored: no downgrade
  }
  const timestamp = parseUnixSeconds(t);
  if (timestamp === null) return reject('malformed-header', 'stripe-signature has no valid t=');
  if (signatures.length === 0) return reject('bad-signature', 'stripe-signature has no v1 signature');
  if (
    !findSecret(settings.secrets, signatures, (secret) => hmac('sha256', secret, `${t}.`, request.rawBody))
  ) {
    return noMatch();
  }
  // Stripe's SDK checks age only; a future t is accepted there, so it is here.
  const late = checkTimestamp(timestamp, request.now, settings.toleranceSeconds, 'past-only');
  if (late) return late;
  const event = parseJsonObject(request.rawBody);
  return accept(stringAt(event, 'id'), stringAt(event, 'type'));
});
