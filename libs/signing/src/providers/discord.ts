import { verify, type KeyObject } from 'node:crypto';
import { objectAt, parseJsonObject, stringAt, type JsonObject } from '../body';
import { decodeHex } from '../digest';
import { ed25519PublicKeyFromBytes } from '../ed25519-keys';
import { accept, header, noMatch, reject, type Handshake, verifier } from '../inbound';
import { SigningConfigError } from '../signing-error';
import { checkTimestamp, parseUnixSeconds } from '../timestamp';

const SIGNATURE = 'x-signature-ed25519';
const TIMESTAMP = 'x-signature-timestamp';

/** The application's Public Key as the Developer Portal shows it: 32 bytes in hex. */
function publicKey(value: string, position: number): KeyObject {
  const raw = decodeHex(value.trim());
  if (!raw) throw new SigningConfigError(`secret #${position + 1} is not a hex Ed25519 public key`);
  return ed25519PublicKeyFromBytes(raw, `secret #${position + 1}`);
}

/** Interactions PING (type 1) wants `{"type":1}`; Webhook Events PING (type 0) wants an empty 204. */
function ping(body: JsonObject | null): Handshake | undefined {
  if (!body || objectAt(body, 'event')) return undefined;
  if (body.type === 1 && stringAt(body, 'token') !== null) {
    return { status: 200, contentType: 'application/json', body: '{"type":1}' };
  }
  if (body.type === 0) return { status: 204, contentType: 'text/plain', body: '' };
  return undefined;
}

/**
 * Ed25519 over `timestamp + body`. Discord sends invalid signatures on purpose and removes
 * endpoints that accept them. It publishes no window: the source's tolerance applies both ways.
 */
export const discord = verifier({ signed: true }, (request, settings) => {
  const value = header(request, SIGNATURE);
  const timestampValue = header(request, TIMESTAMP);
  if (!value || !timestampValue) return reject('missing-header', `missing ${value ? TIMESTAMP : SIGNATURE}`);
  const timestamp = parseUnixSeconds(timestampValue);
  if (timestamp === null) return reject('malformed-header', `${TIMESTAMP} is not unix seconds`);
  const signature = decodeHex(value);
  if (signature?.length !== 64) {
    return reject('malformed-header', `${SIGNATURE} is not a 64-byte hex signature`);
  }
  const content = Buffer.concat([Buffer.from(timestampValue), request.rawBody]);
  const keys = settings.secrets.map(publicKey);
  if (!keys.some((key) => verify(null, content, key, signature))) return noMatch();
  const late = checkTimestamp(timestamp, request.now, settings.toleranceSeconds);
  if (late) return late;
  const body = parseJsonObject(request.rawBody);
  return accept(stringAt(body, 'id'), stringAt(objectAt(body, 'event'), 'type'), ping(body));
});
