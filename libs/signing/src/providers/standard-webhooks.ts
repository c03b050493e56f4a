import { parseJsonObject, stringAt } from '../body';
import { accept, verifier } from '../inbound';
import { verifyPayload } from '../standard-webhooks';

/** `webhook-id` / `webhook-timestamp` / `webhook-signature` (v1 HMAC, v1a Ed25519). */
export const standardWebhooks = verifier({ signed: true }, (request, settings) => {
  const result = verifyPayload({
    headers: request.headers,
    payload: request.rawBody,
    secrets: settings.secrets,
    toleranceSeconds: settings.toleranceSeconds,
    now: request.now,
  });
  if (!result.ok) return result;
  return accept(result.id, stringAt(parseJsonObject(request.rawBody), 'type'));
});
