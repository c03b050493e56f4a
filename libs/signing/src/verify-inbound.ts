import { z } from 'zod';
import type {
  EventIdSource,
  InboundRequest,
  InboundResult,
  InboundSettings,
  ProviderVerifier,
} from './inbound';
import { discord } from './providers/discord';
import { genericHmac } from './providers/generic-hmac';
import { github } from './providers/github';
import { gitlab } from './providers/gitlab';
import { intercom } from './providers/intercom';
import { linear } from './providers/linear';
import { mailgun } from './providers/mailgun';
import { pagerduty } from './providers/pagerduty';
import { paddle } from './providers/paddle';
import { sendgrid } from './providers/sendgrid';
import { shopify } from './providers/shopify';
import { slack } from './providers/slack';
import { square } from './providers/square';
import { standardWebhooks } from './providers/standard-webhooks';
import { stripe } from './providers/stripe';
import { svix } from './providers/svix';
import { twilio } from './providers/twilio';
import { zoom } from './providers/zoom';
import { SigningConfigError } from './signing-error';

/**
 * Every provider a source can name, and its verifier (which declares where its event ids come
 * from). The list of providers is this registry's keys, wherever it is used.
 */
const verifiers = {
  stripe,
  github,
  slack,
  'standard-webhooks': standardWebhooks,
  svix,
  twilio,
  shopify,
  paddle,
  square,
  zoom,
  linear,
  intercom,
  mailgun,
  sendgrid,
  discord,
  pagerduty,
  gitlab,
  'generic-hmac': genericHmac,
} satisfies Record<string, ProviderVerifier>;

export type ProviderKey = keyof typeof verifiers;

export const providerKeys = Object.keys(verifiers) as [ProviderKey, ...ProviderKey[]];

/** For source configuration: validates a provider name at the boundary. */
export const providerKeySchema = z.enum(providerKeys);

/** Where a provider's event ids come from (`EventIdSource`); undefined for a name that is no provider. */
export const eventIdSourceOf = (provider: string): EventIdSource | undefined =>
  Object.hasOwn(verifiers, provider) ? verifiers[provider as ProviderKey].eventId : undefined;

/**
 * Verifies an inbound webhook against its source's secrets. Returns a result for anything the
 * request got wrong; throws SigningConfigError only when the source configuration is unusable.
 */
export function verifyInbound(
  provider: ProviderKey,
  request: InboundRequest,
  settings: InboundSettings,
): InboundResult {
  if (!Object.hasOwn(verifiers, provider)) throw new SigningConfigError(`unknown provider "${provider}"`);
  return verifiers[provider].verify(request, settings);
}
