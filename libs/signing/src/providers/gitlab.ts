import { equalBytes, sha256 } from '../digest';
import { accept, header, reject, verifier } from '../inbound';
import { SYMMETRIC_PREFIX } from '../standard-webhooks-keys';
import { standardWebhooks } from './standard-webhooks';

/**
 * Two schemes, told apart by the configured secrets:
 * - `whsec_…` signing tokens (feature-flagged in GitLab): Standard Webhooks headers. Once one is
 *   configured it is required, so a request cannot fall back to the weaker plain token.
 * - anything else is a secret token, sent verbatim in `X-Gitlab-Token`. It does not cover the body.
 */
export const gitlab = verifier({ signed: false, headers: ['idempotency-key'] }, (request, settings) => {
  const signingTokens = settings.secrets.filter((secret) => secret.startsWith(SYMMETRIC_PREFIX));
  const eventType = header(request, 'x-gitlab-event');
  if (signingTokens.length > 0) {
    const result = standardWebhooks.verify(request, { ...settings, secrets: signingTokens });
    return result.ok ? accept(header(request, 'idempotency-key') ?? result.eventId, eventType) : result;
  }
  const token = header(request, 'x-gitlab-token');
  if (!token) return reject('missing-header', 'missing x-gitlab-token');
  // Comparing digests keeps the comparison constant-time without revealing the token's length.
  const received = sha256(token);
  if (!settings.secrets.some((secret) => equalBytes(sha256(secret), received))) {
    return reject('bad-signature', `x-gitlab-token matched none of ${settings.secrets.length} token(s)`);
  }
  return accept(header(request, 'idempotency-key'), eventType);
});
