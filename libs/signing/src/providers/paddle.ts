import { parseJsonObject, stringAt } from '../body';
import { decodeHex, findSecret, hmac } from '../digest';
import { accept, header, noMatch, reject, verifier } from '../inbound';
import { checkTimestamp, parseUnixSeconds } from '../timestamp';

/** `Paddle-Signature: ts=<s>;h1=<hex>[;h1=…]`, HMAC-SHA256 over `ts:body`. */
export const paddle = verifier({ signed: true }, (request, settings) => {
  const value = header(request, 'paddle-signature');
  if (!value) return reject('missing-header', 'missing paddle-signature');
  let ts = '';
  const signatures: Buffer[] = [];
  for (const item of value.split(';')) {
    const [key, ...rest] = item.trim().split('=');
    const digest = key === 'h1' ? decodeHex(rest.join('=')) : null;
    if (key === 'ts') ts = rest.join('=');
    if (digest) signatures.push(digest); // every h1 counts; unknown schemes (h2) are ignored
  }
  const timestamp = parseUnixSeconds(ts);
  if (timestamp === null) return reject('malformed-header', 'paddle-signature has no valid ts=');
  if (signatures.length === 0) return reject('bad-signature', 'paddle-signature has no h1 signature');
  if (
    !findSecret(settings.secrets, signatures, (secret) => hmac('sha256', secret, `${ts}:`, request.rawBody))
  ) {
    return noMatch();
  }
  // Paddle's SDK has no lower bound (a future ts passes), and neither do we.
  const late = checkTimestamp(timestamp, request.now, settings.toleranceSeconds, 'past-only');
  if (late) return late;
  const event = parseJsonObject(request.rawBody);
  return accept(stringAt(event, 'event_id'), stringAt(event, 'event_type'));
});
