export { publicBaseUrlConfig, ingressConfig } from './ingress.config';
export { MAX_BODY_BYTES_LIMIT, sourceDefaults } from './sources/source-limits';
export {
  SourceRegistry,
  toIngressSource,
  type IngressSource,
  type RateLimit,
} from './sources/ingress-source';
export {
  InboundAcceptor,
  type AcceptorPorts,
  type AcceptorOptions,
  type ReceivedRequest,
} from './http/inbound-acceptor';
export { answerFor, type IngressOutcome, type OutcomeKind, type Answer } from './http/outcome';
export { createIngressHandler, type IngressHandler, type IngressRouteOptions } from './http/ingress-route';
export { parsePublicBase, signedUrl, type PublicBase } from './http/signed-url';
export { dedupKeyOf, inboundIdFor } from './dedup/dedup-key';
export { DedupStage, journalGather, type DedupPorts, type JournalEntry } from './dedup/dedup-stage';
export {
  eventTypeFromSchema,
  parseEventTypeFrom,
  toForwardedEvent,
  type EventTypeFrom,
  type ForwardResult,
} from './forward/forward-rule';
export { SourceStatsCounter, statsKindOf } from './stats/source-stats-counter';
