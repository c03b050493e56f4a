export {
  generateSecret,
  generateEd25519KeyPair,
  publicKeyOf,
  signPayload,
  verifyPayload,
  type SignPayloadInput,
  type VerifyPayloadInput,
  type VerifyPayloadResult,
} from './standard-webhooks';
export {
  eventIdSourceOf,
  verifyInbound,
  providerKeys,
  providerKeySchema,
  type ProviderKey,
} from './verify-inbound';
export { genericHmacOptionsSchema, type GenericHmacOptions } from './providers/generic-hmac';
export { SigningConfigError } from './signing-error';
export { readProviderVectors, type ProviderVector } from './provider-vectors';
export type {
  InboundRequest,
  InboundSettings,
  InboundResult,
  Acceptance,
  EventIdSource,
  Rejection,
  RejectionReason,
  Handshake,
} from './inbound';
