import { isFormEncoded, mediaType, objectAt, parseJsonObject, stringAt } from '../body';
import { decodeHex, findSecret, hmac } from '../digest';
import { accept, header, noMatch, reject, verifier, type Rejection } from '../inbound';
import { checkTimestamp, parseUnixSeconds } from '../timestamp';

interface MailgunSignature {
  timestamp: string | null;
  token: string | null;
  signature: string | null;
}

/** The signature fields: a `signature` object in JSON bodies, top-level fields in legacy form posts. */
function readSignature(rawBody: Buffer, contentType: string | null): MailgunSignature | Rejection {
  if (isFormEncoded(contentType)) {
    const form = new URLSearchParams(rawBody.toString('utf8'));
    return { timestamp: form.get('timestamp'), token: form.get('token'), signature: form.get('signature') };
  }
  const body = parseJsonObject(rawBody);
  if (!body) {
    return reject('unsupported-media-type', `expected a JSON or form body, got "${mediaType(contentType)}"`);
  }
  const fields = objectAt(body, 'signature');
  if (!fields) return reject('missing-header', 'the body has no signature object');
  const read = (name: string) => stringAt(fields, name);
  return { timestamp: read('timestamp'), token: read('token'), signature: read('signature') };
}

/**
 * The signed token, read as the verifier reads it: unique to each delivery, it names the event
 * for deduplication instead of `event-data.id`, which the signature does not cover.
 */
function signedToken(rawBody: Buffer, contentType: string | null): string | null {
  const fields = readSignature(rawBody, contentType);
  return 'ok' in fields ? null : fields.token;
}

/**
 * The signature lives in the body: hex HMAC-SHA256 over `timestamp + token`. It does NOT cover
 * `event-data`, so the caller should also refuse a token seen before (Mailgun's advice).
 */
export const mailgun = verifier({ signed: false, token: signedToken }, (request, settings) => {
  const fields = readSignature(request.rawBody, header(request, 'content-type'));
  if ('ok' in fields) return fields;
  const { timestamp: timestampValue, token, signature } = fields;
  if (!timestampValue || !token || !signature) {
    return reject('missing-header', 'the signature needs timestamp, token and signature');
  }
  const timestamp = parseUnixSeconds(timestampValue);
  const digest = decodeHex(signature);
  if (timestamp === null || !digest) {
    return reject('malformed-header', 'signature timestamp or signature is malformed');
  }
  if (!findSecret(settings.secrets, [digest], (secret) => hmac('sha256', secret, timestampValue, token))) {
    return noMatch();
  }
  const late = checkTimestamp(timestamp, request.now, settings.toleranceSeconds);
  if (late) return late;
  const eventData = objectAt(parseJsonObject(request.rawBody), 'event-data');
  return accept(stringAt(eventData, 'id'), stringAt(eventData, 'event'));
});
