import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { decodeBase64 } from '../digest';
import { accept, header, noMatch, reject, verifier } from '../inbound';
import { SigningConfigError } from '../signing-error';
import { checkTimestamp, parseUnixSeconds } from '../timestamp';

const SIGNATURE = 'x-twilio-email-event-webhook-signature';
const TIMESTAMP = 'x-twilio-email-event-webhook-timestamp';

/** The verification key as SendGrid shows it (base64 DER SPKI), or as PEM. */
function publicKey(value: string, position: number): KeyObject {
  const der = decodeBase64(value.trim());
  try {
    const key = der
      ? createPublicKey({ key: der, format: 'der', type: 'spki' })
      : createPublicKey({ key: value, format: 'pem' });
    if (key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return key;
  } catch {
    // reported below, without echoing the key
  }
  throw new SigningConfigError(
    `secret #${position + 1} is not an EC P-256 public key (base64 DER SPKI or PEM)`,
  );
}

/**
 * Signed Event Webhook: base64 DER ECDSA P-256/SHA-256 signature over `timestamp + body`,
 * verified with the public key from SendGrid's mail settings (so `secrets` holds public keys).
 */
export const sendgrid = verifier(null, (request, settings) => {
  const value = header(request, SIGNATURE);
  const timestampValue = header(request, TIMESTAMP);
  if (!value || !timestampValue) return reject('missing-header', `missing ${value ? TIMESTAMP : SIGNATURE}`);
  const timestamp = parseUnixSeconds(timestampValue);
  if (timestamp === null) return reject('malformed-header', `${TIMESTAMP} is not unix seconds`);
  const signature = decodeBase64(value);
  if (!signature) return reject('malformed-header', `${SIGNATURE} is not base64`);
  const content = Buffer.concat([Buffer.from(timestampValue), request.rawBody]);
  const keys = settings.secrets.map(publicKey);
  if (!keys.some((key) => verify('sha256', content, key, signature))) return noMatch();
  const late = checkTimestamp(timestamp, request.now, settings.toleranceSeconds);
  if (late) return late;
  // The body is a batch of events, each with its own sg_event_id: no single id or type.
  return accept(null, null);
});
