import { decodeBase64, findSecret, hmac } from '../digest';
import { accept, header, noMatch, reject, verifier } from '../inbound';

/**
 * `X-Shopify-Hmac-Sha256: <base64>` over the body, keyed by the app's client secret. Newer
 * "Events" deliveries use unprefixed names; those are read first, as Shopify's SDK does.
 */
export const shopify = verifier(
  { signed: false, headers: ['shopify-webhook-id', 'x-shopify-webhook-id'] },
  (request, settings) => {
    const read = (name: string) => header(request, `shopify-${name}`) ?? header(request, `x-shopify-${name}`);
    const value = read('hmac-sha256');
    if (!value) return reject('missing-header', 'missing x-shopify-hmac-sha256');
    const digest = decodeBase64(value);
    if (!digest) return reject('malformed-header', 'x-shopify-hmac-sha256 is not base64');
    if (!findSecret(settings.secrets, [digest], (secret) => hmac('sha256', secret, request.rawBody))) {
      return noMatch();
    }
    return accept(read('webhook-id'), read('topic'));
  },
);
