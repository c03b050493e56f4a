import { parseJsonObject, stringAt } from '../body';
import { decodeHex, findSecret, hmac } from '../digest';
import { accept, header, noMatch, reject, verifier } from '../inbound';
import { checkTimestamp } from '../timestamp';

/**
 * `Linear-Signature: <hex>` over the body. The timestamp is inside the signed body
 * (`webhookTimestamp`, milliseconds), so it is read only once the signature checks out.
 */
export const linear = verifier({ signed: false, headers: ['linear-delivery'] }, (request, settings) => {
  const value = header(request, 'linear-signature');
  if (!value) return reject('missing-header', 'missing linear-signature');
  const digest = decodeHex(value);
  if (!digest) return reject('malformed-header', 'linear-signature is not hex');
  if (!findSecret(settings.secrets, [digest], (secret) => hmac('sha256', secret, request.rawBody))) {
    return noMatch();
  }
  const body = parseJsonObject(request.rawBody);
  const sentAt = body?.webhookTimestamp;
  if (typeof sentAt !== 'number' || !Number.isFinite(sentAt)) {
    return reject('malformed-header', 'the signed body has no numeric webhookTimestamp');
  }
  const late = checkTimestamp(sentAt / 1000, request.now, settings.toleranceSeconds);
  if (late) return late;
  return accept(
    header(request, 'linear-delivery'),
    header(request, 'linear-event') ?? stringAt(body, 'type'),
  );
});
